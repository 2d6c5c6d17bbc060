package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.github.threatprotection.it.support.TestRealm;
import io.github.threatprotection.it.support.Totp;

/**
 * A user's remembered risk: raised by each trigger (a HIGH sign-in let through without a second factor, a breached
 * password, a disowned sign-in, an admin), what it does to the next sign-in, how the user remedies it (a new
 * password after a second factor, or through the mailed reset), an admin's dismissal, AUDIT, and the REST roles.
 * A new browser of a user with history is HIGH here: NEW_DEVICE scores 70.
 */
@ExtendWith(KeycloakExtension.class)
class UserRiskIT {

    private static final String ADDRESS = "192.0.2.90";
    private static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";
    private static final String OTP_SECRET = "12345678901234567890";

    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        baseUrl = server.baseUrl();
        mailbox = Mailbox.start();
        realm = TestRealm.create(new AdminApi(baseUrl), "userrisk", "drifter", "auditee", "breached", "disowned",
                "marked", "viewer", "manager", "nobody", "listed-a", "listed-c");
        realm.addUser("with-otp", TestRealm.otpCredential(OTP_SECRET));
        realm.installRiskBasedMfa();
        AdminApi.ok(realm.resetPassword(realm.userId("breached"), BreachTestData.BREACHED));
        realm.update(Map.of("smtpServer", mailbox.smtpSettings(), "resetPasswordAllowed", true,
                "adminEventsEnabled", true, "adminEventsDetailsEnabled", true));
        grantRealmManagementRoles("viewer", Set.of("view-users"));
        grantRealmManagementRoles("manager", Set.of("view-users", "manage-users"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.close();
    }

    /** HIGH for a new browser of a user with history; MEDIUM lets through; HIGH does as given. */
    private static void settings(String mode, String highAction) {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", mode);
        document.putObject("compromisedCredentials").put("action", "NO_ACTION").put("requirePasswordChange", true);
        ObjectNode takeover = document.putObject("accountTakeover");
        takeover.putObject("low").put("action", "NO_ACTION").put("notify", false);
        takeover.putObject("medium").put("action", "NO_ACTION").put("notify", false);
        takeover.putObject("high").put("action", highAction).put("notify", false);
        document.putObject("riskScoring").putObject("signals").put("NEW_DEVICE", 70);
        realm.saveSettings(document);
    }

    /** Signs in with this browser after signing out: its device cookie stays, its Keycloak session does not. */
    private static Browser.Result signIn(Browser browser, String username, String password) {
        browser.keepOnlyCookie(DEVICE_COOKIE);
        return browser.signIn(realm.name(), TestRealm.CLIENT, username, password);
    }

    private static JsonNode risk(String username) {
        return AdminApi.ok(realm.admin().get(riskPath(username)));
    }

    private static String riskPath(String username) {
        return "/" + realm.name() + "/threat-protection/users/" + realm.userId(username) + "/risk";
    }

    /** Sign-ins raise the risk once their answer is sent. */
    private static JsonNode awaitRisk(String username, String state) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode risk = risk(username);
        while (!state.equals(risk.get("state").asText()) && System.nanoTime() < giveUp) {
            Thread.sleep(50);
            risk = risk(username);
        }
        assertEquals(state, risk.get("state").asText(), risk.toString());
        return risk;
    }

    private static Set<String> signals(JsonNode event) {
        Set<String> signals = new HashSet<>();
        event.at("/risk/reasons").forEach(reason -> signals.add(reason.get("signal").asText()));
        return signals;
    }

    private static JsonNode latestEvent(String username) {
        return realm.latestUserEvent(realm.userId(username));
    }

