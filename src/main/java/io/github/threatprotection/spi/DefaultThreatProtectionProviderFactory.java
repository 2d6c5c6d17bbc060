package io.github.threatprotection.spi;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.apache.http.impl.client.CloseableHttpClient;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.timer.TimerProvider;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.breach.PwnedPasswordsClient;
import io.github.threatprotection.breach.SignInBreachCheck;
import io.github.threatprotection.config.RealmSettingsStore;
import io.github.threatprotection.console.ConsoleClient;
import io.github.threatprotection.console.SettingsPageFactory;
import io.github.threatprotection.keys.RealmDerivedKeys;
import io.github.threatprotection.flow.DeviceCookie;
import io.github.threatprotection.geo.GeoLocator;
import io.github.threatprotection.network.IpReputationLists;
import io.github.threatprotection.flow.UpdateCompromisedPasswordFactory;
import io.github.threatprotection.history.EventRetentionTask;
import io.github.threatprotection.metrics.ThreatProtectionMetrics;
import io.github.threatprotection.notification.DeliverySchedule;
import io.github.threatprotection.notification.NotificationSender;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.SignInRiskEvaluator;

/**
 * Provider {@code default} of the {@code threat-protection} SPI: reads the server options, opens the breach
 * data, removes a user's or realm's events with them, schedules the retention purge and runs the notification
 * sender.
 */
