package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * A realm with {@code privacy.storeNetworkOnly}: its event history keeps the /24 or /48 network of each
 * sign-in, never the address, in the context and in reasons; the novelty signals compare networks.
 */
@ExtendWith(KeycloakExtension.class)
class PrivacyIT {

    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "privacy", "hidden", "hidden6");
        realm.saveSettings(Map.of("mode", "AUDIT", "privacy", Map.of("storeNetworkOnly", true),
                "ipExceptions", Map.of("alwaysBlock", List.of(TestGeoData.LISTED))));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void theHistoryKeepsTheNetworkInPlaceOfTheAddressEvenInReasons() {
        grant("hidden", TestGeoData.LONDON);
        grant("hidden", TestGeoData.LISTED);
        HttpResponse<String> history = realm.admin().get("/" + realm.name() + "/threat-protection/users/"
                + realm.userId("hidden") + "/events");
        JsonNode events = AdminApi.ok(history);
        assertEquals(2, events.size());
        assertEquals("203.0.113.0/24", events.get(0).at("/context/ipAddress").asText(), events.toString());
        assertEquals("ALWAYS_BLOCK", events.get(0).at("/risk/override").asText());
        assertEquals("81.2.69.0/24", events.get(1).at("/context/ipAddress").asText());
        assertEquals("London", events.get(1).at("/context/city").asText(), "located before it was cut");
        assertFalse(history.body().contains(TestGeoData.LONDON), history.body());
        assertFalse(history.body().contains(TestGeoData.LISTED), "not even in the block reason: " + history.body());
        assertTrue(realm.settings().at("/privacy/storeNetworkOnly").asBoolean());
    }

    @Test
    void ipv6KeepsTheSlash48AndNoveltyComparesNetworks() {
        grant("hidden6", "2001:db8:c17:1:2:3:4:5");
        JsonNode sameSite = grant("hidden6", "2001:db8:c17:ffff::9");
        assertEquals("2001:db8:c17::/48", sameSite.at("/context/ipAddress").asText(), sameSite.toString());
        assertFalse(signals(sameSite).contains("NEW_IP"), "the same /48 is not new: " + sameSite);
        JsonNode elsewhere = grant("hidden6", "2001:db8:c18::1");
        assertTrue(signals(elsewhere).containsAll(Set.of("NEW_IP", "NEW_NETWORK")), elsewhere.toString());
    }

    private static JsonNode grant(String username, String address) {
        HttpResponse<String> response = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, username,
                TestRealm.PASSWORD, "X-Forwarded-For", address);
        assertEquals(200, response.statusCode(), response.body());
        return realm.latestUserEvent(realm.userId(username));
    }

    private static Set<String> signals(JsonNode event) {
        return new HashSet<>(event.at("/risk/reasons").findValuesAsText("signal"));
    }
}