    @Test
    void aHighSignInLetThroughWithoutASecondFactorMakesTheUserAtRiskAndEverySignInCarriesUserAtRisk()
            throws Exception {
        settings("ENFORCED", "MFA_IF_CONFIGURED");
        Browser home = new Browser(baseUrl, ADDRESS);
        assertTrue(signIn(home, "drifter", TestRealm.PASSWORD).signedIn());
        assertEquals("NONE", risk("drifter").get("state").asText());

        assertTrue(signIn(new Browser(baseUrl, ADDRESS), "drifter", TestRealm.PASSWORD).signedIn(),
                "MFA_IF_CONFIGURED lets a user without a second factor through");
        JsonNode high = latestEvent("drifter");
        assertEquals("HIGH", high.at("/risk/level").asText());
        JsonNode atRisk = awaitRisk("drifter", "AT_RISK");
        assertEquals("HIGH_RISK_SIGN_IN_WITHOUT_MFA", atRisk.at("/reasons/0/cause").asText());
        assertEquals(high.get("id").asText(), atRisk.at("/reasons/0/eventId").asText());
        assertFalse(atRisk.get("since").isNull());

        // The browser the user always used: no novelty, yet the remembered risk weighs on it.
        assertTrue(signIn(home, "drifter", TestRealm.PASSWORD).signedIn());
        JsonNode next = latestEvent("drifter");
        assertEquals(Set.of("USER_AT_RISK"), signals(next), next.toString());
        assertEquals(40, next.at("/risk/reasons/0/score").asInt(), "the default score");
        assertEquals("MEDIUM", next.at("/risk/level").asText());
        JsonNode listed = AdminApi.ok(realm.admin().get("/" + realm.name()
                + "/threat-protection/users-at-risk?state=AT_RISK"));
        assertTrue(listed.findValuesAsText("username").contains("drifter"), listed.toString());
    }

    @Test
    void aBreachedPasswordMakesTheUserCompromisedAndARotationWithoutASecondFactorDoesNotRemedyIt() throws Exception {
        settings("ENFORCED", "BLOCK");
        Browser browser = new Browser(baseUrl, ADDRESS);
        Browser.Result form = signIn(browser, "breached", BreachTestData.BREACHED);
        assertTrue(form.page().contains("appeared in a data breach"), form.page());
        JsonNode compromised = awaitRisk("breached", "COMPROMISED");
        assertEquals("BREACHED_PASSWORD", compromised.at("/reasons/0/cause").asText());
        Browser.Result rotated = browser.submitForm(form.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.CLEAN, "password-confirm", BreachTestData.CLEAN));
        assertTrue(rotated.signedIn(), rotated.toString());
        assertEquals("COMPROMISED", risk("breached").get("state").asText(),
                "whoever had the breached password could have chosen the new one");

        // The next sign-in, from the same browser with the new password, gets the HIGH level's action.
        Browser.Result refused = signIn(browser, "breached", BreachTestData.CLEAN);
        assertFalse(refused.signedIn());
        assertTrue(refused.page().contains("Invalid username or password."), refused.page());
        JsonNode event = latestEvent("breached");
        assertEquals("HIGH", event.at("/risk/level").asText());
        assertEquals("BLOCK", event.at("/risk/action").asText());
        assertTrue(signals(event).contains("USER_COMPROMISED"), event.toString());

