package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import io.github.threatprotection.it.support.Totp;

/**
 * The e-mailed code as the fallback second factor, in flows installed by {@code POST …/flows}: real mails
 * through GreenMail, the browser flow over HTTP. Sign-ins are made MEDIUM the honest way: a first sign-in gives
 * the user a history, and the next one from a browser without the device cookie scores NEW_DEVICE, which this
 * realm's thresholds put at MEDIUM. The fallback is set for the client {@code test-app} only; the realm (and so
 * {@code other-app}) keeps the default {@code BLOCK}.
 */
@ExtendWith(KeycloakExtension.class)
class EmailCodeIT {

    static final String CODE_FORM = "kc-email-code-form";
    static final String RESEND_FORM = "kc-email-code-resend-form";
    static final String MAIL_MARKER = "The code is:";
    private static final Pattern CODE = Pattern.compile("\\b([0-9]{6})\\b");
    private static final String OTP_SECRET = "12345678901234567890";
    private static final String ADDRESS = "192.0.2.71";

    private static String baseUrl;
    private static String managementUrl;
    private static Mailbox mailbox;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        baseUrl = server.baseUrl();
        managementUrl = server.managementUrl();
        mailbox = Mailbox.start();
        realm = createRealm(baseUrl, "email-code", mailbox, "right", "wrong", "resender", "blocked", "passes",
                "audited", "deutsch");
        realm.addUser("with-otp", TestRealm.otpCredential(OTP_SECRET));
        realm.update(Map.of("internationalizationEnabled", true, "supportedLocales", List.of("en", "de"),
                "defaultLocale", "en"));
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/users/" + realm.userId("deutsch"),
                Map.of("attributes", Map.of("locale", List.of("de")), "firstName", "Test", "lastName", "deutsch",
                        "email", "deutsch@example.org", "emailVerified", true)));
    }

    @AfterAll
    static void tearDown() {
        if (realm != null) {
            realm.close();
        }
        if (mailbox != null) {
            mailbox.close();
        }
    }

    /**
     * A realm with the installed flows (the risk level alone deciding who is asked), SMTP to the mailbox, and
     * settings under which a new device is MEDIUM, MEDIUM asks for MFA_IF_CONFIGURED and HIGH for MFA_REQUIRED.
     */
    static TestRealm createRealm(String baseUrl, String name, Mailbox mailbox, String... usernames) {
        TestRealm realm = TestRealm.createWithoutProtection(new AdminApi(baseUrl), name, usernames);
        realm.update(Map.of("smtpServer", mailbox.smtpSettings()));
        HttpResponse<String> installed = realm.admin().post("/" + name + "/threat-protection/flows?riskDecidesMfa=true",
                null);
        assertEquals(201, installed.statusCode(), installed.body());
        realm.saveSettings(settings("ENFORCED", "MFA_IF_CONFIGURED", "BLOCK", "EMAIL_CODE"));
        return realm;
    }

    /** The settings document: the realm's fallback, and {@code test-app}'s own. */
    static ObjectNode settings(String mode, String mediumAction, String realmFallback, String clientFallback) {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode takeover = settings.putObject("accountTakeover");
        takeover.putObject("low").put("action", "NO_ACTION").put("notify", false);
        takeover.putObject("medium").put("action", mediumAction).put("notify", false);
        takeover.putObject("high").put("action", "MFA_REQUIRED").put("notify", false);
        takeover.put("mfaFallback", realmFallback);
        settings.putObject("riskScoring").putObject("thresholds").put("medium", 15).put("high", 100);
        settings.putObject("clients").putObject(TestRealm.CLIENT).putObject("accountTakeover")
                .put("mfaFallback", clientFallback);
        return settings;
    }

    /** A sign-in's browser (its cookies) and the page or redirect it got. */
    record SignIn(Browser browser, Browser.Result result) {
        String page() {
            return result.page();
        }

        boolean signedIn() {
            return result.signedIn();
        }

        /** Posts a form of the current page and moves on to the answer. */
        SignIn submit(String formId, Map<String, String> fields) {
            return new SignIn(browser, browser.submitForm(result.page(), formId, fields));
        }
    }

    /** A first sign-in (LOW, asks nothing) so that the user has a history, then a new browser: MEDIUM. */
    static SignIn mediumRiskSignIn(String baseUrl, TestRealm realm, String clientId, String username) {
        Browser.Result first = new Browser(baseUrl, ADDRESS).signIn(realm.name(), clientId, username,
                TestRealm.PASSWORD);
        assertTrue(first.signedIn(), "the first sign-in builds the history: " + first);
        assertEquals("LOW", realm.latestUserEvent(realm.userId(username)).at("/risk/level").asText());
        Browser browser = new Browser(baseUrl, ADDRESS);
        return new SignIn(browser, browser.signIn(realm.name(), clientId, username, TestRealm.PASSWORD));
    }

    /** The code in the next mail to the user that no earlier call returned. */
    static String codeFromMail(Mailbox mailbox, String username) throws Exception {
        Mailbox.Mail mail = mailbox.awaitMail(username + "@example.org", MAIL_MARKER);
        assertTrue(mail.html().contains("id=\"threat-protection-email-code\""), "the HTML part carries the code too");
        assertTrue(mail.subject().endsWith("your sign-in code"), mail.subject());
        Matcher code = CODE.matcher(mail.text());
        assertTrue(code.find(), mail.text());
        return code.group(1);
    }

    static String otherCode(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    /** The challenge the risk-driven MFA asked for, with its outcome: {@code EMAIL_CODE SUCCESS}. */
    static String secondChallenge(JsonNode event) {
        return event.at("/challenges/1/name").asText() + " " + event.at("/challenges/1/response").asText();
    }

    @Test
    void aUserWithoutAFactorIsAskedForTheMailedCodeAtMediumAndTheRightCodePasses() throws Exception {
        SignIn asked = mediumRiskSignIn(baseUrl, realm, TestRealm.CLIENT, "right");
        assertFalse(asked.signedIn());
        assertTrue(asked.page().contains("id=\"" + CODE_FORM + "\""), asked.page());
        JsonNode pending = realm.latestUserEvent(realm.userId("right"));
        assertEquals("MEDIUM", pending.at("/risk/level").asText(), pending.toString());
        assertEquals("MFA_IF_CONFIGURED", pending.at("/risk/action").asText());

        SignIn done = asked.submit(CODE_FORM, Map.of("code", codeFromMail(mailbox, "right")));

        assertTrue(done.signedIn(), done.toString());
        JsonNode event = realm.latestUserEvent(realm.userId("right"));
        assertEquals(pending.get("id").asText(), event.get("id").asText());
        assertEquals("PASS", event.get("response").asText());
        assertEquals("EMAIL_CODE SUCCESS", secondChallenge(event));
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(managementUrl
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String result : new String[] {"sent", "accepted"}) {
            assertTrue(Pattern.compile("(?m)^threat_protection_email_codes_total\\{realm=\"email-code\",result=\""
                    + result + "\"\\} [1-9]").matcher(metrics).find(), result + " counted in:\n" + metrics);
        }
    }

    @Test
    void theMailAndThePageAreInTheUsersLanguage() throws Exception {
        SignIn asked = mediumRiskSignIn(baseUrl, realm, TestRealm.CLIENT, "deutsch");
        assertTrue(asked.page().contains("Geben Sie den Code aus unserer E-Mail ein"), asked.page());

        Mailbox.Mail mail = mailbox.awaitMail("deutsch@example.org", "Der Code lautet:");

        assertEquals("email-code: Ihr Anmeldecode", mail.subject());
        assertTrue(mail.text().contains("Er gilt 5 Minuten lang"), mail.text());
        assertTrue(mail.html().contains("Der Code lautet:"), mail.html());
        Matcher code = CODE.matcher(mail.text());
        assertTrue(code.find(), mail.text());
        assertTrue(asked.submit(CODE_FORM, Map.of("code", code.group(1))).signedIn());
    }

    @Test
    void fiveWrongCodesEndTheSignInAndAreRecorded() throws Exception {
        SignIn page = mediumRiskSignIn(baseUrl, realm, TestRealm.CLIENT, "wrong");
        String wrong = otherCode(codeFromMail(mailbox, "wrong"));

        for (int attempt = 1; attempt <= 4; attempt++) {
            page = page.submit(CODE_FORM, Map.of("code", wrong));
            assertFalse(page.signedIn());
            assertTrue(page.page().contains("Wrong code. Tries left: " + (5 - attempt) + "."), page.page());
            JsonNode event = realm.latestUserEvent(realm.userId("wrong"));
            assertEquals("EMAIL_CODE FAILURE", secondChallenge(event), "recorded at once: " + event);
            assertEquals("FAIL", event.get("response").asText());
        }
        SignIn ended = page.submit(CODE_FORM, Map.of("code", wrong));

        assertFalse(ended.signedIn());
        assertTrue(ended.page().contains("Too many wrong codes. Sign in again."), ended.page());
        assertTrue(ended.page().contains("id=\"kc-form-login\""), "back at the password: " + ended.page());
        assertFalse(ended.page().contains(CODE_FORM));
        JsonNode event = realm.latestUserEvent(realm.userId("wrong"));
        assertEquals("EMAIL_CODE FAILURE", secondChallenge(event));
        assertEquals("FAIL", event.get("response").asText());
        assertEquals(5, countKeycloakCodeErrors(realm.userId("wrong")), "five LOGIN_ERROR events");
    }

    @Test
    void threeNewCodesAtMostAndEachReplacesTheOneBefore() throws Exception {
        SignIn page = mediumRiskSignIn(baseUrl, realm, TestRealm.CLIENT, "resender");
        String first = codeFromMail(mailbox, "resender");
        String latest = first;
        for (int resend = 1; resend <= 3; resend++) {
            page = page.submit(RESEND_FORM, Map.of("resend", "Send a new code"));
            assertTrue(page.page().contains("We sent a new code."), page.page());
            latest = codeFromMail(mailbox, "resender");
        }
        assertFalse(page.page().contains("kc-email-code-resend"), "no resend button once they are used up");
        // the button is gone; a resend posted anyway is refused
        SignIn refused = page.submit(CODE_FORM, Map.of("resend", "Send a new code"));
        assertTrue(refused.page().contains("No more codes can be sent for this sign-in."), refused.page());
        assertEquals(4, mailbox.count("resender@example.org"), "the first code and three new ones, no fifth");

        if (!first.equals(latest)) {
            SignIn old = refused.submit(CODE_FORM, Map.of("code", first));
            assertFalse(old.signedIn(), "a replaced code no longer works");
            refused = old;
        }
        SignIn done = refused.submit(CODE_FORM, Map.of("code", latest));
        assertTrue(done.signedIn(), done.toString());
        assertEquals("EMAIL_CODE SUCCESS", secondChallenge(realm.latestUserEvent(realm.userId("resender"))));
    }

    @Test
    void theBlockFallbackIsUnchanged() throws Exception {
        // other-app gets the realm's BLOCK: MFA_IF_CONFIGURED lets a user without a factor through ...
        SignIn passed = mediumRiskSignIn(baseUrl, realm, TestRealm.OTHER_CLIENT, "passes");
        assertTrue(passed.signedIn(), passed.toString());
        JsonNode event = realm.latestUserEvent(realm.userId("passes"));
        assertEquals("MEDIUM", event.at("/risk/level").asText());
        assertEquals(1, event.get("challenges").size(), event.toString());

        // ... and MFA_REQUIRED refuses them like a wrong password, with no code
        realm.saveSettings(settings("ENFORCED", "MFA_REQUIRED", "BLOCK", "EMAIL_CODE"));
        try {
            SignIn blocked = mediumRiskSignIn(baseUrl, realm, TestRealm.OTHER_CLIENT, "blocked");
            assertFalse(blocked.signedIn());
            assertTrue(blocked.page().contains("Invalid username or password."), blocked.page());
            JsonNode refused = realm.latestUserEvent(realm.userId("blocked"));
            assertTrue(refused.at("/risk/reasons").findValuesAsText("signal")
                    .contains("MFA_REQUIRED_WITHOUT_SECOND_FACTOR"), refused.toString());
        } finally {
            realm.saveSettings(settings("ENFORCED", "MFA_IF_CONFIGURED", "BLOCK", "EMAIL_CODE"));
        }
        assertEquals(0, mailbox.count("passes@example.org"));
        assertEquals(0, mailbox.count("blocked@example.org"));
    }

    @Test
    void aUserWithOtpIsStillAskedForOtp() throws Exception {
        SignIn asked = mediumRiskSignIn(baseUrl, realm, TestRealm.CLIENT, "with-otp");

        assertTrue(asked.page().contains("kc-otp-login-form"), asked.page());
        assertFalse(asked.page().contains(CODE_FORM));
        // Keycloak offers the other steps of the sub-flow under "Try another way"; the code step stands aside
        SignIn choices = asked.submit("kc-select-try-another-way-form", Map.of("tryAnotherWay", "on"));
        // The browser copy has the step twice: in the sign-in's MFA sub-flow and in the SSO check's.
        String emailCodeStep = realm.executions(TestRealm.BROWSER_FLOW).stream()
                .filter(execution -> "threat-protection-email-code".equals(execution.path("providerId").asText()))
                .map(execution -> execution.get("id").asText())
                .filter(choices.page()::contains)
                .findFirst().orElseThrow(() -> new AssertionError("no e-mail code step offered: " + choices.page()));
        assertTrue(choices.page().contains("E-mailed code"), choices.page());
        asked = choices.submit("kc-select-credential-form", Map.of("authenticationExecution", emailCodeStep));
        assertTrue(asked.page().contains("kc-otp-login-form"), "back to the OTP form: " + asked.page());
        SignIn done = asked.submit("kc-otp-login-form", Map.of("otp", Totp.code(OTP_SECRET, 0)));
        assertTrue(done.signedIn(), done.toString());
        assertEquals("MFA SUCCESS", secondChallenge(realm.latestUserEvent(realm.userId("with-otp"))));
        assertEquals(0, mailbox.count("with-otp@example.org"), "no code mailed");
    }

    @Test
    void auditModeRecordsAndAsksNothing() throws Exception {
        realm.saveSettings(settings("AUDIT", "MFA_REQUIRED", "EMAIL_CODE", "EMAIL_CODE"));
        try {
            SignIn signedIn = mediumRiskSignIn(baseUrl, realm, TestRealm.CLIENT, "audited");
            assertTrue(signedIn.signedIn(), signedIn.toString());
            JsonNode event = realm.latestUserEvent(realm.userId("audited"));
            assertEquals("MFA_REQUIRED", event.at("/risk/action").asText());
            assertFalse(event.at("/risk/enforced").asBoolean());
            assertEquals(1, event.get("challenges").size(), event.toString());
        } finally {
            realm.saveSettings(settings("ENFORCED", "MFA_IF_CONFIGURED", "BLOCK", "EMAIL_CODE"));
        }
        assertEquals(0, mailbox.count("audited@example.org"));
    }

    @Test
    void anUnknownFallbackIsRefusedNamingTheFieldAndChangesNothing() {
        JsonNode before = realm.settings();
        ObjectNode bad = settings("ENFORCED", "MFA_IF_CONFIGURED", "SMS", "EMAIL_CODE");

        HttpResponse<String> refused = realm.putSettings(bad);

        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("accountTakeover.mfaFallback", AdminApi.json(refused).at("/errors/0/field").asText(),
                refused.body());
        assertEquals(before, realm.settings());
        assertEquals("BLOCK", before.at("/accountTakeover/mfaFallback").asText());
        assertEquals("EMAIL_CODE", before.at("/clients/" + TestRealm.CLIENT + "/accountTakeover/mfaFallback")
                .asText());
    }

    private static long countKeycloakCodeErrors(String userId) {
        int count = 0;
        for (JsonNode event : realm.keycloakEvents("LOGIN_ERROR")) {
            if (userId.equals(event.path("userId").asText())) {
                count++;
            }
        }
        return count;
    }
}
