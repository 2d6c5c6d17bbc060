package io.github.threatprotection.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import io.github.threatprotection.breach.CompromisedCredentialCheck.FailurePolicy;
import io.github.threatprotection.notification.DeliverySchedule;
import io.github.threatprotection.risk.RiskAction;

/**
 * The server options ({@code --spi-threat-protection--default--<name>}), read once at start-up. Each is defined
 * once in {@link Option}, with its default and help text, which {@link #metadata()} hands to Keycloak.
 * An unset URL or file is null, an unset list of files empty.
 */
public record ServerOptions(
        Duration retentionPurgeInterval,
        boolean builtinCorpus,
        List<Path> breachCorpora,
        FailurePolicy breachCorpusFailure,
        long breachMinCount,
        URI pwnedPasswordsUrl,
        Duration pwnedPasswordsTimeout,
        Duration pwnedPasswordsDeadline,
        FailurePolicy pwnedPasswordsFailure,
        int pwnedPasswordsCacheSize,
        Duration pwnedPasswordsCacheTtl,
        Path geoipCityDatabase,
        Path geoipAsnDatabase,
        Path geoipAnonymousDatabase,
        List<Path> ipReputationLists,
        DeliverySchedule notificationSchedule,
        Duration fileRecheckInterval,
        RiskAction riskEvaluationFailure,
        int throttleRefusalSlots) {

    /** Every option, in the order Keycloak lists them. */
    enum Option {
        RETENTION_PURGE_INTERVAL("retention-purge-interval", 3600, 1,
                "Seconds between runs of the purge of risk events older than each realm's retention.eventDays."),
        BUILTIN_CORPUS("builtin-corpus", true,
                "true: passwords are also checked against the 30,000 most common passwords carried in the JAR,"
                        + " with or without breach corpora and the range API; false: only against those."),
        BREACH_CORPUS("breach-corpus", null,
                "Comma-separated offline breach corpus files, built with the JAR's 'corpus build' command."),
        BREACH_CORPUS_FAILURE("breach-corpus-failure", "open",
                "open: a corpus that cannot be read (damaged, truncated, missing) lets passwords through unchecked"
                        + " against it; closed: they count as compromised (a block, never an account lock)."),
        BREACH_MIN_COUNT("breach-min-count", 1, 1,
                "A password counts as compromised when seen at least this often."),
        PWNED_PASSWORDS_URL("pwned-passwords-url", null,
                "Base URL of a Pwned Passwords range API (e.g. https://api.pwnedpasswords.com), called through"
                        + " Keycloak's HTTP client (connections-http-client: proxy mappings, truststore); unset: no"
                        + " online check."),
        PWNED_PASSWORDS_TIMEOUT("pwned-passwords-timeout", 1000, 1,
                "Milliseconds a range API call may take, its answer's body included."),
        /*
         * A range call to the public API from a server usually answers in tens of milliseconds; the default leaves
         * room for slower ones and stays short of what a person notices in a sign-in.
         */
        PWNED_PASSWORDS_DEADLINE("pwned-passwords-deadline", 200, 1,
                "Milliseconds every sign-in's breach check takes when the range API is on, answered from the cache,"
                        + " the network or not at all (then the failure policy applies), so that response times"
                        + " never tell a right password from a wrong one."),
        PWNED_PASSWORDS_FAILURE("pwned-passwords-failure", "open",
                "open: a failed range API call lets the password through; closed: it counts as compromised."),
        PWNED_PASSWORDS_CACHE_SIZE("pwned-passwords-cache-size", 1000, 0,
                "Range answers cached on each node."),
        PWNED_PASSWORDS_CACHE_TTL("pwned-passwords-cache-ttl", 3600, 0,
                "Seconds a cached range answer is used."),
        GEOIP_CITY_DATABASE("geoip-city-database", null,
                "MaxMind DB City database (GeoLite2-City, GeoIP2-City, DB-IP lite)."),
        GEOIP_ASN_DATABASE("geoip-asn-database", null,
                "MaxMind DB ASN database (GeoLite2-ASN)."),
        GEOIP_ANONYMOUS_DATABASE("geoip-anonymous-database", null,
                "MaxMind DB Anonymous-IP database."),
        IP_REPUTATION_LISTS("ip-reputation-lists", null,
                "Comma-separated files of bad addresses or CIDR blocks, one per line."),
        NOTIFICATION_RETRY("notification-retry", 60, 1,
                "Seconds before a failed notification e-mail is tried again (doubling after each failure), and"
                        + " between scans for due notifications."),
        /** Never shorter than the first retry: unset, it is the longer of the two; set, at least the first retry. */
        NOTIFICATION_MAX_RETRY_DELAY("notification-max-retry-delay", 3600, 1,
                "Longest wait in seconds between two attempts at a notification e-mail."),
        NOTIFICATION_MAX_ATTEMPTS("notification-max-attempts", 10, 1,
                "Attempts at a notification e-mail before it is marked FAILED."),
        GEOIP_RECHECK_INTERVAL("geoip-recheck-interval", 30, 1,
                "Seconds between checks for changed geolocation databases and reputation lists."),
        RISK_EVALUATION_FAILURE("risk-evaluation-failure", RiskAction.BLOCK.name(),
                "The action for a sign-in whose risk score cannot be computed (BLOCK, MFA_REQUIRED,"
                        + " CHALLENGE, MFA_IF_CONFIGURED or NO_ACTION); it is recorded on the event and counted either"
                        + " way."),
        /*
         * Each held-back refusal keeps one of Keycloak's request threads asleep (http-pool-max-threads, 50 or more):
         * ten leave the rest of a default pool to everyone else, whatever an attacker opens.
         */
        THROTTLE_REFUSAL_SLOTS("throttle-refusal-slots", 10, 0,
                "Refusals of throttled sources this node holds back at once (each for its realm's"
                        + " attackProtection.throttling.refusalDelayMillis, a sleeping request thread); further ones"
                        + " are answered at once. 0: none is held back.");

        private final String key;
        private final String type;
        private final Object defaultValue;
        private final int minimum;
        private final String help;

        /** A whole number of at least {@code minimum}. */
        Option(String key, int defaultValue, int minimum, String help) {
            this(key, "int", defaultValue, minimum, help);
        }

        /** true or false. */
        Option(String key, boolean defaultValue, String help) {
            this(key, "boolean", defaultValue, 0, help);
        }

        /** Text: a choice, a URL, a file or comma-separated files. */
        Option(String key, String defaultValue, String help) {
            this(key, "string", defaultValue, 0, help);
        }

        Option(String key, String type, Object defaultValue, int minimum, String help) {
            this.key = key;
            this.type = type;
            this.defaultValue = defaultValue;
            this.minimum = minimum;
            this.help = help;
        }

        /** The name an operator writes, as it appears in error messages. */
        private String option() {
            return "--spi-threat-protection--default--" + key;
        }

        /** The value, or null when unset or blank. */
        private String text(Config.Scope config) {
            String text = config.get(key);
            return text == null || text.isBlank() ? null : text.trim();
        }

        private int wholeNumber(Config.Scope config) {
            return wholeNumber(config, minimum, (Integer) defaultValue);
        }

        private int wholeNumber(Config.Scope config, int atLeast, int whenUnset) {
            String text = text(config);
            if (text == null) {
                return whenUnset;
            }
            try {
                int value = Integer.parseInt(text);
                if (value >= atLeast) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option() + " must be a whole number of at least " + atLeast
                    + ", got " + config.get(key));
        }

        /** One of the values {@code choices} knows (null for any other), the default when unset. */
        private <T> T choice(Config.Scope config, Function<String, T> choices, String expected) {
            String text = config.get(key, (String) defaultValue).trim();
            T value = choices.apply(text);
            if (value == null) {
                throw new IllegalArgumentException(option() + " must be " + expected + ", got " + text);
            }
            return value;
        }

        private boolean flag(Config.Scope config) {
            String text = text(config);
            if (text == null) {
                return (Boolean) defaultValue;
            }
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new IllegalArgumentException(option() + " must be true or false, got " + config.get(key));
        }

        private Path path(Config.Scope config) {
            String text = text(config);
            return text == null ? null : Path.of(text);
        }

        private List<Path> paths(Config.Scope config) {
            String[] values = config.getArray(key);
            return values == null ? List.of() : Arrays.stream(values)
                    .map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
        }

        private URI httpUrl(Config.Scope config) {
            String text = text(config);
            if (text == null) {
                return null;
            }
            try {
                URI url = new URI(text);
                if ("https".equals(url.getScheme()) || "http".equals(url.getScheme())) {
                    return url;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new IllegalArgumentException(option() + " must be an http(s) URL, got " + config.get(key));
        }
    }

    private static final Map<String, FailurePolicy> FAILURE_POLICIES =
            Map.of("open", FailurePolicy.OPEN, "closed", FailurePolicy.CLOSED);

    /** Reads every option, or fails on the first with a bad value, naming it. */
    static ServerOptions from(Config.Scope config) {
        int retrySeconds = Option.NOTIFICATION_RETRY.wholeNumber(config);
        int maxRetryDelaySeconds = Option.NOTIFICATION_MAX_RETRY_DELAY.wholeNumber(config, retrySeconds,
                Math.max(retrySeconds, (Integer) Option.NOTIFICATION_MAX_RETRY_DELAY.defaultValue));
        return new ServerOptions(
                Duration.ofSeconds(Option.RETENTION_PURGE_INTERVAL.wholeNumber(config)),
                Option.BUILTIN_CORPUS.flag(config),
                Option.BREACH_CORPUS.paths(config),
                failurePolicy(config, Option.BREACH_CORPUS_FAILURE),
                Option.BREACH_MIN_COUNT.wholeNumber(config),
                Option.PWNED_PASSWORDS_URL.httpUrl(config),
                Duration.ofMillis(Option.PWNED_PASSWORDS_TIMEOUT.wholeNumber(config)),
                Duration.ofMillis(Option.PWNED_PASSWORDS_DEADLINE.wholeNumber(config)),
                failurePolicy(config, Option.PWNED_PASSWORDS_FAILURE),
                Option.PWNED_PASSWORDS_CACHE_SIZE.wholeNumber(config),
                Duration.ofSeconds(Option.PWNED_PASSWORDS_CACHE_TTL.wholeNumber(config)),
                Option.GEOIP_CITY_DATABASE.path(config),
                Option.GEOIP_ASN_DATABASE.path(config),
                Option.GEOIP_ANONYMOUS_DATABASE.path(config),
                Option.IP_REPUTATION_LISTS.paths(config),
                new DeliverySchedule(Duration.ofSeconds(retrySeconds), Duration.ofSeconds(maxRetryDelaySeconds),
                        Option.NOTIFICATION_MAX_ATTEMPTS.wholeNumber(config)),
                Duration.ofSeconds(Option.GEOIP_RECHECK_INTERVAL.wholeNumber(config)),
                Option.RISK_EVALUATION_FAILURE.choice(config,
                        text -> RiskAction.SIGN_IN_ACTIONS.stream().filter(a -> a.name().equalsIgnoreCase(text))
                                .findFirst().orElse(null),
                        "one of " + RiskAction.SIGN_IN_ACTIONS),
                Option.THROTTLE_REFUSAL_SLOTS.wholeNumber(config));
    }

    private static FailurePolicy failurePolicy(Config.Scope config, Option option) {
        return option.choice(config, FAILURE_POLICIES::get, "open or closed");
    }

    /** The options as Keycloak lists a provider's configuration: name, type, help text, default. */
    public static List<ProviderConfigProperty> metadata() {
        ProviderConfigurationBuilder builder = ProviderConfigurationBuilder.create();
        for (Option option : Option.values()) {
            builder.property().name(option.key).type(option.type).helpText(option.help)
                    .defaultValue(option.defaultValue).add();
        }
        return builder.build();
    }
}
