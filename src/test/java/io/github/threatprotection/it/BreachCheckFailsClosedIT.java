package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With {@code pwned-passwords-failure=closed} a range API that cannot answer blocks the sign-in, like a wrong
 * password, without locking the account. Restarts the shared server with that option, and back.
 */
@ExtendWith(KeycloakExtension.class)
class BreachCheckFailsClosedIT {

    private static KeycloakServer server;
    private static RangeApiStub rangeApi;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak, RangeApiStub stub) throws Exception {
        assumeTrue(keycloak.keepsDataAcrossRestart(), "needs a server that can restart with other options");
        server = keycloak;
        rangeApi = stub;
        server.restart(List.of("--spi-threat-protection--default--pwned-passwords-failure=closed"));
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "fail-closed", "slow", "broken");
        realm.saveSettings(Map.of("mode", "ENFORCED"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        rangeApi.behave(RangeApiStub.Behaviour.NORMAL);
        if (realm != null) {
            realm.close();
        }
        if (server != null) {
            server.restart();
        }
    }

    @Test
    void aTimeoutBlocksTheSignInButLocksNothing() {
        assertBlockedWhileTheApiMisbehaves("slow", RangeApiStub.Behaviour.SLOW);
    }

    @Test
    void anAnswerThatIsNotARangeBlocksTheSignInButLocksNothing() {
        assertBlockedWhileTheApiMisbehaves("broken", RangeApiStub.Behaviour.GARBAGE);
    }

    private static void assertBlockedWhileTheApiMisbehaves(String username, RangeApiStub.Behaviour behaviour) {
        // A password the API has never answered for, so no cached answer is used.
        String password = "never asked before " + UUID.randomUUID();
        AdminApi.ok(realm.resetPassword(realm.userId(username), password));
        Browser browser = new Browser(server.baseUrl(), "192.0.2.60");

        rangeApi.behave(behaviour);
        Browser.Result blocked;
        try {
            blocked = browser.signIn(realm.name(), TestRealm.CLIENT, username, password);
        } finally {
            rangeApi.behave(RangeApiStub.Behaviour.NORMAL);
        }

        assertFalse(blocked.signedIn());
        assertTrue(blocked.page().contains("Invalid username or password."));
        JsonNode event = realm.latestUserEvent(realm.userId(username));
        assertEquals("FAIL", event.get("response").asText());
        assertEquals("BLOCK", event.at("/risk/action").asText());
        assertFalse(event.at("/risk/compromisedCredentials").asBoolean(), "nothing was found");
        assertTrue(event.at("/risk/reasons").findValuesAsText("signal").contains("BREACH_CHECK_UNAVAILABLE"),
                event.toString());
        assertTrue(new Browser(server.baseUrl(), "192.0.2.60")
                .signIn(realm.name(), TestRealm.CLIENT, username, password).signedIn(),
                "with the API back the same password works: the outage locked nothing");
    }
}
