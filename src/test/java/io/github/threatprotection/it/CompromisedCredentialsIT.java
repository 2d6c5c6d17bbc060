package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.BreachTestData;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.Metrics;
import io.github.threatprotection.it.support.RangeApiStub;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Passwords checked against breach data at sign-in (the threat-protection step), and wherever a password is
 * set (the {@code notCompromised} password policy, the update-compromised-password required action). The
 * corpus was built by the JAR's command line from a test-made HIBP file; the range API is a local stub.
 */
@ExtendWith(KeycloakExtension.class)
class CompromisedCredentialsIT {

    private static final String ADDRESS = "192.0.2.50";
    private static final String COMPROMISED_MESSAGE = "This password has appeared in a data breach";

    private static KeycloakServer keycloak;
    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;
    private static RangeApiStub rangeApi;

    @BeforeAll
    static void setUp(KeycloakServer server, RangeApiStub stub) throws Exception {
        keycloak = server;
        baseUrl = server.baseUrl();
        rangeApi = stub;
        mailbox = Mailbox.start();
        realm = TestRealm.create(new AdminApi(baseUrl), "breach", "auditee", "victim", "relaxed", "rotator",
                "api-user", "padded", "slow-api", "console", "updater", "admin-reset", "common", "unreachable");
        // Breached passwords are set before the policy that would refuse them.
        for (String user : List.of("auditee", "victim", "relaxed", "rotator", "unreachable")) {
            AdminApi.ok(realm.resetPassword(realm.userId(user), BreachTestData.BREACHED));
        }
        AdminApi.ok(realm.resetPassword(realm.userId("api-user"), BreachTestData.ONLY_IN_RANGE_API));
        AdminApi.ok(realm.resetPassword(realm.userId("padded"), BreachTestData.PADDING_ONLY));
        AdminApi.ok(realm.resetPassword(realm.userId("common"), "letmein"));
        realm.update(Map.of(
                "smtpServer", mailbox.smtpSettings(),
                "resetPasswordAllowed", true,
                "registrationAllowed", true,
                "passwordPolicy", "notCompromised(1)"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.close();
    }

    private static void settings(String mode, String action, boolean requirePasswordChange) {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", mode);
        document.putObject("compromisedCredentials").put("action", action)
                .put("requirePasswordChange", requirePasswordChange);
        realm.saveSettings(document);
    }

    private static Browser.Result signIn(String username, String password) {
        return new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, username, password);
    }

    /** A sign-in raises the user's risk once its answer is sent. */
    private static void awaitUserRisk(String username, String state) throws InterruptedException {
        String path = "/" + realm.name() + "/threat-protection/users/" + realm.userId(username) + "/risk";
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = AdminApi.ok(realm.admin().get(path)).get("state").asText();
        while (!state.equals(seen) && System.nanoTime() < giveUp) {
            Thread.sleep(50);
            seen = AdminApi.ok(realm.admin().get(path)).get("state").asText();
        }
        assertEquals(state, seen);
    }

    private static boolean hasReason(JsonNode event, String signal) {
        for (JsonNode reason : event.at("/risk/reasons")) {
            if (signal.equals(reason.get("signal").asText())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aLockWhoseUserHasNoAddressSaysTheResetMailCouldNotGo() throws Exception {
        String userId = realm.userId("unreachable");
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/users/" + userId, Map.of("email", "")));
        settings("ENFORCED", "BLOCK", false);
        double notMailed = Metrics.realmSum(keycloak, realm.name(), "threat_protection_lock_reset_mails_total",
                "outcome=\"NO_EMAIL\"");

        assertFalse(signIn("unreachable", BreachTestData.BREACHED).signedIn());

        JsonNode error = realm.awaitKeycloakEvent("SEND_RESET_PASSWORD_ERROR");
        assertEquals(userId, error.get("userId").asText());
        assertEquals("NO_EMAIL", error.at("/details/threat_protection_reset_mail").asText(), error.toString());
        assertEquals("BREACHED_PASSWORD", error.at("/details/threat_protection_lock").asText());
        assertEquals(notMailed + 1, Metrics.realmSum(keycloak, realm.name(),
                "threat_protection_lock_reset_mails_total", "outcome=\"NO_EMAIL\""));
        assertTrue(AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/users/" + userId + "/lock"))
                .get("locked").asBoolean(), "locked all the same");
    }

    @Test
    void auditModeRecordsABreachedPasswordAndLetsTheUserIn() {
        settings("AUDIT", "BLOCK", false);

        assertTrue(signIn("auditee", BreachTestData.BREACHED).signedIn());

        JsonNode event = realm.latestUserEvent(realm.userId("auditee"));
        assertTrue(event.at("/risk/compromisedCredentials").asBoolean());
        assertTrue(hasReason(event, "COMPROMISED_CREDENTIALS"), event.toString());
        assertEquals("BLOCK", event.at("/risk/action").asText());
        assertFalse(event.at("/risk/enforced").asBoolean());
        assertEquals("PASS", event.get("response").asText());
    }

    @Test
    void anEnforcedBlockFailsLikeAWrongPasswordLocksTheAccountUntilAnEmailedReset() throws Exception {
        String userId = realm.userId("victim");
        // A session from before: its refresh token must stop working once the breached password is caught.
        settings("AUDIT", "BLOCK", false);
        String refreshToken = realm.admin().passwordGrant(realm.name(), TestRealm.CLIENT, "victim",
                BreachTestData.BREACHED).get("refresh_token").asText();
        settings("ENFORCED", "BLOCK", false);

        Browser.Result wrongPassword = signIn("victim", "not the password");
        Browser.Result blocked = signIn("victim", BreachTestData.BREACHED);

        assertFalse(blocked.signedIn());
        assertEquals(wrongPassword.status(), blocked.status());
        assertTrue(blocked.page().contains("Invalid username or password."));
        JsonNode event = realm.latestUserEvent(userId);
        assertEquals("FAIL", event.get("response").asText());
        assertTrue(event.at("/risk/compromisedCredentials").asBoolean());
        // The account is locked after the answer, so that the lock's writes cannot tell a breached password.
        assertEquals("BREACHED_PASSWORD", realm.awaitKeycloakEvent("USER_DISABLED_BY_PERMANENT_LOCKOUT")
                .at("/details/threat_protection_lock").asText());
        assertEquals(400, realm.refreshStatusOnceEnded(refreshToken), "the earlier session was ended");
        Mailbox.Mail notice = mailbox.awaitMail("victim@example.org", "data breach");
        assertTrue(notice.text().contains("/realms/breach/login-actions/reset-credentials"), notice.text());
        assertTrue(notice.subject().contains("blocked"), notice.subject());
        // The lock mails its own reset link (Keycloak's execute-actions mail), recorded as a user event.
        assertTrue(notice.text().contains("separate e-mail with a link"), notice.text());
        assertTrue(mailbox.awaitText("victim@example.org", "action-token").contains("Update Password"));
        JsonNode resetMail = realm.awaitKeycloakEvent("SEND_RESET_PASSWORD");
        assertEquals("SENT", resetMail.at("/details/threat_protection_reset_mail").asText());
        assertEquals("BREACHED_PASSWORD", resetMail.at("/details/threat_protection_lock").asText());

        // Locked: the breached password fails again, and so does direct grant.
        assertFalse(signIn("victim", BreachTestData.BREACHED).signedIn());
        HttpResponse<String> direct = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "victim",
                BreachTestData.BREACHED);
        assertEquals(400, direct.statusCode());
        assertTrue(direct.body().contains("invalid_grant"));
        JsonNode locked = realm.latestUserEvent(userId);
        assertEquals(List.of("ACCOUNT_LOCKED"), locked.at("/risk/reasons").findValuesAsText("signal"));
        assertTrue(locked.at("/risk/reasons/0/detail").asText().contains("password found in breach data"),
                locked.toString());
        assertFalse(locked.at("/risk/compromisedCredentials").asBoolean(), "a lock is not a breached password");

        // The owner resets the password through the e-mailed link, to a clean one, and is signed in.
        Browser browser = new Browser(baseUrl, ADDRESS);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result resetPage = browser.open(Browser.link(loginPage, "reset-credentials"));
        browser.submitForm(resetPage.page(), "kc-reset-password-form", Map.of("username", "victim"));
        String mail = mailbox.awaitText("victim@example.org", "action-token");
        Browser.Result updatePage = browser.open(Mailbox.firstLink(mail, "action-token"));
        Browser.Result stillBreached = browser.submitForm(updatePage.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.BREACHED, "password-confirm", BreachTestData.BREACHED));
        assertTrue(stillBreached.page().contains(COMPROMISED_MESSAGE), "the reset refuses a breached password");
        Browser.Result reset = browser.submitForm(stillBreached.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.CLEAN, "password-confirm", BreachTestData.CLEAN));
        assertTrue(reset.signedIn(), "the reset signs the owner in: " + reset);

        assertTrue(signIn("victim", BreachTestData.CLEAN).signedIn(), "the lock went with the breached password");
    }

    @Test
    void theBuiltInListOfCommonPasswordsWorksAlongsideTheConfiguredCorporaWhateverTheMinimumCount() {
        settings("AUDIT", "BLOCK", false);
        assertTrue(signIn("common", "letmein").signedIn());
        JsonNode event = realm.latestUserEvent(realm.userId("common"));
        assertTrue(event.at("/risk/compromisedCredentials").asBoolean(), event.toString());
        assertTrue(event.at("/risk/reasons").toString().contains("built-in list"), event.toString());

        settings("ENFORCED", "BLOCK", false);
        realm.update(Map.of("passwordPolicy", "notCompromised(1000)"));
        try {
            HttpResponse<String> refused = realm.resetPassword(realm.userId("common"), "Password123");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("invalidPasswordCompromisedMessage"), refused.body());
        } finally {
            realm.update(Map.of("passwordPolicy", "notCompromised(1)"));
        }
    }

