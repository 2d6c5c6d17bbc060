package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;
import io.github.threatprotection.it.support.Totp;

/**
 * Password resets through the reset-credentials flow installed by {@code POST …/flows}: the step evaluates the
 * reset when the mailed link is used; a refused one leaves the password as it was, one let through is told of
 * by mail once the new password is set.
 */
@ExtendWith(KeycloakExtension.class)
class PasswordResetIT {

    private static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";
    private static final String NEW_PASSWORD = "a brand new passphrase for resets";
    private static final String OTP_SECRET = "reset0123456789abcde";
    private static final String OTP_FORM = "kc-otp-login-form";

    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        baseUrl = server.baseUrl();
        mailbox = Mailbox.start();
        realm = TestRealm.createWithoutProtection(new AdminApi(baseUrl), "resets", "stolen", "homebody", "audited");
        realm.update(Map.of("smtpServer", mailbox.smtpSettings(), "resetPasswordAllowed", true,
                "displayName", "Reset Realm"));
        realm.addUser("with-factor", TestRealm.otpCredential(OTP_SECRET));
        JsonNode installed = AdminApi.ok(realm.admin().post("/" + realm.name() + "/threat-protection/flows", null));
        assertEquals("reset credentials with threat protection", installed.get("resetCredentialsFlow").asText());
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.close();
    }

    /** HIGH blocks and mails; lower levels let the reset through. Every mail is sent (no per-user limit). */
    private static ObjectNode settings(String mode) {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode takeover = document.putObject("accountTakeover");
        takeover.putObject("low").put("action", "NO_ACTION").put("notify", false);
        takeover.putObject("medium").put("action", "NO_ACTION").put("notify", false);
        takeover.putObject("high").put("action", "BLOCK").put("notify", true);
        document.putObject("notification").put("repeatAfterMinutes", 0);
        return document;
    }

    /**
     * Signs in from London, so that London is the user's usual place, signs out (the device cookie stays), then
     * asks for a reset link there.
     */
    private static String usualSignInThenResetLink(Browser browser, String username) throws Exception {
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD).signedIn());
        browser.keepOnlyCookie(DEVICE_COOKIE);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result resetPage = browser.open(Browser.link(loginPage, "reset-credentials"));
        browser.submitForm(resetPage.page(), "kc-reset-password-form", Map.of("username", username));
        return Mailbox.firstLink(mailbox.awaitText(username + "@example.org", "action-token"), "action-token");
    }

    private static JsonNode latestReset(String username) {
        for (JsonNode event : realm.userEvents(realm.userId(username))) {
            if (event.get("type").asText().equals("PASSWORD_RESET")) {
                return event;
            }
        }
        throw new AssertionError("no PASSWORD_RESET event of " + username);
    }

    private static List<String> challenges(JsonNode event) {
        return event.get("challenges").findValuesAsText("name");
    }

    @Test
    void aResetLinkUsedFromANewCountryAtHighIsRefusedAndThePasswordStays() throws Exception {
        realm.saveSettings(settings("ENFORCED"));
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        String link = usualSignInThenResetLink(browser, "stolen");

        Browser.Result refused = browser.from(TestGeoData.CHANGCHUN).open(link);

        assertEquals(403, refused.status(), refused.page());
        assertTrue(refused.page().contains("This password reset cannot be completed from here"), refused.page());
        assertFalse(refused.page().contains("kc-passwd-update-form"), "no new-password form");
        JsonNode event = realm.latestUserEvent(realm.userId("stolen"));
        assertEquals("PASSWORD_RESET", event.get("type").asText());
        assertEquals("FAIL", event.get("response").asText());
        assertEquals("HIGH", event.at("/risk/level").asText(), event.toString());
        assertEquals("BLOCK", event.at("/risk/action").asText());
        assertEquals(List.of("RESET_LINK"), challenges(event));
        assertEquals("Changchun", event.at("/context/city").asText());
        Mailbox.Mail mail = mailbox.awaitMail("stolen@example.org", event.get("id").asText());
        assertTrue(mail.text().contains("we blocked a password reset"), mail.text());
        assertTrue(mail.text().contains(TestGeoData.CHANGCHUN), mail.text());

        assertTrue(new Browser(baseUrl, TestGeoData.LONDON)
                .signIn(realm.name(), TestRealm.CLIENT, "stolen", TestRealm.PASSWORD).signedIn(),
                "the old password still works");
        JsonNode filtered = realm.searchEvents("type=PASSWORD_RESET");
        assertTrue(filtered.findValuesAsText("id").contains(event.get("id").asText()), filtered.toString());
        assertEquals(List.of("PASSWORD_RESET"), filtered.findValuesAsText("type").stream().distinct().toList());
    }

    @Test
    void aResetFromTheUsualPlaceGoesThroughAndTheUserIsToldFromWhere() throws Exception {
        realm.saveSettings(settings("ENFORCED"));
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        String link = usualSignInThenResetLink(browser, "homebody");

        Browser.Result form = browser.open(link);
        assertTrue(form.page() != null && form.page().contains("kc-passwd-update-form"), String.valueOf(form));
        JsonNode evaluated = realm.latestUserEvent(realm.userId("homebody"));
        assertEquals("PASSWORD_RESET", evaluated.get("type").asText());
        assertEquals("PASS", evaluated.get("response").asText());
        assertTrue(evaluated.get("notification").isNull(), "nothing to tell before the password is set");

        Browser.Result reset = browser.submitForm(form.page(), "kc-passwd-update-form",
                Map.of("password-new", NEW_PASSWORD, "password-confirm", NEW_PASSWORD));
        assertTrue(reset.signedIn(), "the reset signs the user in: " + reset);

        String eventId = evaluated.get("id").asText();
        Mailbox.Mail mail = mailbox.awaitMail("homebody@example.org", eventId);
        assertEquals("Reset Realm: your password was reset", mail.subject());
        for (String expected : List.of("the password of your Reset Realm account was just reset", TestGeoData.LONDON,
                "London", "/realms/resets/threat-protection/feedback?key=")) {
            assertTrue(mail.text().contains(expected), expected + " missing in:\n" + mail.text());
        }
        JsonNode told = latestReset("homebody");
        assertEquals("PASSWORD_RESET", told.at("/notification/kind").asText());
        assertTrue(new Browser(baseUrl, TestGeoData.LONDON)
                .signIn(realm.name(), TestRealm.CLIENT, "homebody", NEW_PASSWORD).signedIn());
    }

    @Test
    void inAuditModeARiskyResetIsRecordedAndGoesThrough() throws Exception {
        realm.saveSettings(settings("AUDIT"));
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        String link = usualSignInThenResetLink(browser, "audited");

        Browser.Result form = browser.from(TestGeoData.CHANGCHUN).open(link);
        assertTrue(form.page() != null && form.page().contains("kc-passwd-update-form"), String.valueOf(form));
        Browser.Result reset = browser.submitForm(form.page(), "kc-passwd-update-form",
                Map.of("password-new", NEW_PASSWORD, "password-confirm", NEW_PASSWORD));
        assertTrue(reset.signedIn(), String.valueOf(reset));

        JsonNode event = latestReset("audited");
        assertEquals("PASS", event.get("response").asText());
        assertEquals("HIGH", event.at("/risk/level").asText(), event.toString());
        assertEquals("BLOCK", event.at("/risk/action").asText(), "what would have been done");
        assertFalse(event.at("/risk/enforced").asBoolean());
        assertTrue(event.get("notification").isNull(), "AUDIT mails nothing");
        JsonNode summary = AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/events/summary"));
        assertTrue(summary.at("/notEnforcedSignIns/wouldBlock").asLong() >= 1, summary.toString());
    }

    @Test
    void aRiskyResetOfAUserWithOtpAsksForTheCodeBeforeTheNewPassword() throws Exception {
        ObjectNode asks = settings("ENFORCED");
        ((ObjectNode) asks.at("/accountTakeover/high")).put("action", "MFA_REQUIRED").put("notify", false);
        realm.saveSettings(asks);
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        Browser.Result otp = browser.signIn(realm.name(), TestRealm.CLIENT, "with-factor", TestRealm.PASSWORD);
        assertTrue(otp.page().contains(OTP_FORM), "Keycloak's own 2FA at the usual sign-in");
        assertTrue(browser.submitForm(otp.page(), OTP_FORM, Map.of("otp", Totp.code(OTP_SECRET, -1))).signedIn());
        browser.keepOnlyCookie(DEVICE_COOKIE);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result resetPage = browser.open(Browser.link(loginPage, "reset-credentials"));
        browser.submitForm(resetPage.page(), "kc-reset-password-form", Map.of("username", "with-factor"));
        String link = Mailbox.firstLink(mailbox.awaitText("with-factor@example.org", "action-token"),
                "action-token");

        Browser.Result asked = browser.from(TestGeoData.CHANGCHUN).open(link);

        assertTrue(asked.page() != null && asked.page().contains(OTP_FORM), String.valueOf(asked));
        assertFalse(asked.page().contains("kc-passwd-update-form"), "no new password before the code");
        JsonNode pending = latestReset("with-factor");
        assertEquals("HIGH", pending.at("/risk/level").asText(), pending.toString());
        assertEquals("MFA_REQUIRED", pending.at("/risk/action").asText());
        Browser.Result wrong = browser.submitForm(asked.page(), OTP_FORM, Map.of("otp", Totp.wrongCode(OTP_SECRET)));
        assertTrue(wrong.page() != null && wrong.page().contains(OTP_FORM), "a wrong code gets the code form again");
        Browser.Result past = browser.submitForm(wrong.page(), OTP_FORM, Map.of("otp", Totp.code(OTP_SECRET, 0)));

        // Past the code: Keycloak's own steps of the copied reset flow go on (the new password, and for a user
        // with OTP its "Reset - Conditional OTP", which has the factor set up again).
        assertTrue(past.page() != null && !past.page().contains(OTP_FORM)
                && (past.page().contains("kc-passwd-update-form") || past.page().contains("kc-totp-settings-form")),
                String.valueOf(past));
    }
}
