package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
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
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestRealm;

/**
 * The other doors, in flows installed by {@code POST …/flows}: reset mails per user and per network, and
 * self-registrations per network, each over its limit answered as when nothing is wrong (or as for any name).
 */
@ExtendWith(KeycloakExtension.class)
class ResetAndRegistrationLimitsIT {

    private static final String SENT = "You should receive an email shortly";

    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        baseUrl = server.baseUrl();
        mailbox = Mailbox.start();
        realm = TestRealm.createWithoutProtection(new AdminApi(baseUrl), "limits", "mailbombed", "audited",
                "first", "second", "third", "taken");
        realm.update(Map.of("smtpServer", mailbox.smtpSettings(), "resetPasswordAllowed", true,
                "registrationAllowed", true));
        JsonNode installed = AdminApi.ok(realm.admin().post("/" + realm.name() + "/threat-protection/flows", null));
        assertEquals("registration with threat protection", installed.get("registrationFlow").asText());
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.close();
    }

    @Test
    void aUsersResetMailsStopAtTheLimitWithTheAnswerAnUnknownNameGets() throws Exception {
        realm.saveSettings(settings("ENFORCED", 0, 2, 0));

        for (int i = 0; i < 2; i++) {
            Browser.Result sent = askForReset("192.0.2." + (20 + i), "mailbombed");
            assertTrue(sent.page().contains(SENT), sent.page());
            mailbox.awaitText("mailbombed@example.org", "action-token");
        }
        Browser.Result overLimit = askForReset("203.0.113.20", "mailbombed");
        Browser.Result unknown = askForReset("203.0.113.21", "nobody-of-that-name");

        assertEquals(unknown.status(), overLimit.status());
        assertTrue(overLimit.page().contains(SENT), overLimit.page());
        // The same page but for the name typed, which the form shows again.
        assertEquals(withoutPerRequestValues(unknown.page().replace("nobody-of-that-name", "mailbombed")),
                withoutPerRequestValues(overLimit.page()));
        Thread.sleep(1000);
        assertEquals(2, mailbox.count("mailbombed@example.org"), "no third mail within the hour");
    }

    @Test
    void aNetworksResetRequestsStopAtTheLimitWhateverTheNames() throws Exception {
        realm.saveSettings(settings("ENFORCED", 3, 0, 0));

        askForReset("198.51.100.30", "first");
        askForReset("198.51.100.31", "no-such-user");
        askForReset("198.51.100.32", "second");
        Browser.Result overLimit = askForReset("198.51.100.33", "third");
        Browser.Result elsewhere = askForReset("192.0.2.33", "third");

        assertTrue(overLimit.page().contains(SENT), overLimit.page());
        assertTrue(elsewhere.page().contains(SENT), elsewhere.page());
        mailbox.awaitText("first@example.org", "action-token");
        mailbox.awaitText("second@example.org", "action-token");
        mailbox.awaitText("third@example.org", "action-token");
        Thread.sleep(1000);
        assertEquals(1, mailbox.count("third@example.org"), "only the request from another network was sent");
    }

    @Test
    void auditModeSendsEveryMailAndCountsWhatItWouldHaveHeldBack() throws Exception {
        realm.saveSettings(settings("AUDIT", 0, 1, 0));

        askForReset("192.0.2.40", "audited");
        askForReset("192.0.2.41", "audited");

        mailbox.awaitText("audited@example.org", "action-token");
        mailbox.awaitText("audited@example.org", "action-token");
        assertEquals(2, mailbox.count("audited@example.org"));
    }

    @Test
    void aNetworksRegistrationsStopAtTheLimitWhetherOrNotTheNameIsTaken() {
        realm.saveSettings(settings("ENFORCED", 0, 0, 2));

        assertTrue(register("100.64.9.1", "newcomer-1").signedIn());
        assertTrue(register("100.64.9.2", "newcomer-2").signedIn());
        Browser.Result refused = register("100.64.9.3", "newcomer-3");
        Browser.Result taken = register("100.64.9.4", "taken");

        assertFalse(refused.signedIn());
        assertTrue(refused.page().contains("Too many accounts were registered from your network"), refused.page());
        assertTrue(taken.page().contains("Too many accounts were registered from your network"), taken.page());
        assertFalse(taken.page().contains("Username already exists"), taken.page());
        assertEquals(0, AdminApi.ok(realm.admin().get("/" + realm.name() + "/users?exact=true&username=newcomer-3"))
                .size(), "no account was made");
        assertTrue(register("203.0.113.9", "newcomer-4").signedIn(), "another network registers");
    }

    private static ObjectNode settings(String mode, int resetsPerNetwork, int resetsPerUser, int registrations) {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode attackProtection = settings.putObject("attackProtection");
        attackProtection.putObject("resetMails").put("perNetwork", resetsPerNetwork).put("perUser", resetsPerUser)
                .put("windowMinutes", 60);
        attackProtection.putObject("registrations").put("perNetwork", registrations).put("windowMinutes", 60);
        return settings;
    }

    private static Browser.Result askForReset(String address, String username) {
        Browser browser = new Browser(baseUrl, address);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result resetPage = browser.open(Browser.link(loginPage, "reset-credentials"));
        return browser.submitForm(resetPage.page(), "kc-reset-password-form", Map.of("username", username));
    }

    private static Browser.Result register(String address, String username) {
        Browser browser = new Browser(baseUrl, address);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result registration = browser.open(Browser.link(loginPage, "registration"));
        String password = "a long registration passphrase";
        return browser.submitForm(registration.page(), "kc-register-form", new HashMap<>(Map.of(
                "username", username, "email", username + "@example.net", "firstName", "New",
                "lastName", "Comer", "password", password, "password-confirm", password)));
    }

    /** Blanks the values Keycloak makes anew for every request or session: codes, tab ids, session hashes. */
    private static String withoutPerRequestValues(String page) {
        return page.replaceAll("(session_code|tab_id|client_data|execution)=[^&\"]+", "$1=…")
                .replaceAll("nonce=\"[^\"]*\"", "nonce=\"…\"")
                .replaceAll("checkAuthSession\\(\\s*\"[^\"]*\"", "checkAuthSession(\"…\"");
    }
}
