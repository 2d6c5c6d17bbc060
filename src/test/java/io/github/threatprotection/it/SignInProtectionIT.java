package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
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
import io.github.threatprotection.it.support.TestRealm;

/** Sign-ins through the browser and direct-grant flows against the realm's mode and IP exceptions. */
@ExtendWith(KeycloakExtension.class)
class SignInProtectionIT {

    private static final String BLOCKED_NETWORK = "198.51.100.0/24";
    private static final String BLOCKED_ADDRESS = "198.51.100.7";
    private static final String NEUTRAL_ADDRESS = "192.0.2.10";

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "sign-in", "audited", "blocked", "granted", "ipv6",
                "mapped", "allowed", "both", "overridden");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void auditModeRecordsAnAlwaysBlockMatchButLetsTheUserIn() {
        realm.saveSettings(Map.of("mode", "AUDIT", "ipExceptions", Map.of("alwaysBlock", List.of(BLOCKED_NETWORK))));

        Browser.Result result = new Browser(baseUrl, BLOCKED_ADDRESS)
                .signIn(realm.name(), TestRealm.CLIENT, "audited", TestRealm.PASSWORD);

        assertTrue(result.signedIn(), "AUDIT never blocks: " + result);
        JsonNode event = realm.latestUserEvent(realm.userId("audited"));
        assertEquals("SIGN_IN", event.get("type").asText());
        assertEquals("PASS", event.get("response").asText());
        assertEquals("BLOCK", event.at("/risk/action").asText());
        assertFalse(event.at("/risk/enforced").asBoolean());
        assertEquals("ALWAYS_BLOCK", event.at("/risk/override").asText());
        assertEquals(BLOCKED_ADDRESS, event.at("/context/ipAddress").asText());
        assertEquals("Firefox on Linux", event.at("/context/deviceName").asText());
        assertEquals(TestRealm.CLIENT, event.get("clientId").asText());
        assertTrue(event.get("feedback").isNull());

        JsonNode login = keycloakEventFor("LOGIN", realm.userId("audited"));
        assertEquals(event.get("id").asText(), login.at("/details/risk_event_id").asText());
        assertEquals(event.at("/risk/level").asText(), login.at("/details/risk_level").asText());
        assertEquals("BLOCK", login.at("/details/risk_action").asText());
    }

    @Test
    void anEnforcedBlockLooksExactlyLikeAWrongPasswordInTheBrowser() {
        realm.saveSettings(Map.of("mode", "ENFORCED",
                "ipExceptions", Map.of("alwaysBlock", List.of(BLOCKED_NETWORK))));
        String userId = realm.userId("blocked");

        Browser.Result wrongPassword = new Browser(baseUrl, BLOCKED_ADDRESS)
                .signIn(realm.name(), TestRealm.CLIENT, "blocked", "not the password");
        Browser blockedBrowser = new Browser(baseUrl, BLOCKED_ADDRESS);
        Browser.Result blocked = blockedBrowser.signIn(realm.name(), TestRealm.CLIENT, "blocked", TestRealm.PASSWORD);

        assertFalse(blocked.signedIn());
        assertEquals(wrongPassword.status(), blocked.status());
        assertTrue(wrongPassword.page().contains("Invalid username or password."), wrongPassword.page());
        assertEquals(withoutPerRequestValues(wrongPassword.page()), withoutPerRequestValues(blocked.page()));

        JsonNode event = realm.latestUserEvent(userId);
        assertEquals("FAIL", event.get("response").asText());
        assertEquals("BLOCK", event.at("/risk/action").asText());
        assertTrue(event.at("/risk/enforced").asBoolean());
        JsonNode loginError = keycloakEventFor("LOGIN_ERROR", userId);
        assertEquals("invalid_user_credentials", loginError.get("error").asText());
        assertEquals(event.get("id").asText(), loginError.at("/details/risk_event_id").asText());

        // The page shown after a block posts back to the password step, like the wrong-password page does.
        Browser.Result retried = blockedBrowser.from(NEUTRAL_ADDRESS)
                .submitLoginForm(blocked.page(), "blocked", TestRealm.PASSWORD);
        assertTrue(retried.signedIn(), "sign-in from an unblocked address after a block: " + retried);
        assertNotNull(blockedBrowser.exchangeCode(realm.name(), TestRealm.CLIENT, retried.code()).get("access_token"));
    }

    @Test
    void anEnforcedBlockLooksExactlyLikeAWrongPasswordForDirectGrant() {
        realm.saveSettings(Map.of("mode", "ENFORCED",
                "ipExceptions", Map.of("alwaysBlock", List.of(BLOCKED_NETWORK))));
        String[] fromBlocked = {"X-Forwarded-For", BLOCKED_ADDRESS};

        HttpResponse<String> wrongPassword = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "granted", "not the password", fromBlocked);
        HttpResponse<String> blocked = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "granted", TestRealm.PASSWORD, fromBlocked);
        HttpResponse<String> elsewhere = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "granted", TestRealm.PASSWORD, "X-Forwarded-For", NEUTRAL_ADDRESS);

        assertEquals(wrongPassword.statusCode(), blocked.statusCode());
        assertEquals(wrongPassword.body(), blocked.body());
        assertTrue(blocked.body().contains("invalid_grant"), blocked.body());
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        JsonNode events = realm.userEvents(realm.userId("granted"));
        assertEquals("PASS", events.get(0).get("response").asText());
        assertEquals("FAIL", events.get(1).get("response").asText());
    }

    @Test
    void ipv6RangesMatchAndOtherIpv6AddressesPass() {
        realm.saveSettings(Map.of("mode", "ENFORCED", "ipExceptions", Map.of("alwaysBlock", List.of("2001:db8::/32"))));

        assertFalse(new Browser(baseUrl, "2001:db8:1::5")
                .signIn(realm.name(), TestRealm.CLIENT, "ipv6", TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(baseUrl, "2001:db9::5")
                .signIn(realm.name(), TestRealm.CLIENT, "ipv6", TestRealm.PASSWORD).signedIn());
        JsonNode events = realm.userEvents(realm.userId("ipv6"));
        assertEquals(null, events.get(0).at("/risk/override").textValue());
        assertEquals("ALWAYS_BLOCK", events.get(1).at("/risk/override").asText());
    }

    @Test
    void anIpv4MappedAddressMatchesIpv4Rules() {
        realm.saveSettings(Map.of("mode", "ENFORCED",
                "ipExceptions", Map.of("alwaysBlock", List.of(BLOCKED_NETWORK))));

        Browser.Result result = new Browser(baseUrl, "::ffff:198.51.100.9")
                .signIn(realm.name(), TestRealm.CLIENT, "mapped", TestRealm.PASSWORD);

        assertFalse(result.signedIn());
        assertEquals("ALWAYS_BLOCK", realm.latestUserEvent(realm.userId("mapped")).at("/risk/override").asText());
    }

    @Test
    void alwaysAllowSkipsEvaluationWhileEveryOtherAddressIsEvaluated() {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        ObjectNode takeover = settings.putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            takeover.putObject(level).put("action", "BLOCK");
        }
        settings.putObject("ipExceptions").putArray("alwaysAllow").add("203.0.113.0/24");
        realm.saveSettings(settings);

        assertTrue(new Browser(baseUrl, "203.0.113.5")
                .signIn(realm.name(), TestRealm.CLIENT, "allowed", TestRealm.PASSWORD).signedIn());
        JsonNode allowed = realm.latestUserEvent(realm.userId("allowed"));
        assertEquals("ALWAYS_ALLOW", allowed.at("/risk/override").asText());
        assertEquals("NO_ACTION", allowed.at("/risk/action").asText());

        assertFalse(new Browser(baseUrl, NEUTRAL_ADDRESS)
                .signIn(realm.name(), TestRealm.CLIENT, "allowed", TestRealm.PASSWORD).signedIn(),
                "outside alwaysAllow the low-risk action BLOCK applies");
    }

    @Test
    void anAddressInBothListsIsBlocked() {
        realm.saveSettings(Map.of("mode", "ENFORCED", "ipExceptions", Map.of(
                "alwaysAllow", List.of("198.51.100.0/25"),
                "alwaysBlock", List.of("198.51.100.7"))));

        assertFalse(new Browser(baseUrl, BLOCKED_ADDRESS)
                .signIn(realm.name(), TestRealm.CLIENT, "both", TestRealm.PASSWORD).signedIn());
        assertEquals("ALWAYS_BLOCK", realm.latestUserEvent(realm.userId("both")).at("/risk/override").asText());
    }

    @Test
    void aClientOverrideWithModeOffRecordsNothingForThatClientOnly() {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "AUDIT");
        settings.putObject("clients").putObject(TestRealm.OTHER_CLIENT).put("mode", "OFF");
        realm.saveSettings(settings);
        String userId = realm.userId("overridden");

        assertTrue(new Browser(baseUrl, NEUTRAL_ADDRESS)
                .signIn(realm.name(), TestRealm.OTHER_CLIENT, "overridden", TestRealm.PASSWORD).signedIn());
        assertEquals(0, realm.userEvents(userId).size());

        assertTrue(new Browser(baseUrl, NEUTRAL_ADDRESS)
                .signIn(realm.name(), TestRealm.CLIENT, "overridden", TestRealm.PASSWORD).signedIn());
        JsonNode events = realm.userEvents(userId);
        assertEquals(1, events.size());
        assertEquals(TestRealm.CLIENT, events.get(0).get("clientId").asText());
    }

    /** Keycloak's newest user event of a type for a user. */
    private static JsonNode keycloakEventFor(String type, String userId) {
        for (JsonNode event : realm.keycloakEvents(type)) {
            if (userId.equals(event.path("userId").asText())) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " event for user " + userId);
    }

    /** Blanks the values Keycloak makes anew for every request or session: codes, tab ids, session hashes. */
    private static String withoutPerRequestValues(String page) {
        return page.replaceAll("(session_code|tab_id|client_data)=[^&\"]+", "$1=…")
                .replaceAll("nonce=\"[^\"]*\"", "nonce=\"…\"")
                .replaceAll("checkAuthSession\\(\\s*\"[^\"]*\"", "checkAuthSession(\"…\"");
    }
}
