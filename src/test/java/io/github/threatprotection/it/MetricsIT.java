package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.BreachTestData;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/** Known sign-ins show up in Keycloak's /metrics with the extension's counters. */
@ExtendWith(KeycloakExtension.class)
class MetricsIT {

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) {
        server = keycloak;
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "metrics", "counted", "blocked", "breached",
                "notified", "gauged");
        AdminApi.ok(realm.resetPassword(realm.userId("breached"), BreachTestData.BREACHED));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void evaluationsOverridesAndDurationsAreCountedAndTheDashboardFindsThem() throws Exception {
        realm.saveSettings(Map.of("mode", "AUDIT",
                "ipExceptions", Map.of("alwaysBlock", List.of("198.51.100.0/24"))));
        for (int i = 0; i < 3; i++) {
            assertTrue(new Browser(server.baseUrl(), "192.0.2.120")
                    .signIn(realm.name(), TestRealm.CLIENT, "counted", TestRealm.PASSWORD).signedIn());
        }
        assertTrue(new Browser(server.baseUrl(), "198.51.100.5")
                .signIn(realm.name(), TestRealm.CLIENT, "blocked", TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(server.baseUrl(), "192.0.2.121")
                .signIn(realm.name(), TestRealm.CLIENT, "breached", BreachTestData.BREACHED).signedIn());

        String metrics = scrape();

        assertEquals(3.0, value(metrics, "threat_protection_evaluations_total", "action=\"NO_ACTION\"",
                "client=\"test-app\"", "enforced=\"false\"", "level=\"LOW\"", "operation=\"SIGN_IN\"",
                "realm=\"metrics\""), metrics);
        assertEquals(1.0, value(metrics, "threat_protection_evaluations_total", "action=\"BLOCK\"",
                "level=\"HIGH\"", "realm=\"metrics\""));
        assertEquals(1.0, value(metrics, "threat_protection_ip_overrides_total", "override=\"ALWAYS_BLOCK\"",
                "realm=\"metrics\""));
        assertEquals(1.0, value(metrics, "threat_protection_compromised_credentials_total", "operation=\"SIGN_IN\"",
                "realm=\"metrics\""));
        assertEquals(5.0, value(metrics, "threat_protection_evaluation_duration_seconds_count",
                "realm=\"metrics\""));
        assertTrue(metrics.contains("threat_protection_dependency_errors_total{dependency=\"geo\""), "dependency meters");
        assertTrue(!metrics.contains("192.0.2.120") && !metrics.contains("counted"), "no address or user labels");

        // Refresh grants: one from the session's own network, counted though it writes no event.
        realm.installTokenRefreshPolicy();
        realm.saveSettings(Map.of("mode", "AUDIT", "sessions", Map.of("tokenRefresh", true)));
        String refreshToken = AdminApi.ok(realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "counted", TestRealm.PASSWORD, "X-Forwarded-For", "192.0.2.120")).get("refresh_token").asText();
        assertEquals(200, realm.admin().refreshGrantResponse(realm.name(), TestRealm.CLIENT, refreshToken,
                "X-Forwarded-For", "192.0.2.120").statusCode());
        String refreshed = scrape();
        assertEquals(1.0, value(refreshed, "threat_protection_evaluations_total", "action=\"NO_ACTION\"",
                "enforced=\"false\"", "level=\"LOW\"", "operation=\"TOKEN_REFRESH\"", "realm=\"metrics\""),
                refreshed);
        assertEquals(1.0, value(refreshed, "threat_protection_refresh_evaluation_duration_seconds_count",
                "realm=\"metrics\""));

        // SSO sign-ins: one from the session's own network, counted though it writes no event.
        realm.installSsoSignInCheck();
        realm.saveSettings(Map.of("mode", "AUDIT", "sessions", Map.of("ssoSignIn", true)));
        Browser browser = new Browser(server.baseUrl(), "192.0.2.123");
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, "counted", TestRealm.PASSWORD).signedIn());
        HttpResponse<String> sso = browser.openLoginPage(realm.name(), TestRealm.CLIENT);
        assertEquals(302, sso.statusCode(), "signed in by the SSO cookie: " + sso.body());
        String ssoChecked = scrape();
        assertEquals(1.0, value(ssoChecked, "threat_protection_evaluations_total", "action=\"NO_ACTION\"",
                "enforced=\"false\"", "level=\"LOW\"", "operation=\"SSO_SIGN_IN\"", "realm=\"metrics\""),
                ssoChecked);
        assertEquals(1.0, value(ssoChecked, "threat_protection_sso_evaluation_duration_seconds_count",
                "realm=\"metrics\""));
        // Throttling: a source throttled after one failure, and its next password grant refused before the check.
        realm.installThrottleStep("direct grant with threat protection");
        realm.saveSettings(Map.of("mode", "ENFORCED", "attackProtection", Map.of("throttling",
                Map.of("enabled", true, "failures", 1))));
        String[] fromAttacker = {"X-Forwarded-For", "203.0.113.200"};
        realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "nobody", "guess", fromAttacker);
        realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "counted", TestRealm.PASSWORD,
                fromAttacker);
        String throttled = scrape();
        assertEquals(1.0, value(throttled, "threat_protection_throttles_total", "realm=\"metrics\"",
                "scope=\"ADDRESS\""), throttled);
        assertEquals(1.0, value(throttled, "threat_protection_throttled_attempts_total", "client=\"test-app\"",
                "enforced=\"true\"", "realm=\"metrics\""));
        assertEquals(1.0, value(throttled, "threat_protection_throttle_refusal_delays_total", "realm=\"metrics\"",
                "outcome=\"held\""), "the refusal was held back");
        assertFalse(throttled.contains("203.0.113.200"), "no address labels");

        // The risk action CHALLENGE: the puzzle page after the password, counted as issued.
        realm.saveSettings(Map.of("mode", "ENFORCED", "accountTakeover", Map.of(
                "low", Map.of("action", "CHALLENGE", "notify", false),
                "medium", Map.of("action", "CHALLENGE", "notify", false),
                "high", Map.of("action", "CHALLENGE", "notify", false))));
        assertFalse(new Browser(server.baseUrl(), "192.0.2.124")
                .signIn(realm.name(), TestRealm.CLIENT, "blocked", TestRealm.PASSWORD).signedIn());
        assertEquals(1.0, value(scrape(), "threat_protection_challenges_total", "realm=\"metrics\"",
                "result=\"issued\""));

        // The realm has no SMTP server, so the notification is skipped, and counted as such.
        realm.saveSettings(Map.of("mode", "ENFORCED",
                "accountTakeover", Map.of("low", Map.of("action", "NO_ACTION", "notify", true))));
        assertTrue(new Browser(server.baseUrl(), "192.0.2.122")
                .signIn(realm.name(), TestRealm.CLIENT, "notified", TestRealm.PASSWORD).signedIn());
        String notified = scrape();
        for (int i = 0; i < 50 && !notified.contains("threat_protection_notifications_total{"); i++) {
            Thread.sleep(200);
            notified = scrape();
        }
        assertEquals(1.0, value(notified, "threat_protection_notifications_total", "kind=\"NO_ACTION\"",
                "realm=\"metrics\"", "result=\"skipped\""), notified);
        assertTrue(notified.contains("threat_protection_dependency_errors_total{dependency=\"smtp\""));
        assertDashboardQueriesExist(notified);
    }

    @Test
    void usersAtRiskAreGaugedPerRealmAndState() throws Exception {
        String path = "/" + realm.name() + "/threat-protection/users/" + realm.userId("gauged") + "/risk";
        double before = usersCompromised();

        AdminApi.ok(realm.admin().put(path, Map.of("state", "COMPROMISED")));
        awaitUsersCompromised(before + 1);
        AdminApi.ok(realm.admin().put(path, Map.of("state", "NONE")));
        awaitUsersCompromised(before);
    }

    private static double usersCompromised() throws Exception {
        return value(scrape(), "threat_protection_users_at_risk", "realm=\"metrics\"", "state=\"COMPROMISED\"");
    }

    /** The gauge counts at most every 10 s per node. */
    private static void awaitUsersCompromised(double expected) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double value = usersCompromised();
        while (value != expected && System.nanoTime() < giveUp) {
            Thread.sleep(500);
            value = usersCompromised();
        }
        assertEquals(expected, value);
    }

    private static String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The Grafana dashboard under docker/ must not query a metric that does not exist. */
    private static void assertDashboardQueriesExist(String metrics) throws Exception {
        String dashboard = Files.readString(Path.of("docker/grafana/threat-protection-dashboard.json"));
        Matcher name = Pattern.compile("threat_protection_[a-z_]+").matcher(dashboard);
        int checked = 0;
        while (name.find()) {
            assertTrue(metrics.contains(name.group() + "{"), "the dashboard queries " + name.group()
                    + ", which /metrics does not have");
            checked++;
        }
        assertTrue(checked >= 7, "the dashboard names the extension's metrics");
    }

    /** The value of the one sample of a metric whose labels include all the given ones. */
    private static double value(String metrics, String name, String... labels) {
        Matcher line = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        Double found = null;
        while (line.find()) {
            boolean all = true;
            for (String label : labels) {
                all &= line.group(1).contains(label);
            }
            if (all) {
                if (found != null) {
                    throw new AssertionError("more than one sample of " + name + " matches " + List.of(labels));
                }
                found = Double.parseDouble(line.group(2));
            }
        }
        if (found == null) {
            throw new AssertionError("no sample of " + name + " with " + List.of(labels));
        }
        return found;
    }
}
