package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Metrics;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Throttling of sources whose sign-ins keep failing, in flows installed by {@code POST …/flows}: refused before
 * the password check, everywhere else let in, listed and released through the REST API, expiring on its own.
 * Each test attacks from networks of its own, so the tests do not count each other's failures.
 */
@ExtendWith(KeycloakExtension.class)
class ThrottlingIT {

    private static final int FAILURES = 5;

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) {
        server = keycloak;
        realm = TestRealm.createWithoutProtection(new AdminApi(keycloak.baseUrl()), "throttling", "victim",
                "bystander", "allowed", "expiring", "released", "audited", "other", "per-address");
        realm.update(Map.of("bruteForceProtected", true, "failureFactor", 30, "adminEventsEnabled", true));
        HttpResponse<String> installed = realm.admin().post("/" + realm.name() + "/threat-protection/flows", null);
        assertEquals(201, installed.statusCode(), installed.body());
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void aNetworkPastTheThresholdIsRefusedBeforeThePasswordCheckWhileAnotherNetworkSignsIn() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NETWORK", 60));
        String victim = realm.userId("victim");
        Browser.Result wrongPassword = new Browser(server.baseUrl(), "192.0.2.10")
                .signIn(realm.name(), TestRealm.CLIENT, "victim", "not the password");
        HttpResponse<String> wrongGrant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "bystander", "not the password", "X-Forwarded-For", "192.0.2.11");
        assertEquals(1, realm.bruteForceFailures(victim));

        failFrom("198.51.100.", FAILURES);
        JsonNode throttle = throttle("198.51.100.0/24");
        assertNotNull(throttle, "the network is listed: " + throttles());
        assertEquals("NETWORK", throttle.get("scope").asText());
        assertEquals(FAILURES, throttle.get("failuresWhenThrottled").asInt());
        assertEquals(FAILURES, throttle.get("failures").asInt());
        assertTrue(Instant.parse(throttle.get("expiresAt").asText()).isAfter(Instant.now().plusSeconds(3000)));
        assertFalse(Instant.parse(throttle.get("firstFailure").asText())
                .isAfter(Instant.parse(throttle.get("lastFailure").asText())));
        JsonNode activity = AdminApi.ok(realm.admin().get("/" + realm.name()
                + "/threat-protection/throttles/activity?minutes=60"));
        JsonNode attacking = null;
        for (JsonNode network : activity.get("topNetworks")) {
            if ("198.51.100.0/24".equals(network.get("network").asText())) {
                attacking = network;
            }
        }
        assertNotNull(attacking, activity.toString());
        assertEquals(FAILURES, attacking.get("failures").asInt());
        assertEquals(FAILURES, attacking.get("usernames").asInt());
        assertTrue(activity.get("failuresPerMinute").size() >= 1, activity.toString());
        double refusedBefore = metric("threat_protection_throttled_attempts_total", "enforced=\"true\"");
        double heldBefore = metric("threat_protection_throttle_refusal_delays_total", "outcome=\"held\"");

        // The right password is refused too, with the page a wrong password gets, and no brute-force count moves.
        Browser.Result refused = new Browser(server.baseUrl(), "198.51.100.77")
                .signIn(realm.name(), TestRealm.CLIENT, "victim", TestRealm.PASSWORD);
        assertFalse(refused.signedIn(), "a throttled network is refused even with the right password");
        assertEquals(wrongPassword.status(), refused.status());
        assertEquals(withoutPerRequestValues(wrongPassword.page()), withoutPerRequestValues(refused.page()));
        HttpResponse<String> refusedGrant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "victim", TestRealm.PASSWORD, "X-Forwarded-For", "198.51.100.78");
        assertEquals(wrongGrant.statusCode(), refusedGrant.statusCode());
        assertEquals(wrongGrant.body(), refusedGrant.body());
        assertEquals(1, realm.bruteForceFailures(victim), "Keycloak checked no password, so counted no failure");
        JsonNode loginError = realm.keycloakEvents("LOGIN_ERROR").get(0);
        assertEquals("invalid_user_credentials", loginError.get("error").asText());
        assertEquals("refused", loginError.at("/details/throttle").asText());
        assertEquals("198.51.100.0/24", loginError.at("/details/throttled_source").asText());
        assertEquals(refusedBefore + 2, metric("threat_protection_throttled_attempts_total", "enforced=\"true\""));
        assertEquals("1000", loginError.at("/details/throttle_refusal_delay_ms").asText(), "held back by default");
        assertEquals(heldBefore + 2, metric("threat_protection_throttle_refusal_delays_total", "outcome=\"held\""),
                "the login form's refusal and the grant's");
        assertEquals(throttle.get("failures").asInt(), throttle("198.51.100.0/24").get("failures").asInt(),
                "refused attempts are no further failures");

        // Meanwhile, users on other networks sign in.
        assertTrue(new Browser(server.baseUrl(), "203.0.113.5")
                .signIn(realm.name(), TestRealm.CLIENT, "victim", TestRealm.PASSWORD).signedIn());
        assertEquals(200, realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "bystander",
                TestRealm.PASSWORD, "X-Forwarded-For", "203.0.113.6").statusCode());
    }

    @Test
    void refusalsAreHeldBackByTheSettingsDelayAndZeroAnswersAtOnce() throws Exception {
        ObjectNode settings = settings("ENFORCED", "NETWORK", 60);
        ObjectNode throttling = (ObjectNode) settings.at("/attackProtection/throttling");
        throttling.put("refusalDelayMillis", 1500);
        realm.saveSettings(settings);
        failFrom("100.64.5.", FAILURES);
        double held = metric("threat_protection_throttle_refusal_delays_total", "outcome=\"held\"");

        long started = System.nanoTime();
        HttpResponse<String> refused = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "victim",
                TestRealm.PASSWORD, "X-Forwarded-For", "100.64.5.99");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(refused.body().contains("invalid_grant"), refused.body());
        assertTrue(tookMillis >= 1500, "the refusal was held back 1.5 s, answered after " + tookMillis + " ms");
        assertEquals("1500", realm.keycloakEvents("LOGIN_ERROR").get(0).at("/details/throttle_refusal_delay_ms")
                .asText());
        assertEquals(held + 1, metric("threat_protection_throttle_refusal_delays_total", "outcome=\"held\""));

        throttling.put("refusalDelayMillis", 0);
        realm.saveSettings(settings);
        HttpResponse<String> atOnce = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "victim",
                TestRealm.PASSWORD, "X-Forwarded-For", "100.64.5.98");
        assertTrue(atOnce.body().contains("invalid_grant"), atOnce.body());
        JsonNode loginError = realm.keycloakEvents("LOGIN_ERROR").get(0);
        assertEquals("100.64.5.0/24", loginError.at("/details/throttled_source").asText());
        assertTrue(loginError.at("/details/throttle_refusal_delay_ms").isMissingNode(), loginError.toString());
        assertEquals(held + 1, metric("threat_protection_throttle_refusal_delays_total", "outcome=\"held\""),
                "0 holds nothing back");
    }

    @Test
    void alwaysAllowIsNeverThrottled() {
        ObjectNode settings = settings("ENFORCED", "NETWORK", 60);
        settings.putObject("ipExceptions").putArray("alwaysAllow").add("100.64.1.0/24");
        realm.saveSettings(settings);

        failFrom("100.64.1.", FAILURES + 2);

        assertEquals(null, throttle("100.64.1.0/24"));
        assertTrue(new Browser(server.baseUrl(), "100.64.1.9")
                .signIn(realm.name(), TestRealm.CLIENT, "allowed", TestRealm.PASSWORD).signedIn());
    }

    @Test
    void aThrottleEndsOnItsOwnAfterTheBlockTime() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NETWORK", 1));
        failFrom("100.64.2.", FAILURES);
        Instant expiresAt = Instant.parse(throttle("100.64.2.0/24").get("expiresAt").asText());
        assertFalse(new Browser(server.baseUrl(), "100.64.2.9")
                .signIn(realm.name(), TestRealm.CLIENT, "expiring", TestRealm.PASSWORD).signedIn());

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 2000);

        assertEquals(null, throttle("100.64.2.0/24"), "an expired throttle is not listed");
        assertTrue(new Browser(server.baseUrl(), "100.64.2.9")
                .signIn(realm.name(), TestRealm.CLIENT, "expiring", TestRealm.PASSWORD).signedIn());
    }

    @Test
    void aReleaseByRestLetsTheSourceInAndIsAnAdminEvent() {
        realm.saveSettings(settings("ENFORCED", "NETWORK", 60));
        failFrom("100.64.3.", FAILURES);
        assertFalse(new Browser(server.baseUrl(), "100.64.3.9")
                .signIn(realm.name(), TestRealm.CLIENT, "released", TestRealm.PASSWORD).signedIn());
        String path = "/" + realm.name() + "/threat-protection/throttles/100.64.3.0/24";

        HttpResponse<String> released = realm.admin().delete(path);

        assertEquals(204, released.statusCode(), released.body());
        assertEquals(null, throttle("100.64.3.0/24"));
        assertTrue(new Browser(server.baseUrl(), "100.64.3.9")
                .signIn(realm.name(), TestRealm.CLIENT, "released", TestRealm.PASSWORD).signedIn());
        // The failures before the release count no more: one more failure throttles nothing.
        failFrom("100.64.3.", 1);
        assertEquals(null, throttle("100.64.3.0/24"));
        assertEquals(404, realm.admin().delete(path).statusCode());
        JsonNode adminEvent = AdminApi.ok(realm.admin().get("/" + realm.name()
                + "/admin-events?operationTypes=DELETE&resourceTypes=CUSTOM")).get(0);
        assertTrue(adminEvent.get("resourcePath").asText().endsWith("threat-protection/throttles/100.64.3.0/24"),
                adminEvent.toString());
    }

    @Test
    void auditModeRecordsTheThrottleWithoutRefusing() throws Exception {
        realm.saveSettings(settings("AUDIT", "NETWORK", 60));
        failFrom("100.64.4.", FAILURES);
        assertNotNull(throttle("100.64.4.0/24"), "AUDIT records the throttle: " + throttles());
        double notEnforced = metric("threat_protection_throttled_attempts_total", "enforced=\"false\"");

        assertTrue(new Browser(server.baseUrl(), "100.64.4.9")
                .signIn(realm.name(), TestRealm.CLIENT, "audited", TestRealm.PASSWORD).signedIn());

        assertEquals(notEnforced + 1, metric("threat_protection_throttled_attempts_total", "enforced=\"false\""));
        JsonNode login = realm.keycloakEvents("LOGIN").get(0);
        assertEquals(realm.userId("audited"), login.get("userId").asText());
        assertEquals("audit", login.at("/details/throttle").asText());
    }

    @Test
    void aClientWhoseOverrideTurnsThrottlingOffLetsThrottledSourcesIn() {
        ObjectNode settings = settings("ENFORCED", "NETWORK", 60);
        settings.putObject("clients").putObject(TestRealm.OTHER_CLIENT).putObject("attackProtection")
                .putObject("throttling").put("enabled", false);
        realm.saveSettings(settings);
        failFrom("100.64.6.", FAILURES);

        assertFalse(new Browser(server.baseUrl(), "100.64.6.9")
                .signIn(realm.name(), TestRealm.CLIENT, "other", TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(server.baseUrl(), "100.64.6.9")
                .signIn(realm.name(), TestRealm.OTHER_CLIENT, "other", TestRealm.PASSWORD).signedIn());
    }

    @Test
    void perAddressThrottlesOnlyTheFailingAddress() {
        realm.saveSettings(settings("ENFORCED", "ADDRESS", 60));
        for (int i = 0; i < FAILURES; i++) {
            realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "sprayed-address-" + i, "guess",
                    "X-Forwarded-For", "100.64.5.7");
        }

        assertNotNull(throttle("100.64.5.7"), throttles().toString());
        assertFalse(new Browser(server.baseUrl(), "100.64.5.7")
                .signIn(realm.name(), TestRealm.CLIENT, "per-address", TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(server.baseUrl(), "100.64.5.8")
                .signIn(realm.name(), TestRealm.CLIENT, "per-address", TestRealm.PASSWORD).signedIn());
    }

    @Test
    void badThrottlingSettingsAreRefusedNamingTheFieldAndKeepTheOldOnes() {
        realm.saveSettings(settings("ENFORCED", "NETWORK", 60));
        ObjectNode bad = settings("ENFORCED", "NETWORK", 60);
        ((ObjectNode) bad.at("/attackProtection/throttling")).put("failures", 0).put("scope", "COUNTRY");
        bad.putObject("clients").putObject(TestRealm.OTHER_CLIENT).putObject("attackProtection")
                .putObject("throttling").put("action", "CAPTCHA");

        HttpResponse<String> refused = realm.putSettings(bad);

        assertEquals(400, refused.statusCode(), refused.body());
        String fields = AdminApi.json(refused).findValuesAsText("field").toString();
        assertTrue(fields.contains("attackProtection.throttling.failures"), fields);
        assertTrue(fields.contains("attackProtection.throttling.scope"), fields);
        assertTrue(fields.contains("clients.other-app.attackProtection.throttling.action"), fields);
        assertEquals(FAILURES, realm.settings().at("/attackProtection/throttling/failures").asInt());
    }

    private static ObjectNode settings(String mode, String scope, int blockMinutes) {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", mode);
        settings.putObject("attackProtection").putObject("throttling")
                .put("enabled", true).put("scope", scope).put("failures", FAILURES)
                .put("windowMinutes", 60).put("blockMinutes", blockMinutes).put("action", "BLOCK");
        return settings;
    }

    /** Password grants for usernames nobody has, from addresses of one /24: a spraying run. */
    private static void failFrom(String prefix, int failures) {
        for (int i = 0; i < failures; i++) {
            HttpResponse<String> response = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                    "sprayed-" + prefix + i, "guess " + i, "X-Forwarded-For", prefix + (10 + i));
            assertTrue(response.body().contains("invalid_grant"), response.body());
        }
    }

    private static JsonNode throttles() {
        return AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/throttles"));
    }

    private static JsonNode throttle(String source) {
        for (JsonNode throttle : throttles()) {
            if (source.equals(throttle.get("source").asText())) {
                return throttle;
            }
        }
        return null;
    }

    private static double metric(String name, String label) throws Exception {
        return Metrics.realmSum(server, realm.name(), name, label);
    }

    /** Blanks the values Keycloak makes anew for every request or session: codes, tab ids, session hashes. */
    private static String withoutPerRequestValues(String page) {
        return page.replaceAll("(session_code|tab_id|client_data)=[^&\"]+", "$1=…")
                .replaceAll("nonce=\"[^\"]*\"", "nonce=\"…\"")
                .replaceAll("checkAuthSession\\(\\s*\"[^\"]*\"", "checkAuthSession(\"…\"");
    }
}