        // The mailed reset remedies it.
        resetThroughMail(browser, "breached", "a second clean passphrase for 2026");
        JsonNode remedied = awaitRisk("breached", "NONE");
        assertEquals("REMEDIATED", remedied.at("/changes").get(remedied.get("changes").size() - 1)
                .get("cause").asText(), remedied.toString());
        assertTrue(signIn(browser, "breached", "a second clean passphrase for 2026").signedIn());
        assertFalse(signals(latestEvent("breached")).contains("USER_COMPROMISED"));
    }

    @Test
    void aDisownedSignInMakesTheUserCompromisedUntilTheMailedReset() throws Exception {
        settings("ENFORCED", "NO_ACTION");
        assertTrue(signIn(new Browser(baseUrl, ADDRESS), "disowned", TestRealm.PASSWORD).signedIn());
        String userId = realm.userId("disowned");
        String eventId = latestEvent("disowned").get("id").asText();

        AdminApi.ok(realm.admin().put("/" + realm.name() + "/threat-protection/users/" + userId + "/events/"
                + eventId + "/feedback", Map.of("value", "INVALID")));

        JsonNode compromised = risk("disowned");
        assertEquals("COMPROMISED", compromised.get("state").asText());
        assertEquals("DISOWNED_SIGN_IN", compromised.at("/reasons/0/cause").asText());
        assertEquals(eventId, compromised.at("/reasons/0/eventId").asText());
        assertTrue(compromised.get("passwordChangeRequired").asBoolean(), "the existing lock");
        Browser browser = new Browser(baseUrl, ADDRESS);
        assertFalse(signIn(browser, "disowned", TestRealm.PASSWORD).signedIn(), "locked");

        resetThroughMail(browser, "disowned", BreachTestData.CLEAN);
        JsonNode remedied = risk("disowned");
        assertEquals("NONE", remedied.get("state").asText());
        assertFalse(remedied.get("passwordChangeRequired").asBoolean());
        assertTrue(signIn(browser, "disowned", BreachTestData.CLEAN).signedIn());
    }

    @Test
    void aNewPasswordChosenAfterASecondFactorRemediesACompromisedUser() throws Exception {
        settings("ENFORCED", "MFA_REQUIRED");
        String userId = realm.userId("with-otp");
        AdminApi.ok(realm.admin().put(riskPath("with-otp"), Map.of("state", "COMPROMISED", "reason", "phished")));
        assertTrue(realm.requiredActions(userId).contains("threat-protection-account-locked"));
        // An admin gives the user a new password: the lock goes at once, the risk stays until the user acts.
        AdminApi.ok(realm.resetPassword(userId, TestRealm.PASSWORD));
        assertFalse(realm.requiredActions(userId).contains("threat-protection-account-locked"),
                "the user's page in the admin console no longer shows the lock");
        assertEquals("COMPROMISED", risk("with-otp").get("state").asText());

        Browser browser = new Browser(baseUrl, ADDRESS);
        Browser.Result challenge = signIn(browser, "with-otp", TestRealm.PASSWORD);
        assertFalse(challenge.signedIn(), "HIGH: MFA_REQUIRED asks for the code");
        assertTrue(signals(latestEvent("with-otp")).contains("USER_COMPROMISED"));
        Browser.Result passwordForm = browser.submitForm(challenge.page(), "kc-otp-login-form",
                Map.of("otp", Totp.code(OTP_SECRET, 0)));
        assertFalse(passwordForm.signedIn(), "a compromised user must choose a new password");
        Browser.Result done = browser.submitForm(passwordForm.page(), "kc-passwd-update-form",
                Map.of("password-new", BreachTestData.CLEAN, "password-confirm", BreachTestData.CLEAN));
        assertTrue(done.signedIn(), done.toString());

        JsonNode remedied = risk("with-otp");
        assertEquals("NONE", remedied.get("state").asText(), remedied.toString());
        JsonNode last = remedied.get("changes").get(remedied.get("changes").size() - 1);
        assertEquals("REMEDIATED", last.get("cause").asText());
        assertTrue(last.get("detail").asText().contains("second factor"), last.toString());
    }

    @Test
    void anAdminMarksAUserCompromisedAndDismissesItWithAnAdminEventEachTime() throws Exception {
        settings("ENFORCED", "BLOCK");
        String path = riskPath("marked");

        JsonNode marked = AdminApi.ok(realm.admin().put(path, Map.of("state", "COMPROMISED",
                "reason", "password seen in a paste")));
        assertEquals("COMPROMISED", marked.get("state").asText());
        assertEquals("ADMIN", marked.at("/reasons/0/cause").asText());
        assertTrue(marked.at("/reasons/0/detail").asText().contains("password seen in a paste"), marked.toString());
        assertTrue(marked.get("passwordChangeRequired").asBoolean());
        assertFalse(signIn(new Browser(baseUrl, ADDRESS), "marked", TestRealm.PASSWORD).signedIn());
        JsonNode adminEvent = AdminApi.ok(realm.admin().get("/" + realm.name()
                + "/admin-events?operationTypes=UPDATE&resourceTypes=CUSTOM")).get(0);
        assertTrue(adminEvent.get("resourcePath").asText().endsWith("/risk"), adminEvent.toString());
        assertTrue(adminEvent.get("representation").asText().contains("COMPROMISED"), adminEvent.toString());

        JsonNode dismissed = AdminApi.ok(realm.admin().put(path, Map.of("state", "NONE", "reason", "false alarm")));
        assertEquals("NONE", dismissed.get("state").asText());
        assertFalse(dismissed.get("passwordChangeRequired").asBoolean(), "the lock is lifted with the risk");
        JsonNode last = dismissed.get("changes").get(dismissed.get("changes").size() - 1);
        assertEquals("DISMISSED", last.get("cause").asText());
        assertTrue(signIn(new Browser(baseUrl, ADDRESS), "marked", TestRealm.PASSWORD).signedIn());

        HttpResponse<String> atRisk = realm.admin().put(path, Map.of("state", "AT_RISK"));
        assertEquals(400, atRisk.statusCode());
        assertTrue(atRisk.body().contains("state"), atRisk.body());
        assertEquals(400, realm.admin().put(path, Map.of("state", "NONE", "reason", "x".repeat(201))).statusCode());
        assertEquals(400, realm.admin().get("/" + realm.name() + "/threat-protection/users-at-risk?state=NONE")
                .statusCode());
    }

    @Test
    void auditRecordsTheStateAndActsOnNothing() throws Exception {
        settings("AUDIT", "BLOCK");
        Browser home = new Browser(baseUrl, ADDRESS);
        assertTrue(signIn(home, "auditee", TestRealm.PASSWORD).signedIn());
        assertTrue(signIn(new Browser(baseUrl, ADDRESS), "auditee", TestRealm.PASSWORD).signedIn(),
                "AUDIT never blocks");
        awaitRisk("auditee", "AT_RISK");

        JsonNode marked = AdminApi.ok(realm.admin().put(riskPath("auditee"), Map.of("state", "COMPROMISED")));
        assertFalse(marked.get("passwordChangeRequired").asBoolean(), "AUDIT locks nothing");
        Browser.Result signedIn = signIn(home, "auditee", TestRealm.PASSWORD);
        assertTrue(signedIn.signedIn(), "no block, no password change: " + signedIn);
        JsonNode event = latestEvent("auditee");
        assertFalse(event.at("/risk/enforced").asBoolean());
        assertTrue(signals(event).contains("USER_COMPROMISED"), "recorded as it would be enforced: " + event);
        AdminApi.ok(realm.admin().put(riskPath("auditee"), Map.of("state", "NONE")));
    }

    @Test
    void usersAtRiskAreListedByStateAndPagedCompromisedFirst() {
        AdminApi.ok(realm.admin().put(riskPath("listed-c"), Map.of("state", "COMPROMISED")));
        AdminApi.ok(realm.admin().put(riskPath("listed-a"), Map.of("state", "NONE")));
        String base = "/" + realm.name() + "/threat-protection/users-at-risk";
        JsonNode compromised = AdminApi.ok(realm.admin().get(base + "?state=COMPROMISED"));
        assertTrue(compromised.findValuesAsText("username").contains("listed-c"), compromised.toString());
        compromised.forEach(user -> assertEquals("COMPROMISED", user.get("state").asText()));
        JsonNode all = AdminApi.ok(realm.admin().get(base + "?max=1000"));
        assertFalse(all.findValuesAsText("username").contains("listed-a"), "NONE is not at risk");
        assertEquals(all.size(), AdminApi.ok(realm.admin().get(base + "?state=COMPROMISED")).size()
                + AdminApi.ok(realm.admin().get(base + "?state=AT_RISK")).size());
        for (int i = 1; i < all.size(); i++) {
            assertFalse(all.get(i - 1).get("state").asText().equals("AT_RISK")
                    && all.get(i).get("state").asText().equals("COMPROMISED"), "COMPROMISED first: " + all);
        }
        List<String> paged = new ArrayList<>();
        for (int first = 0; first < all.size(); first++) {
            JsonNode page = AdminApi.ok(realm.admin().get(base + "?first=" + first + "&max=1"));
            assertEquals(1, page.size());
            paged.add(page.get(0).get("username").asText());
        }
        assertEquals(all.findValuesAsText("username"), paged, "one page at a time gives the same list");
        assertEquals(400, realm.admin().get(base + "?max=0").statusCode());
        AdminApi.ok(realm.admin().put(riskPath("listed-c"), Map.of("state", "NONE")));
    }

    @Test
    void viewUsersReadsRiskManageUsersChangesItOthersAreRefused() {
        AdminApi admin = realm.admin();
        String path = riskPath("nobody");
        String list = "/" + realm.name() + "/threat-protection/users-at-risk";
        String viewer = admin.passwordGrant(realm.name(), TestRealm.CLIENT, "viewer", TestRealm.PASSWORD)
                .get("access_token").asText();
        String manager = admin.passwordGrant(realm.name(), TestRealm.CLIENT, "manager", TestRealm.PASSWORD)
                .get("access_token").asText();
        String nobody = admin.passwordGrant(realm.name(), TestRealm.CLIENT, "nobody", TestRealm.PASSWORD)
                .get("access_token").asText();
        Map<String, String> mark = Map.of("state", "COMPROMISED", "reason", "test");

        assertEquals(403, admin.request("GET", path, null, nobody).statusCode());
        assertEquals(403, admin.request("GET", list, null, nobody).statusCode());
        assertEquals(403, admin.request("PUT", path, mark, nobody).statusCode());
        assertEquals(200, admin.request("GET", path, null, viewer).statusCode());
        assertEquals(200, admin.request("GET", list, null, viewer).statusCode());
        assertEquals(403, admin.request("PUT", path, mark, viewer).statusCode());
        assertEquals("NONE", risk("nobody").get("state").asText(), "nothing changed by refused calls");
        assertEquals(200, admin.request("PUT", path, Map.of("state", "NONE"), manager).statusCode());
    }

    /** The "Forgot password" mail, its link, and a new password. */
    private static void resetThroughMail(Browser browser, String username, String newPassword) throws Exception {
        browser.keepOnlyCookie(DEVICE_COOKIE);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result resetPage = browser.open(Browser.link(loginPage, "reset-credentials"));
        browser.submitForm(resetPage.page(), "kc-reset-password-form", Map.of("username", username));
        String mail = mailbox.awaitText(username + "@example.org", "action-token");
        Browser.Result updatePage = browser.open(Mailbox.firstLink(mail, "action-token"));
        Browser.Result reset = browser.submitForm(updatePage.page(), "kc-passwd-update-form",
                Map.of("password-new", newPassword, "password-confirm", newPassword));
        assertTrue(reset.signedIn(), "the reset signs the owner in: " + reset);
    }

    private static void grantRealmManagementRoles(String username, Set<String> names) {
        String base = "/" + realm.name();
        AdminApi admin = realm.admin();
        String clientUuid = AdminApi.ok(admin.get(base + "/clients?clientId=realm-management")).get(0).get("id")
                .asText();
        ArrayNode roles = AdminApi.JSON.createArrayNode();
        for (JsonNode role : AdminApi.ok(admin.get(base + "/clients/" + clientUuid + "/roles"))) {
            if (names.contains(role.get("name").asText())) {
                roles.add(role);
            }
        }
        AdminApi.ok(admin.post(base + "/users/" + realm.userId(username) + "/role-mappings/clients/" + clientUuid,
                roles));
    }
}
