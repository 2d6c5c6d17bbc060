package io.github.threatprotection.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;

import io.github.threatprotection.breach.CompromisedCredentialCheck.FailurePolicy;
import io.github.threatprotection.notification.DeliverySchedule;
import io.github.threatprotection.risk.RiskAction;

class ServerOptionsTest {

    /** Keycloak's own scope logic (defaults, comma-separated lists) over the given values. */
    private static Config.Scope scope(Map<String, String> values) {
        return new Config.AbstractScope() {
            @Override
            public String get(String key) {
                return values.get(key);
            }

            @Override
            public Config.Scope scope(String... path) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Set<String> getPropertyNames() {
                return values.keySet();
            }

            @Override
            public Config.Scope root() {
                return this;
            }
        };
    }

    private static ServerOptions read(String... nameValuePairs) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            values.put(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return ServerOptions.from(scope(values));
    }

    private static String error(String name, String value) {
        return assertThrows(IllegalArgumentException.class, () -> read(name, value)).getMessage();
    }

    @Test
    void unsetOptionsTakeTheirDefaults() {
        ServerOptions options = read();

        assertEquals(Duration.ofHours(1), options.retentionPurgeInterval());
        assertTrue(options.builtinCorpus());
        assertEquals(List.of(), options.breachCorpora());
        assertEquals(FailurePolicy.OPEN, options.breachCorpusFailure());
        assertEquals(1, options.breachMinCount());
        assertNull(options.pwnedPasswordsUrl());
        assertEquals(Duration.ofSeconds(1), options.pwnedPasswordsTimeout());
        assertEquals(Duration.ofMillis(200), options.pwnedPasswordsDeadline());
        assertEquals(FailurePolicy.OPEN, options.pwnedPasswordsFailure());
        assertEquals(1000, options.pwnedPasswordsCacheSize());
        assertEquals(Duration.ofHours(1), options.pwnedPasswordsCacheTtl());
        assertNull(options.geoipCityDatabase());
        assertNull(options.geoipAsnDatabase());
        assertNull(options.geoipAnonymousDatabase());
        assertEquals(List.of(), options.ipReputationLists());
        assertEquals(new DeliverySchedule(Duration.ofMinutes(1), Duration.ofHours(1), 10),
                options.notificationSchedule());
        assertEquals(Duration.ofSeconds(30), options.fileRecheckInterval());
        assertEquals(RiskAction.BLOCK, options.riskEvaluationFailure());
        assertEquals(10, options.throttleRefusalSlots());
    }

    @Test
    void blankNumbersAndPathsCountAsUnset() {
        ServerOptions options = read("breach-min-count", " ", "geoip-city-database", "", "pwned-passwords-url", " ");

        assertEquals(1, options.breachMinCount());
        assertNull(options.geoipCityDatabase());
        assertNull(options.pwnedPasswordsUrl());
    }

    @Test
    void setOptionsAreReadTrimmed() {
        ServerOptions options = read("breach-min-count", " 5 ", "pwned-passwords-url", " https://ranges.example/api ",
                "pwned-passwords-cache-size", "0", "breach-corpus-failure", "closed",
                "risk-evaluation-failure", " mfa_required ", "builtin-corpus", " FALSE ",
                "throttle-refusal-slots", "0");

        assertEquals(5, options.breachMinCount());
        assertEquals(URI.create("https://ranges.example/api"), options.pwnedPasswordsUrl());
        assertEquals(0, options.pwnedPasswordsCacheSize(), "a cache size of 0 turns the cache off");
        assertEquals(FailurePolicy.CLOSED, options.breachCorpusFailure());
        assertEquals(RiskAction.MFA_REQUIRED, options.riskEvaluationFailure());
        assertFalse(options.builtinCorpus());
        assertEquals(0, options.throttleRefusalSlots(), "0 holds no refusal back");
    }

    @Test
    void aListOptionIsCommaSeparatedFilesWithEmptyEntriesLeftOut() {
        ServerOptions options = read("breach-corpus", " /data/a.corpus, ,/data/b.corpus ",
                "ip-reputation-lists", "/data/bad-addresses.txt");

        assertEquals(List.of(Path.of("/data/a.corpus"), Path.of("/data/b.corpus")), options.breachCorpora());
        assertEquals(List.of(Path.of("/data/bad-addresses.txt")), options.ipReputationLists());
    }

