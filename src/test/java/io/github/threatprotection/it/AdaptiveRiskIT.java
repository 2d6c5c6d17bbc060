package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

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
 * Risk levels from real signals: device cookies, the user's history, geolocation from test-made MaxMind DB
 * files, an IP reputation list and failed-sign-in velocity. AUDIT mode, so levels are recorded and nothing
 * else gets in the way.
 */
@ExtendWith(KeycloakExtension.class)
class AdaptiveRiskIT {

    private static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "adaptive", "steady", "traveller", "jetset", "sprayed",
                "sprayed6", "cookie-a", "cookie-b", "hammered", "listed", "confirmed", "disowned");
        realm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    /** Signs in with this browser after signing out: its device cookie stays, its Keycloak session does not. */
    private static JsonNode signIn(Browser browser, String username) {
        browser.keepOnlyCookie(DEVICE_COOKIE);
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD).signedIn());
        return realm.latestUserEvent(realm.userId(username));
    }

    private static Set<String> signals(JsonNode event) {
        Set<String> signals = new HashSet<>();
        event.at("/risk/reasons").forEach(reason -> signals.add(reason.get("signal").asText()));
        return signals;
    }

    private static String reason(JsonNode event, String signal) {
        for (JsonNode reason : event.at("/risk/reasons")) {
            if (signal.equals(reason.get("signal").asText())) {
                return reason.get("detail").asText();
            }
        }
        throw new AssertionError("no " + signal + " in " + event);
    }

    @Test
    void aFirstSignInIsLowAndTheSameDeviceAndAddressAgainIsLowWithNoReasons() {
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        JsonNode first = signIn(browser, "steady");
        assertEquals("LOW", first.at("/risk/level").asText());
        assertTrue(signals(first).isEmpty(), "no history: no novelty " + first);
        assertEquals("London", first.at("/context/city").asText());
        assertEquals("GB", first.at("/context/country").asText());

        JsonNode again = signIn(browser, "steady");
        assertEquals("LOW", again.at("/risk/level").asText());
        assertTrue(signals(again).isEmpty(), again.toString());
    }

    @Test
    void aNewDeviceInANewCountryIsAtLeastMedium() {
        signIn(new Browser(baseUrl, TestGeoData.LONDON), "traveller");

        JsonNode abroad = signIn(new Browser(baseUrl, TestGeoData.LINKOPING), "traveller");

        assertTrue(Set.of("MEDIUM", "HIGH").contains(abroad.at("/risk/level").asText()), abroad.toString());
        assertTrue(signals(abroad).containsAll(Set.of("NEW_DEVICE", "NEW_COUNTRY", "NEW_IP", "NEW_NETWORK")),
                abroad.toString());
    }

    @Test
    void eightThousandKilometresInAMinuteIsImpossibleTravel() {
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        signIn(browser, "jetset");

        JsonNode far = signIn(browser.from(TestGeoData.CHANGCHUN), "jetset");

        assertEquals("HIGH", far.at("/risk/level").asText(), far.toString());
        assertTrue(reason(far, "IMPOSSIBLE_TRAVEL").matches(".*\\d{4} km from the previous sign-in.*"),
                reason(far, "IMPOSSIBLE_TRAVEL"));
        assertFalse(signals(far).contains("NEW_DEVICE"), "the same browser");
    }

    @Test
    void failuresAcrossManyUsersFromOneNetworkRaiseTheNextSignInThere() {
        for (int i = 0; i < 30; i++) {
            String victim = "spray-victim-" + i;
            realm.addUser(victim);
            HttpResponse<String> wrong = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, victim,
                    "Winter2026!", "X-Forwarded-For", "198.18.0." + (i + 1));
            assertEquals(400, wrong.statusCode(), "a wrong password: " + wrong.body());
        }
        JsonNode event = signIn(new Browser(baseUrl, "198.18.0.99"), "sprayed");
        assertTrue(Set.of("MEDIUM", "HIGH").contains(event.at("/risk/level").asText()), event.toString());
        assertTrue(reason(event, "NETWORK_VELOCITY").startsWith("30 usernames failed"),
                reason(event, "NETWORK_VELOCITY"));

        // Addresses inside one IPv6 /64 are one network; usernames that name nobody count too.
        for (int i = 0; i < 30; i++) {
            realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "sprayed6-target-" + i,
                    "Winter2026!", "X-Forwarded-For", "2001:db8:77:1::" + Integer.toHexString(i + 1));
        }
        JsonNode ipv6 = signIn(new Browser(baseUrl, "2001:db8:77:1:abcd::99"), "sprayed6");
        assertTrue(signals(ipv6).contains("NETWORK_VELOCITY"), ipv6.toString());
    }

    @Test
    void repeatedWrongPasswordsForOneUserRaiseFailedLoginVelocity() {
        for (int i = 0; i < 5; i++) {
            realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "hammered", "guess " + i,
                    "X-Forwarded-For", "192.0.2.200");
        }
        JsonNode event = signIn(new Browser(baseUrl, "192.0.2.201"), "hammered");
        assertTrue(reason(event, "FAILED_LOGIN_VELOCITY").startsWith("5 failed sign-ins"), event.toString());
    }

    @Test
    void aTamperedCookieOrAnotherUsersCookieIsANewDevice() {
        Browser mine = new Browser(baseUrl, TestGeoData.LONDON);
        signIn(mine, "cookie-a");
        assertTrue(signals(signIn(mine, "cookie-a")).isEmpty(), "the device is known");
        signIn(new Browser(baseUrl, TestGeoData.LONDON), "cookie-b");

        Browser borrowed = new Browser(baseUrl, TestGeoData.LONDON);
        borrowed.setCookie(DEVICE_COOKIE, mine.cookie(DEVICE_COOKIE));
        assertTrue(signals(signIn(borrowed, "cookie-b")).contains("NEW_DEVICE"), "another user's cookie");

        String cookie = mine.cookie(DEVICE_COOKIE);
        assertNotNull(cookie);
        mine.setCookie(DEVICE_COOKIE, "x" + cookie.substring(1));
        assertTrue(signals(signIn(mine, "cookie-a")).contains("NEW_DEVICE"), "a tampered cookie");
    }

    @Test
    void anAddressOnAReputationListIsReported() {
        JsonNode event = signIn(new Browser(baseUrl, TestGeoData.LISTED), "listed");
        assertTrue(reason(event, "IP_REPUTATION").contains("bad-addresses.txt"), event.toString());
    }

    @Test
    void theRealmsRiskScoringDecides() {
        realm.saveSettings(Map.of("mode", "AUDIT", "clients", Map.of(TestRealm.OTHER_CLIENT,
                Map.of("riskScoring", Map.of("signals", Map.of("IP_REPUTATION", 0))))));
        try {
            Browser browser = new Browser(baseUrl, TestGeoData.LISTED);
            assertTrue(browser.signIn(realm.name(), TestRealm.OTHER_CLIENT, "listed", TestRealm.PASSWORD).signedIn());
            JsonNode event = realm.latestUserEvent(realm.userId("listed"));
            assertEquals(TestRealm.OTHER_CLIENT, event.get("clientId").asText());
            assertFalse(signals(event).contains("IP_REPUTATION"), "switched off for this client " + event);
        } finally {
            realm.saveSettings(Map.of("mode", "AUDIT"));
        }
    }

    @Test
    void feedbackMakesPlacesKnownOrSuspicious() {
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        signIn(browser, "confirmed");
        JsonNode far = signIn(browser.from(TestGeoData.CHANGCHUN), "confirmed");
        String userId = realm.userId("confirmed");
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/threat-protection/users/" + userId + "/events/"
                + far.get("id").asText() + "/feedback", Map.of("value", "VALID")));
        JsonNode again = signIn(browser, "confirmed");
        assertFalse(signals(again).contains("NEW_COUNTRY"), "confirmed: China is known now " + again);

        Browser other = new Browser(baseUrl, TestGeoData.LONDON);
        signIn(other, "disowned");
        JsonNode sweden = signIn(other.from(TestGeoData.LINKOPING), "disowned");
        String disownedId = realm.userId("disowned");
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/threat-protection/users/" + disownedId + "/events/"
                + sweden.get("id").asText() + "/feedback", Map.of("value", "INVALID")));
        assertFalse(other.signIn(realm.name(), TestRealm.CLIENT, "disowned", TestRealm.PASSWORD).signedIn(),
                "disowning a sign-in locks the account until its password is replaced");
        AdminApi.ok(realm.resetPassword(disownedId, TestRealm.PASSWORD));
        JsonNode afterDisowning = signIn(other, "disowned");
        assertTrue(signals(afterDisowning).contains("NEW_COUNTRY"), "a disowned place stays unknown "
                + afterDisowning);
    }
}
