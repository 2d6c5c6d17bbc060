package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

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
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Failed sign-ins anyone can make in a user's name must not lock the user out: failures from networks the user
 * never signed in from cannot, alone, push a sign-in from the user's own browser to the level that blocks; the
 * user's own refused attempts on that browser do not count against them; and a realm with protection off keeps
 * no failures at all. The realm scores FAILED_LOGIN_VELOCITY at 70, so that velocity alone is HIGH, and blocks at
 * HIGH only.
 */
@ExtendWith(KeycloakExtension.class)
class FailuresInTheUsersNameIT {

    private static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";
    private static final String STRANGER = "203.0.113.7";

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "victims", "targeted", "traveller", "homebound", "quiet");
        realm.saveSettings(settings("ENFORCED"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    private static ObjectNode settings(String mode) {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode takeover = document.putObject("accountTakeover");
        takeover.putObject("low").put("action", "NO_ACTION").put("notify", false);
        takeover.putObject("medium").put("action", "NO_ACTION").put("notify", false);
        takeover.putObject("high").put("action", "BLOCK").put("notify", false);
        document.putObject("riskScoring").putObject("signals").put("FAILED_LOGIN_VELOCITY", 70);
        return document;
    }

    /** Signs in with this browser's device cookie only (no Keycloak session, so the password step runs). */
    private static boolean signIn(Browser browser, String username) {
        browser.keepOnlyCookie(DEVICE_COOKIE);
        return browser.signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD).signedIn();
    }

    private static void failFrom(String address, String username, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(400, realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, username,
                    "a wrong guess " + i, "X-Forwarded-For", address).statusCode());
        }
    }

    private static Set<String> signals(JsonNode event) {
        Set<String> signals = new HashSet<>();
        event.at("/risk/reasons").forEach(reason -> signals.add(reason.get("signal").asText()));
        return signals;
    }

    @Test
    void strangersFailuresAloneDoNotBlockTheUsersOwnBrowser() {
        Browser own = new Browser(baseUrl, TestGeoData.LONDON);
        assertTrue(signIn(own, "targeted"));
        failFrom(STRANGER, "targeted", 5);

        assertTrue(signIn(own, "targeted"), "the user's own browser gets in");
        JsonNode event = realm.latestUserEvent(realm.userId("targeted"));
        assertEquals("MEDIUM", event.at("/risk/level").asText(), event.toString());
        assertTrue(signals(event).containsAll(Set.of("FAILED_LOGIN_VELOCITY", "KNOWN_DEVICE_LIMIT")),
                event.toString());

        assertFalse(signIn(new Browser(baseUrl, TestGeoData.LONDON), "targeted"),
                "a browser without the user's device cookie gets no such benefit");
        JsonNode unknown = realm.latestUserEvent(realm.userId("targeted"));
        assertEquals("HIGH", unknown.at("/risk/level").asText(), unknown.toString());
        assertTrue(signals(unknown).containsAll(Set.of("NEW_DEVICE", "FAILED_LOGIN_VELOCITY")), unknown.toString());
    }

    @Test
    void failuresFromTheUsersOwnNetworkStillBlock() {
        Browser own = new Browser(baseUrl, TestGeoData.LONDON);
        assertTrue(signIn(own, "homebound"));
        failFrom("81.2.69.20", "homebound", 5);

        assertFalse(signIn(own, "homebound"), "someone on the user's own network tried five passwords");
        JsonNode event = realm.latestUserEvent(realm.userId("homebound"));
        assertEquals("HIGH", event.at("/risk/level").asText(), event.toString());
        assertFalse(signals(event).contains("KNOWN_DEVICE_LIMIT"), event.toString());
    }

    @Test
    void theUsersOwnRefusedAttemptsOnTheirBrowserDoNotCountAgainstThem() {
        Browser own = new Browser(baseUrl, TestGeoData.LONDON);
        assertTrue(signIn(own, "traveller"));
        for (int i = 0; i < 5; i++) {
            assertFalse(signIn(own.from(TestGeoData.CHANGCHUN), "traveller"), "impossible travel is HIGH");
        }
        JsonNode refused = realm.latestUserEvent(realm.userId("traveller"));
        assertTrue(signals(refused).contains("IMPOSSIBLE_TRAVEL"), refused.toString());

        assertTrue(signIn(own.from(TestGeoData.LONDON), "traveller"),
                "back home, five refusals of the right password are no failed sign-ins");
        JsonNode home = realm.latestUserEvent(realm.userId("traveller"));
        assertFalse(signals(home).contains("FAILED_LOGIN_VELOCITY"), home.toString());
    }

    @Test
    void aRealmWithProtectionOffKeepsNoFailures() {
        realm.saveSettings(settings("OFF"));
        try {
            failFrom(STRANGER, "quiet", 5);
            realm.saveSettings(settings("AUDIT"));
            assertTrue(signIn(new Browser(baseUrl, TestGeoData.LONDON), "quiet"));
            JsonNode event = realm.latestUserEvent(realm.userId("quiet"));
            assertFalse(signals(event).contains("FAILED_LOGIN_VELOCITY"),
                    "failures made while protection was off were not kept: " + event);

            failFrom(STRANGER, "quiet", 5);
            assertTrue(signIn(new Browser(baseUrl, TestGeoData.LONDON), "quiet"));
            assertTrue(signals(realm.latestUserEvent(realm.userId("quiet"))).contains("FAILED_LOGIN_VELOCITY"),
                    "with protection on they are");
        } finally {
            realm.saveSettings(settings("ENFORCED"));
        }
    }
}
