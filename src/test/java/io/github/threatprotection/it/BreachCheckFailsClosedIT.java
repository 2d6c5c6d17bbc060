package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.RangeApiStub;
import io.github.threatprotection.it.support.ReplaceableCorpus;
import io.github.threatprotection.it.support.TestRealm;

/**
 * With {@code pwned-passwords-failure=closed} a range API that cannot answer blocks the sign-in, like a wrong
 * password, without locking the account; with {@code breach-corpus-failure=closed} a corpus that cannot be read
 * does the same, and refuses new passwords. Restarts the shared server with both options, and back.
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
        server.restart(List.of("--spi-threat-protection--default--pwned-passwords-failure=closed",
                "--spi-threat-protection--default--breach-corpus-failure=closed"));
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "fail-closed", "slow", "broken", "reader", "changer",
                "probe");
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

    @Test
    void aCorpusDamagedInPlaceBlocksRightPasswordsWithoutLockingAndRefusesNewOnes() throws Exception {
        assumeTrue(server.sharesFilesWithTests(), "changes corpus files the server reads");
        String password = "never asked before " + UUID.randomUUID();
        AdminApi.ok(realm.resetPassword(realm.userId("reader"), password));
        Browser browser = new Browser(server.baseUrl(), "192.0.2.61");
        Browser.Result wrongPassword = browser.signIn(realm.name(), TestRealm.CLIENT, "reader", "not the password");
        // Only here: the range API tests above rely on their passwords not having been checked (and cached).
        realm.update(Map.of("registrationAllowed", true, "passwordPolicy", "notCompromised(1)"));

        ReplaceableCorpus.overwriteInPlaceWithGarbage();
        try {
            Browser.Result blocked = browser.signIn(realm.name(), TestRealm.CLIENT, "reader", password);
            assertFalse(blocked.signedIn());
            assertEquals(wrongPassword.status(), blocked.status());
            assertTrue(blocked.page().contains("Invalid username or password."), blocked.page());
            JsonNode event = realm.latestUserEvent(realm.userId("reader"));
            assertEquals("FAIL", event.get("response").asText());
            assertEquals("BLOCK", event.at("/risk/action").asText());
            assertFalse(event.at("/risk/compromisedCredentials").asBoolean(), "nothing was found");
            assertTrue(event.at("/risk/reasons").findValuesAsText("signal").contains("BREACH_CHECK_UNAVAILABLE"),
                    event.toString());

            HttpResponse<String> direct = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                    "reader", password, "X-Forwarded-For", "192.0.2.61");
            assertEquals(400, direct.statusCode(), direct.body());
            assertTrue(direct.body().contains("invalid_grant"), direct.body());

            String fresh = "a fresh passphrase " + UUID.randomUUID();
            Browser visitor = new Browser(server.baseUrl(), "192.0.2.61");
            String loginPage = visitor.openLoginPage(realm.name(), TestRealm.CLIENT).body();
            Browser.Result registration = visitor.open(Browser.link(loginPage, "registration"));
            Browser.Result refused = visitor.submitForm(registration.page(), "kc-register-form", new HashMap<>(Map.of(
                    "username", "newcomer", "email", "newcomer@example.org", "firstName", "New",
                    "lastName", "Comer", "password", fresh, "password-confirm", fresh)));
            assertFalse(refused.signedIn());
            assertEquals(200, refused.status());
            assertTrue(refused.page().contains("kc-register-form"), "the registration form again, with the reason");
            // Nothing was found: the reason says the password could not be checked, not that it was breached.
            assertTrue(refused.page().contains("cannot be checked against breach data"), refused.page());
            assertFalse(refused.page().contains("appeared in a data breach"), refused.page());

            HttpResponse<String> change = realm.resetPassword(realm.userId("changer"), fresh);
            assertEquals(400, change.statusCode(), change.body());
            assertTrue(change.body().contains("invalidPasswordUncheckedMessage"), change.body());
        } finally {
            ReplaceableCorpus.putBackTheFirstEdition();
            ReplaceableCorpus.awaitFirstEdition(realm, "probe");
            realm.update(Map.of("passwordPolicy", ""));
        }
        assertTrue(new Browser(server.baseUrl(), "192.0.2.61").signIn(realm.name(), TestRealm.CLIENT, "reader",
                password).signedIn(), "with the corpus back the same password works: the outage locked nothing");
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
        assertTrue(signsInOnceTheApiAnswers(username, password),
                "with the API back the same password works: the outage locked nothing");
    }

    /**
     * A first answer after the outage may still miss the sign-in's deadline (closed policy: refused, nothing
     * locked); it is kept for the next sign-in. A lock would refuse every try.
     */
    private static boolean signsInOnceTheApiAnswers(String username, String password) {
        for (int i = 0; i < 3; i++) {
            if (new Browser(server.baseUrl(), "192.0.2.60").signIn(realm.name(), TestRealm.CLIENT, username, password)
                    .signedIn()) {
                return true;
            }
            JsonNode refusal = realm.latestUserEvent(realm.userId(username));
            if (!refusal.at("/risk/reasons").findValuesAsText("signal").contains("BREACH_CHECK_UNAVAILABLE")) {
                return false;
            }
        }
        return false;
    }
}