    @Test
    void noActionRecordsOnly() {
        settings("ENFORCED", "NO_ACTION", false);

        assertTrue(signIn("relaxed", BreachTestData.BREACHED).signedIn());

        JsonNode event = realm.latestUserEvent(realm.userId("relaxed"));
        assertTrue(event.at("/risk/compromisedCredentials").asBoolean());
        assertEquals("NO_ACTION", event.at("/risk/action").asText());
        assertEquals("PASS", event.get("response").asText());
        assertTrue(signIn("relaxed", BreachTestData.BREACHED).signedIn(), "no lock without BLOCK");
    }

    @Test
    void aRealmThatAsksForRotationMakesTheUserChooseACleanPassword() throws InterruptedException {
        settings("ENFORCED", "NO_ACTION", true);
        Browser browser = new Browser(baseUrl, ADDRESS);

        Browser.Result form = browser.signIn(realm.name(), TestRealm.CLIENT, "rotator", BreachTestData.BREACHED);

        assertFalse(form.signedIn());
        assertTrue(form.page().contains("The password you signed in with has appeared in a data breach"),
                form.page());
        Browser.Result refused = browser.submitForm(form.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.RARELY_BREACHED, "password-confirm",
                        BreachTestData.RARELY_BREACHED));
        assertTrue(refused.page().contains(COMPROMISED_MESSAGE));
        Browser.Result done = browser.submitForm(refused.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.CLEAN, "password-confirm", BreachTestData.CLEAN));
        assertTrue(done.signedIn(), done.toString());
        // Whoever signed in with the breached password chose the new one, so the user's risk stays COMPROMISED: the
        // next sign-in gets the HIGH level's action (MFA_REQUIRED here, and the user has no second factor) until
        // the e-mailed reset or an admin remedies it (UserRiskIT).
        awaitUserRisk("rotator", "COMPROMISED");
        assertFalse(signIn("rotator", BreachTestData.CLEAN).signedIn());
        assertTrue(hasReason(realm.latestUserEvent(realm.userId("rotator")), "USER_COMPROMISED"));
    }

    @Test
    void registrationRefusesABreachedPasswordWithTheReason() {
        settings("ENFORCED", "BLOCK", false);
        Browser browser = new Browser(baseUrl, ADDRESS);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result registration = browser.open(Browser.link(loginPage, "registration"));
        Map<String, String> fields = new HashMap<>(Map.of("username", "newcomer",
                "email", "newcomer@example.org", "firstName", "New", "lastName", "Comer",
                "password", BreachTestData.BREACHED, "password-confirm", BreachTestData.BREACHED));

        Browser.Result refused = browser.submitForm(registration.page(), "kc-register-form", fields);

        assertFalse(refused.signedIn());
        assertTrue(refused.page().contains(COMPROMISED_MESSAGE), refused.page());
        fields.put("password", BreachTestData.CLEAN);
        fields.put("password-confirm", BreachTestData.CLEAN);
        Browser.Result registered = browser.submitForm(refused.page(), "kc-register-form", fields);
        assertTrue(registered.signedIn(), registered.toString());
        JsonNode signUp = realm.searchEvents("type=SIGN_UP");
        assertTrue(signUp.size() >= 2, signUp.toString());
        assertEquals("PASS", signUp.get(0).get("response").asText());
        assertEquals(realm.userId("newcomer"), signUp.get(0).get("userId").asText());
        assertEquals("FAIL", signUp.get(1).get("response").asText());
    }

    @Test
    void theAccountConsolesPasswordChangeAndTheUpdatePasswordActionRefuseBreachedPasswords() {
        settings("ENFORCED", "BLOCK", false);
        // The account console changes passwords through Keycloak's application-initiated UPDATE_PASSWORD action.
        Browser browser = new Browser(baseUrl, ADDRESS);
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, "console", TestRealm.PASSWORD).signedIn());
        Browser.Result form = browser.open(Browser.signInUrl(baseUrl, realm.name(), TestRealm.CLIENT)
                + "&kc_action=UPDATE_PASSWORD");
        assertRefusesBreachedThenAcceptsClean(browser, form);

        AdminApi.ok(realm.admin().put("/" + realm.name() + "/users/" + realm.userId("updater"),
                Map.of("requiredActions", List.of("UPDATE_PASSWORD"))));
        Browser updater = new Browser(baseUrl, ADDRESS);
        Browser.Result required = updater.signIn(realm.name(), TestRealm.CLIENT, "updater", TestRealm.PASSWORD);
        assertRefusesBreachedThenAcceptsClean(updater, required);
        JsonNode change = realm.userEvents(realm.userId("updater"));
        assertEquals("PASSWORD_CHANGE", change.get(0).get("type").asText());
        assertEquals("PASS", change.get(0).get("response").asText());
        assertEquals("PASSWORD_CHANGE", change.get(1).get("type").asText());
        assertEquals("FAIL", change.get(1).get("response").asText());
    }

    private static void assertRefusesBreachedThenAcceptsClean(Browser browser, Browser.Result form) {
        assertFalse(form.signedIn(), "expected the update-password form");
        Browser.Result refused = browser.submitForm(form.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.BREACHED, "password-confirm", BreachTestData.BREACHED));
        assertTrue(refused.page() != null && refused.page().contains(COMPROMISED_MESSAGE), String.valueOf(refused));
        Browser.Result accepted = browser.submitForm(refused.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.CLEAN, "password-confirm", BreachTestData.CLEAN));
        assertTrue(accepted.signedIn(), accepted.toString());
    }

    @Test
    void anAdminPasswordResetIsCheckedAndTheMinimumCountIsRespected() {
        settings("ENFORCED", "BLOCK", false);
        String userId = realm.userId("admin-reset");

        HttpResponse<String> refused = realm.resetPassword(userId, BreachTestData.BREACHED);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("invalidPasswordCompromisedMessage") || refused.body().contains("breach"),
                refused.body());
        // The refusal rolls the admin request back; its event is kept all the same.
        JsonNode refusal = realm.latestUserEvent(userId);
        assertEquals("PASSWORD_CHANGE", refusal.get("type").asText(), refusal.toString());
        assertEquals("FAIL", refusal.get("response").asText(), refusal.toString());
        assertTrue(refusal.at("/risk/compromisedCredentials").asBoolean(), refusal.toString());
        assertEquals(204, realm.resetPassword(userId, BreachTestData.CLEAN).statusCode());

        // Seen 3 times: refused at minimum count 1, accepted at 10.
        assertEquals(400, realm.resetPassword(userId, BreachTestData.RARELY_BREACHED).statusCode());
        realm.update(Map.of("passwordPolicy", "notCompromised(10)"));
        try {
            assertEquals(204, realm.resetPassword(userId, BreachTestData.RARELY_BREACHED).statusCode());
            assertEquals(400, realm.resetPassword(userId, BreachTestData.BREACHED).statusCode());
        } finally {
            realm.update(Map.of("passwordPolicy", "notCompromised(1)"));
        }
    }

    @Test
    void theRangeApiGetsFiveHexDigitsWithPaddingAndPaddingRowsAreNotBreaches() {
        settings("ENFORCED", "BLOCK", false);
        int before = rangeApi.requests().size();

        assertFalse(signIn("api-user", BreachTestData.ONLY_IN_RANGE_API).signedIn(), "found by the range API");
        assertTrue(signIn("padded", BreachTestData.PADDING_ONLY).signedIn(), "a count-0 row is no breach");

        List<RangeApiStub.Request> requests = rangeApi.requests().subList(before, rangeApi.requests().size());
        assertFalse(requests.isEmpty());
        for (RangeApiStub.Request request : requests) {
            assertTrue(request.path().matches("/range/[0-9A-F]{5}"), request.path());
            assertEquals("true", request.addPadding());
        }
        // Asked in this test or, when another test class asked first, answered from the cache.
        assertTrue(rangeApi.requests().stream().anyMatch(r -> r.path().equals("/range/"
                + BreachTestData.sha1Hex(BreachTestData.ONLY_IN_RANGE_API).substring(0, 5))));
        JsonNode event = realm.latestUserEvent(realm.userId("api-user"));
        assertTrue(hasReason(event, "COMPROMISED_CREDENTIALS"));
    }

    @Test
    void aRangeApiTimeoutFailsOpenByDefaultAndIsRecorded() {
        settings("ENFORCED", "BLOCK", false);
        // A password whose prefix the API has not answered for, so no cached answer hides the timeout; setting
        // it already meets the slow API (failed answers are not cached).
        String fresh = "fresh password " + UUID.randomUUID();
        rangeApi.behave(RangeApiStub.Behaviour.SLOW);
        try {
            AdminApi.ok(realm.resetPassword(realm.userId("slow-api"), fresh));
            assertTrue(signIn("slow-api", fresh).signedIn());
        } finally {
            rangeApi.behave(RangeApiStub.Behaviour.NORMAL);
        }
        JsonNode event = realm.latestUserEvent(realm.userId("slow-api"));
        assertTrue(hasReason(event, "BREACH_CHECK_UNAVAILABLE"), event.toString());
        assertFalse(event.at("/risk/compromisedCredentials").asBoolean());
    }
}