    @Test
    void aPathOptionIsOneFile() {
        ServerOptions options = read("geoip-city-database", " /geo/GeoLite2-City.mmdb ",
                "geoip-asn-database", "relative/asn.mmdb");

        assertEquals(Path.of("/geo/GeoLite2-City.mmdb"), options.geoipCityDatabase());
        assertEquals(Path.of("relative/asn.mmdb"), options.geoipAsnDatabase());
        assertNull(options.geoipAnonymousDatabase());
    }

    @Test
    void aBadValueIsRefusedNamingTheFullOption() {
        assertEquals("--spi-threat-protection--default--breach-min-count must be a whole number of at least 1,"
                + " got 0", error("breach-min-count", "0"));
        assertEquals("--spi-threat-protection--default--retention-purge-interval must be a whole number of at"
                + " least 1, got  an hour ", error("retention-purge-interval", " an hour "));
        assertEquals("--spi-threat-protection--default--pwned-passwords-cache-ttl must be a whole number of at"
                + " least 0, got -1", error("pwned-passwords-cache-ttl", "-1"));
        assertEquals("--spi-threat-protection--default--pwned-passwords-failure must be open or closed, got OPEN",
                error("pwned-passwords-failure", "OPEN"));
        assertEquals("--spi-threat-protection--default--breach-corpus-failure must be open or closed, got ",
                error("breach-corpus-failure", " "));
        assertEquals("--spi-threat-protection--default--risk-evaluation-failure must be one of "
                + RiskAction.SIGN_IN_ACTIONS + ", got maybe", error("risk-evaluation-failure", "maybe"));
        assertEquals("--spi-threat-protection--default--risk-evaluation-failure must be one of "
                + RiskAction.SIGN_IN_ACTIONS + ", got REVOKE", error("risk-evaluation-failure", "REVOKE"),
                "REVOKE applies to refresh grants only");
        assertEquals("--spi-threat-protection--default--pwned-passwords-url must be an http(s) URL, got"
                + " ftp://ranges.example", error("pwned-passwords-url", "ftp://ranges.example"));
        assertEquals("--spi-threat-protection--default--builtin-corpus must be true or false, got no",
                error("builtin-corpus", "no"));
        assertEquals("--spi-threat-protection--default--pwned-passwords-url must be an http(s) URL, got"
                + " https://ranges example", error("pwned-passwords-url", "https://ranges example"));
    }

    @Test
    void theLongestRetryDelayIsNeverShorterThanTheFirstRetry() {
        assertEquals(new DeliverySchedule(Duration.ofHours(2), Duration.ofHours(2), 10),
                read("notification-retry", "7200").notificationSchedule(), "unset, it follows a longer first retry");
        assertEquals(new DeliverySchedule(Duration.ofSeconds(1), Duration.ofSeconds(2), 3),
                read("notification-retry", "1", "notification-max-retry-delay", "2", "notification-max-attempts", "3")
                        .notificationSchedule());
        assertEquals("--spi-threat-protection--default--notification-max-retry-delay must be a whole number of at"
                + " least 60, got 59", error("notification-max-retry-delay", "59"));
    }

    @Test
    void keycloakListsEveryOptionWithItsHelpAndTheDefaultThatIsUsed() {
        List<ProviderConfigProperty> metadata = ServerOptions.metadata();
        assertEquals(List.of("retention-purge-interval", "builtin-corpus", "breach-corpus", "breach-corpus-failure", "breach-min-count",
                "pwned-passwords-url", "pwned-passwords-timeout", "pwned-passwords-deadline", "pwned-passwords-failure",
                "pwned-passwords-cache-size", "pwned-passwords-cache-ttl", "geoip-city-database", "geoip-asn-database",
                "geoip-anonymous-database", "ip-reputation-lists", "notification-retry", "notification-max-retry-delay",
                "notification-max-attempts", "geoip-recheck-interval", "risk-evaluation-failure",
                "throttle-refusal-slots"),
                metadata.stream().map(ProviderConfigProperty::getName).toList());
        metadata.forEach(option -> assertFalse(option.getHelpText().isBlank(), option.getName()));

        // Setting every option to the default Keycloak shows reads the same as leaving them all unset.
        Map<String, String> shownDefaults = new HashMap<>();
        metadata.stream().filter(option -> option.getDefaultValue() != null)
                .forEach(option -> shownDefaults.put(option.getName(), option.getDefaultValue().toString()));
        assertEquals(15, shownDefaults.size(), shownDefaults::toString);
        assertEquals(read(), ServerOptions.from(scope(shownDefaults)));
    }
}