public class DefaultThreatProtectionProviderFactory implements ThreatProtectionProviderFactory,
        ServerInfoAwareProviderFactory {

    public static final String ID = "default";
    static final String RETENTION_PURGE_INTERVAL = "retention-purge-interval";
    static final String BREACH_CORPUS = "breach-corpus";
    static final String BREACH_CORPUS_FAILURE = "breach-corpus-failure";
    static final String BREACH_MIN_COUNT = "breach-min-count";
    static final String PWNED_PASSWORDS_URL = "pwned-passwords-url";
    static final String PWNED_PASSWORDS_TIMEOUT = "pwned-passwords-timeout";
    static final String PWNED_PASSWORDS_DEADLINE = "pwned-passwords-deadline";
    static final String PWNED_PASSWORDS_FAILURE = "pwned-passwords-failure";
    static final String PWNED_PASSWORDS_CACHE_SIZE = "pwned-passwords-cache-size";
    static final String PWNED_PASSWORDS_CACHE_TTL = "pwned-passwords-cache-ttl";
    static final String GEOIP_CITY_DATABASE = "geoip-city-database";
    static final String GEOIP_ASN_DATABASE = "geoip-asn-database";
    static final String GEOIP_ANONYMOUS_DATABASE = "geoip-anonymous-database";
    static final String IP_REPUTATION_LISTS = "ip-reputation-lists";
    static final String NOTIFICATION_RETRY = "notification-retry";
    static final String NOTIFICATION_MAX_RETRY_DELAY = "notification-max-retry-delay";
    static final String NOTIFICATION_MAX_ATTEMPTS = "notification-max-attempts";
    static final String RISK_EVALUATION_FAILURE = "risk-evaluation-failure";
    static final String GEOIP_RECHECK_INTERVAL = "geoip-recheck-interval";
    /** How often changed geolocation databases and reputation lists are looked for, by default. */
    private static final int DEFAULT_FILE_RECHECK_SECONDS = 30;

    private static final int DEFAULT_RETENTION_PURGE_INTERVAL_SECONDS = 3600;
    private static final int DEFAULT_PWNED_PASSWORDS_TIMEOUT_MILLIS = 1000;
    /**
     * Every sign-in's breach check takes this long when the range API is on. A range call to the public API from
     * a server usually answers in tens of milliseconds; this leaves room for slower ones and stays short of what
     * a person notices in a sign-in.
     */
    private static final int DEFAULT_PWNED_PASSWORDS_DEADLINE_MILLIS = 200;
    private static final int DEFAULT_PWNED_PASSWORDS_CACHE_SIZE = 1000;
    private static final int DEFAULT_PWNED_PASSWORDS_CACHE_TTL_SECONDS = 3600;
    private static final int DEFAULT_NOTIFICATION_RETRY_SECONDS = 60;
    private static final int DEFAULT_NOTIFICATION_MAX_RETRY_DELAY_SECONDS = 3600;
    private static final int DEFAULT_NOTIFICATION_MAX_ATTEMPTS = 10;

    private static final Logger LOG = Logger.getLogger(DefaultThreatProtectionProviderFactory.class);

    private final RealmSettingsStore settingsStore = new RealmSettingsStore();
    private final RealmDerivedKeys realmDerivedKeys = new RealmDerivedKeys();
    private SignInRiskEvaluator riskEvaluator;
    private long purgeIntervalMillis;
    private long breachMinCount;
    private List<Path> breachCorpora;
    private CompromisedCredentialCheck.FailurePolicy corpusFailure;
    /** Makes the range API client from Keycloak's HTTP client; null when no range API is configured. */
    private Function<CloseableHttpClient, PwnedPasswordsClient> rangeApiClient;
    private Duration rangeApiDeadline;
    private CompromisedCredentialCheck.FailurePolicy rangeApiFailure;
    private PwnedPasswordsClient rangeApi;
    private CompromisedCredentialCheck breachCheck;
    private SignInBreachCheck signInBreachCheck;
    private GeoLocator geoLocator;
    private IpReputationLists reputationLists;
    private final ThreatProtectionMetrics metrics = new ThreatProtectionMetrics();
    private DeliverySchedule notificationSchedule;
    private NotificationSender notifications;
    private final ExecutorService accountLocks = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "threat-protection-account-locks");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public ThreatProtectionProvider create(KeycloakSession session) {
        return new DefaultThreatProtectionProvider(session, this);
    }

    @Override
    public void init(Config.Scope config) {
        purgeIntervalMillis = atLeast(config, RETENTION_PURGE_INTERVAL, DEFAULT_RETENTION_PURGE_INTERVAL_SECONDS, 1)
                * 1000L;
        breachMinCount = atLeast(config, BREACH_MIN_COUNT, 1, 1);
        int retry = atLeast(config, NOTIFICATION_RETRY, DEFAULT_NOTIFICATION_RETRY_SECONDS, 1);
        notificationSchedule = new DeliverySchedule(Duration.ofSeconds(retry),
                Duration.ofSeconds(atLeast(config, NOTIFICATION_MAX_RETRY_DELAY,
                        Math.max(retry, DEFAULT_NOTIFICATION_MAX_RETRY_DELAY_SECONDS), retry)),
                atLeast(config, NOTIFICATION_MAX_ATTEMPTS, DEFAULT_NOTIFICATION_MAX_ATTEMPTS, 1));
        riskEvaluator = new SignInRiskEvaluator(failureAction(config));
        Duration fileRecheck = Duration.ofSeconds(atLeast(config, GEOIP_RECHECK_INTERVAL,
                DEFAULT_FILE_RECHECK_SECONDS, 1));

        breachCorpora = paths(config, BREACH_CORPUS);
        String url = config.get(PWNED_PASSWORDS_URL);
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url.trim());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException(option(PWNED_PASSWORDS_URL) + " must be an http(s) URL, got " + url);
            }
            Duration timeout = Duration.ofMillis(atLeast(config, PWNED_PASSWORDS_TIMEOUT,
                    DEFAULT_PWNED_PASSWORDS_TIMEOUT_MILLIS, 1));
            int cacheSize = atLeast(config, PWNED_PASSWORDS_CACHE_SIZE, DEFAULT_PWNED_PASSWORDS_CACHE_SIZE, 0);
            Duration cacheTtl = Duration.ofSeconds(atLeast(config, PWNED_PASSWORDS_CACHE_TTL,
                    DEFAULT_PWNED_PASSWORDS_CACHE_TTL_SECONDS, 0));
            rangeApiClient = http -> new PwnedPasswordsClient(http, uri, timeout, cacheSize, cacheTtl,
                    Clock.systemUTC());
        }
        rangeApiDeadline = Duration.ofMillis(atLeast(config, PWNED_PASSWORDS_DEADLINE,
                DEFAULT_PWNED_PASSWORDS_DEADLINE_MILLIS, 1));
        rangeApiFailure = failurePolicy(config, PWNED_PASSWORDS_FAILURE);
        corpusFailure = failurePolicy(config, BREACH_CORPUS_FAILURE);
        geoLocator = new GeoLocator(path(config, GEOIP_CITY_DATABASE), path(config, GEOIP_ASN_DATABASE),
                path(config, GEOIP_ANONYMOUS_DATABASE), fileRecheck, Clock.systemUTC());
        reputationLists = new IpReputationLists(paths(config, IP_REPUTATION_LISTS), fileRecheck, Clock.systemUTC());
        metrics.dependencyErrors("geo", geoLocator, GeoLocator::failures);
        metrics.dependencyErrors("risk_engine", riskEvaluator, SignInRiskEvaluator::failures);
    }

    /**
     * Opens the breach data, in postInit as the range API client needs Keycloak's HTTP client, which only a
     * session gives.
     */
    private void openBreachData(KeycloakSessionFactory factory) {
        if (rangeApiClient != null) {
            // Keycloak's own client rather than one of ours, so that the server's outgoing HTTP settings
            // (--spi-connections-http-client--default--*: proxy mappings, truststore, timeouts) apply to range
            // calls too. The client is shared and thread-safe; the session only hands it out.
            CloseableHttpClient http;
            try (KeycloakSession session = factory.create()) {
                http = session.getProvider(HttpClientProvider.class).getHttpClient();
            }
            rangeApi = rangeApiClient.apply(http);
        }
        breachCheck = new CompromisedCredentialCheck(breachCorpora, corpusFailure, rangeApi, rangeApiFailure);
        signInBreachCheck = new SignInBreachCheck(breachCheck, rangeApiDeadline);
        metrics.dependencyErrors("breach_api", this,
                self -> self.breachCheck.apiFailures() + self.signInBreachCheck.deadlineMisses());
        metrics.dependencyErrors("breach_corpus", breachCheck, CompromisedCredentialCheck::corpusFailures);
        if (breachCheck.isConfigured()) {
            LOG.infof("Compromised-credential checks: %d offline corpus file(s) (failure policy %s), range API %s"
                    + " (failure policy %s), minimum count %d", breachCorpora.size(), name(corpusFailure),
                    rangeApi == null ? "off" : rangeApi.baseUrl(), name(rangeApiFailure), breachMinCount);
        } else {
            LOG.info("Compromised-credential checks are off: no breach corpus and no range API configured");
        }
    }

    /** {@code open} or {@code closed}, open when unset. */
    private static CompromisedCredentialCheck.FailurePolicy failurePolicy(Config.Scope config, String name) {
        String text = config.get(name, "open").trim();
        return switch (text) {
            case "open" -> CompromisedCredentialCheck.FailurePolicy.OPEN;
            case "closed" -> CompromisedCredentialCheck.FailurePolicy.CLOSED;
            default -> throw new IllegalArgumentException(option(name) + " must be open or closed, got " + text);
        };
    }

    private static String name(CompromisedCredentialCheck.FailurePolicy policy) {
        return policy.name().toLowerCase(Locale.ROOT);
    }

    private static RiskAction failureAction(Config.Scope config) {
        String text = config.get(RISK_EVALUATION_FAILURE, RiskAction.BLOCK.name()).trim();
        try {
            return RiskAction.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option(RISK_EVALUATION_FAILURE) + " must be one of "
                    + Arrays.toString(RiskAction.values()) + ", got " + text);
        }
    }

    private static Path path(Config.Scope config, String name) {
        String value = config.get(name);
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static List<Path> paths(Config.Scope config, String name) {
        String[] values = config.getArray(name);
        return values == null ? List.of() : Arrays.stream(values)
                .map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    private static int atLeast(Config.Scope config, String name, int defaultValue, int minimum) {
        String text = config.get(name);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= minimum) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option(name) + " must be a whole number of at least " + minimum
                + ", got " + text);
    }

    private static String option(String name) {
        return "--spi-threat-protection--default--" + name;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        openBreachData(factory);
        notifications = new NotificationSender(factory, notificationSchedule, notificationSchedule.firstRetry(),
                metrics);
        factory.register(this::onProviderEvent);
    }

    /** Runs once the database is ready: postInit of the JPA layer may not have run yet when ours does. */
    private void onDatabaseReady(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            session.realms().getRealmsStream().forEach(realm -> {
                if (DeviceCookie.removeLegacyKey(realm)) {
                    LOG.infof("Removed the old device-cookie key (realm attribute %s) from realm %s; device cookies"
                            + " are now signed with keys derived from the realm's HS512 key",
                            DeviceCookie.LEGACY_KEY_ATTRIBUTE, realm.getName());
                }
                UpdateCompromisedPasswordFactory.registerIn(realm);
                addConsole(session, realm);
            });
            session.getProvider(TimerProvider.class)
                    .scheduleTask(new EventRetentionTask(), purgeIntervalMillis, EventRetentionTask.NAME);
        });
        notifications.start();
    }

    private void onProviderEvent(ProviderEvent event) {
        if (event instanceof PostMigrationEvent ready) {
            onDatabaseReady(ready.getFactory());
        } else if (event instanceof UserModel.UserRemovedEvent removed) {
            int deleted = create(removed.getKeycloakSession()).events()
                    .deleteForUser(removed.getRealm().getId(), removed.getUser().getId());
            LOG.debugf("Deleted %d risk events of removed user %s", deleted, removed.getUser().getId());
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            UpdateCompromisedPasswordFactory.registerIn(created.getCreatedRealm());
            addConsole(created.getKeycloakSession(), created.getCreatedRealm());
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            ThreatProtectionProvider provider = create(removed.getKeycloakSession());
            provider.events().deleteForRealm(removed.getRealm().getId());
            provider.failedSignIns().deleteForRealm(removed.getRealm().getId());
            settingsStore.forget(removed.getRealm().getId());
            realmDerivedKeys.forget(removed.getRealm().getId());
        }
    }

    /** The admin console page with the realm's settings, and the event history page's sign-in client. */
    private static void addConsole(KeycloakSession session, RealmModel realm) {
        try {
            ConsoleClient.ensureIn(realm);
            SettingsPageFactory.showCurrentSettings(session, realm);
        } catch (RuntimeException e) {
            // Protection does not depend on the pages; a realm without them is logged, not refused.
            LOG.errorf(e, "Could not add the threat protection admin pages to realm %s", realm.getName());
        }
    }

    RealmSettingsStore settingsStore() {
        return settingsStore;
    }

    RealmDerivedKeys realmDerivedKeys() {
        return realmDerivedKeys;
    }

    SignInRiskEvaluator riskEvaluator() {
        return riskEvaluator;
    }

    CompromisedCredentialCheck breachCheck() {
        return breachCheck;
    }

    SignInBreachCheck signInBreachCheck() {
        return signInBreachCheck;
    }

    long breachMinCount() {
        return breachMinCount;
    }

    GeoLocator geoLocator() {
        return geoLocator;
    }

    IpReputationLists reputationLists() {
        return reputationLists;
    }

    ThreatProtectionMetrics metrics() {
        return metrics;
    }

    NotificationSender notifications() {
        return notifications;
    }

    Executor accountLocks() {
        return accountLocks;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(RETENTION_PURGE_INTERVAL).type("int")
                .helpText("Seconds between runs of the purge of risk events older than each realm's"
                        + " retention.eventDays.")
                .defaultValue(DEFAULT_RETENTION_PURGE_INTERVAL_SECONDS).add()
                .property().name(BREACH_CORPUS).type("string")
                .helpText("Comma-separated offline breach corpus files, built with the JAR's 'corpus build'"
                        + " command.").add()
                .property().name(BREACH_CORPUS_FAILURE).type("string")
                .helpText("open: a corpus that cannot be read (damaged, truncated, missing) lets passwords through"
                        + " unchecked against it; closed: they count as compromised (a block, never an account"
                        + " lock).")
                .defaultValue("open").add()
                .property().name(BREACH_MIN_COUNT).type("int")
                .helpText("A password counts as compromised when seen at least this often.")
                .defaultValue(1).add()
                .property().name(PWNED_PASSWORDS_URL).type("string")
                .helpText("Base URL of a Pwned Passwords range API (e.g. https://api.pwnedpasswords.com),"
                        + " called through Keycloak's HTTP client (connections-http-client: proxy mappings,"
                        + " truststore); unset: no online check.").add()
                .property().name(PWNED_PASSWORDS_TIMEOUT).type("int")
                .helpText("Milliseconds a range API call may take, its answer's body included.")
                .defaultValue(DEFAULT_PWNED_PASSWORDS_TIMEOUT_MILLIS).add()
                .property().name(PWNED_PASSWORDS_DEADLINE).type("int")
                .helpText("Milliseconds every sign-in's breach check takes when the range API is on, answered"
                        + " from the cache, the network or not at all (then the failure policy applies), so that"
                        + " response times never tell a right password from a wrong one.")
                .defaultValue(DEFAULT_PWNED_PASSWORDS_DEADLINE_MILLIS).add()
                .property().name(PWNED_PASSWORDS_FAILURE).type("string")
                .helpText("open: a failed range API call lets the password through; closed: it counts as"
                        + " compromised.")
                .defaultValue("open").add()
                .property().name(PWNED_PASSWORDS_CACHE_SIZE).type("int")
                .helpText("Range answers cached on each node.")
                .defaultValue(DEFAULT_PWNED_PASSWORDS_CACHE_SIZE).add()
                .property().name(PWNED_PASSWORDS_CACHE_TTL).type("int")
                .helpText("Seconds a cached range answer is used.")
                .defaultValue(DEFAULT_PWNED_PASSWORDS_CACHE_TTL_SECONDS).add()
                .property().name(GEOIP_CITY_DATABASE).type("string")
                .helpText("MaxMind DB City database (GeoLite2-City, GeoIP2-City, DB-IP lite).").add()
                .property().name(GEOIP_ASN_DATABASE).type("string")
                .helpText("MaxMind DB ASN database (GeoLite2-ASN).").add()
                .property().name(GEOIP_ANONYMOUS_DATABASE).type("string")
                .helpText("MaxMind DB Anonymous-IP database.").add()
                .property().name(IP_REPUTATION_LISTS).type("string")
                .helpText("Comma-separated files of bad addresses or CIDR blocks, one per line.").add()
                .property().name(NOTIFICATION_RETRY).type("int")
                .helpText("Seconds before a failed notification e-mail is tried again (doubling after each"
                        + " failure), and between scans for due notifications.")
                .defaultValue(DEFAULT_NOTIFICATION_RETRY_SECONDS).add()
                .property().name(NOTIFICATION_MAX_RETRY_DELAY).type("int")
                .helpText("Longest wait in seconds between two attempts at a notification e-mail.")
                .defaultValue(DEFAULT_NOTIFICATION_MAX_RETRY_DELAY_SECONDS).add()
                .property().name(NOTIFICATION_MAX_ATTEMPTS).type("int")
                .helpText("Attempts at a notification e-mail before it is marked FAILED.")
                .defaultValue(DEFAULT_NOTIFICATION_MAX_ATTEMPTS).add()
                .property().name(GEOIP_RECHECK_INTERVAL).type("int")
                .helpText("Seconds between checks for changed geolocation databases and reputation lists.")
                .defaultValue(DEFAULT_FILE_RECHECK_SECONDS).add()
                .property().name(RISK_EVALUATION_FAILURE).type("string")
                .helpText("The action for a sign-in whose risk score cannot be computed (BLOCK, MFA_REQUIRED,"
                        + " MFA_IF_CONFIGURED or NO_ACTION); it is recorded on the event and counted either way.")
                .defaultValue(RiskAction.BLOCK.name()).add()
                .build();
    }

    /** Shown on the admin console's server info page (Provider info → threat-protection). */
    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", ExtensionVersion.VERSION);
        info.put("breachChecks", breachCheck != null && breachCheck.isConfigured() ? "on" : "off");
        return info;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void close() {
        accountLocks.shutdown();
        if (notifications != null) {
            notifications.stop();
        }
        if (signInBreachCheck != null) {
            signInBreachCheck.close();
        }
        if (rangeApi != null) {
            rangeApi.close();
        }
    }
}
