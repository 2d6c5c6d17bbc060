package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
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
 * Sign-ins by an existing session's SSO cookie, in a realm installed through {@code POST /flows} (whose browser
 * flow checks the Cookie step's sign-ins): the identity cookie of a London sign-in replayed from Changchun seconds
 * later (as a cookie-stealing kit would) ends the session and gets the login page, as an expired cookie does; the
 * same cookie from London signs in and leaves no trace in the history.
 */
@ExtendWith(KeycloakExtension.class)
class SsoSignInIT {

    private static final String IDENTITY_COOKIE = "KEYCLOAK_IDENTITY";
    private static final String LOGIN_FORM = "kc-form-login";
    private static final String OTP_FORM = "kc-otp-login-form";
    private static final String OTP_SECRET = "sso0123456789abcdefg";
    /** Another address of the London test network. */
    private static final String LONDON_NEIGHBOUR = "81.2.69.200";

    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;
    private static JsonNode installed;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        baseUrl = server.baseUrl();
        mailbox = Mailbox.start();
        realm = TestRealm.createWithoutProtection(new AdminApi(baseUrl), "sso-sign-in", "replayed", "at-home",
                "audited", "unchecked");
        realm.addUser("second-factor", TestRealm.otpCredential(OTP_SECRET));
        realm.update(Map.of("smtpServer", mailbox.smtpSettings()));
        installed = AdminApi.ok(realm.admin().post("/" + realm.name() + "/threat-protection/flows", null));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.stop();
    }

    private static void settings(String mode, boolean ssoSignIn) {
        realm.saveSettings(Map.of("mode", mode, "sessions", Map.of("ssoSignIn", ssoSignIn)));
    }

    /** A browser signed in with the password from London; it holds the session's SSO cookie. */
    private static Browser signedInFromLondon(String username) {
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD).signedIn());
        assertNotNull(browser.cookie(IDENTITY_COOKIE));
        return browser;
    }

    /** Another browser, elsewhere, with the victim's SSO cookie alone. */
    private static Browser thief(Browser victim, String from) {
        Browser thief = new Browser(baseUrl, from);
        thief.setCookie(IDENTITY_COOKIE, victim.cookie(IDENTITY_COOKIE));
        return thief;
    }

    /** Opens the client's sign-in: an SSO sign-in redirects straight back with a code. */
    private static Browser.Result openApp(Browser browser) {
        return browser.open(Browser.signInUrl(baseUrl, realm.name(), TestRealm.CLIENT) + "&state=sso");
    }

    private static List<JsonNode> ssoEvents(String username) {
        List<JsonNode> events = new ArrayList<>();
        realm.userEvents(realm.userId(username)).forEach(event -> {
            if ("SSO_SIGN_IN".equals(event.get("type").asText())) {
                events.add(event);
            }
        });
        return events;
    }

    private static int sessions(String username) {
        return AdminApi.ok(realm.admin().get("/" + realm.name() + "/users/" + realm.userId(username) + "/sessions"))
                .size();
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
    void theInstalledBrowserFlowChecksTheCookieStepsSignIns() {
        assertEquals("browser with threat protection SSO", installed.get("ssoSubFlow").asText(), installed.toString());
        List<String> top = new ArrayList<>();
        for (JsonNode execution : realm.executions("browser with threat protection")) {
            String name = execution.has("providerId") ? execution.get("providerId").asText()
                    : execution.get("displayName").asText();
            top.add(execution.get("level").asInt() + " " + name + " " + execution.get("requirement").asText());
        }
        assertEquals(List.of("0 browser with threat protection SSO ALTERNATIVE", "1 auth-cookie REQUIRED",
                "1 threat-protection-sso REQUIRED", "1 browser with threat protection SSO MFA CONDITIONAL",
                "2 threat-protection-mfa-condition REQUIRED"), top.subList(0, 5), top.toString());
        assertFalse(top.contains("0 auth-cookie ALTERNATIVE"), "Cookie alone no longer signs browsers in: " + top);
    }

    @Test
    void aCookieFromALondonSignInReplayedFromChangchunEndsTheSessionAndGetsTheLoginPage() throws Exception {
        settings("ENFORCED", true);
        Browser victim = signedInFromLondon("replayed");
        assertEquals(1, sessions("replayed"));

        Browser thief = thief(victim, TestGeoData.CHANGCHUN);
        Browser.Result replayed = openApp(thief);

        assertFalse(replayed.signedIn(), "no code for the thief");
        assertEquals(200, replayed.status());
        assertTrue(replayed.page().contains(LOGIN_FORM), replayed.page());
        assertFalse(replayed.page().contains("kc-feedback-text"), "no message, as for an expired cookie: "
                + replayed.page());
        assertFalse(openApp(thief).signedIn(), "the stolen cookie signs nobody in any more");
        assertEquals(0, sessions("replayed"), "the session is gone");
        assertFalse(openApp(victim).signedIn(), "the session's own browser signs in again too");

        List<JsonNode> events = ssoEvents("replayed");
        assertEquals(1, events.size(), events.toString());
        JsonNode event = events.get(0);
        assertEquals("HIGH", event.at("/risk/level").asText(), event.toString());
        assertEquals("FAIL", event.get("response").asText());
        assertTrue(event.at("/risk/enforced").asBoolean());
        assertEquals("CN", event.at("/context/country").asText());
        assertEquals("SSO_COOKIE", event.at("/challenges/0/name").asText(), event.toString());
        assertEquals("the session is used from network 81.2.69.0/24 → 175.16.199.0/24, ASN AS20712 → AS4837,"
                + " country GB → CN", reason(event, "SESSION_CONTEXT_CHANGE"));
        assertTrue(reason(event, "IMPOSSIBLE_TRAVEL").contains("from the session's last use (GB)"),
                reason(event, "IMPOSSIBLE_TRAVEL"));

        Mailbox.Mail mail = mailbox.awaitMail("replayed@example.org", event.get("id").asText());
        assertEquals("sso-sign-in: a session of your account was ended", mail.subject());
        assertTrue(mail.text().contains("Changchun"), mail.text());
        JsonNode byType = realm.searchEvents("type=SSO_SIGN_IN");
        assertTrue(byType.findValuesAsText("id").contains(event.get("id").asText()), byType.toString());
        assertEquals(List.of("SSO_SIGN_IN"), byType.findValuesAsText("type").stream().distinct().toList());
    }

    @Test
    void theSameCookieFromLondonSignsInAndWritesNoEvent() {
        settings("ENFORCED", true);
        Browser victim = signedInFromLondon("at-home");
        int before = realm.userEvents(realm.userId("at-home")).size();

        assertTrue(openApp(victim).signedIn());
        assertTrue(openApp(thief(victim, LONDON_NEIGHBOUR)).signedIn(), "the same network, another address");

        assertEquals(before, realm.userEvents(realm.userId("at-home")).size(), "the quiet path writes no row");
        assertEquals(1, sessions("at-home"));
    }

    @Test
    void auditRecordsWhatWouldHaveHappenedAndActsOnNothing() {
        settings("AUDIT", true);
        Browser victim = signedInFromLondon("audited");

        Browser thief = thief(victim, TestGeoData.CHANGCHUN);
        assertTrue(openApp(thief).signedIn(), "AUDIT lets it through");

        assertEquals(1, sessions("audited"));
        List<JsonNode> events = ssoEvents("audited");
        assertEquals(1, events.size(), events.toString());
        assertEquals("HIGH", events.get(0).at("/risk/level").asText());
        assertFalse(events.get(0).at("/risk/enforced").asBoolean());
        assertEquals("PASS", events.get(0).get("response").asText());
        assertTrue(openApp(thief).signedIn());
        assertEquals(1, ssoEvents("audited").size(), "a change is recorded once: the session took its context");
    }

    @Test
    void aLevelThatAsksForASecondFactorAsksForItInTheBrowser() {
        settings("ENFORCED", true);
        Browser victim = new Browser(baseUrl, TestGeoData.LONDON);
        Browser.Result challenge = victim.signIn(realm.name(), TestRealm.CLIENT, "second-factor", TestRealm.PASSWORD);
        assertTrue(challenge.page().contains(OTP_FORM), "Keycloak's own 2FA asks at the password sign-in");
        assertTrue(victim.submitForm(challenge.page(), OTP_FORM, Map.of("otp", Totp.code(OTP_SECRET, -1)))
                .signedIn());

        Browser elsewhere = thief(victim, TestGeoData.CHANGCHUN);
        Browser.Result asked = openApp(elsewhere);

        assertFalse(asked.signedIn(), "HIGH's default MFA_REQUIRED: the cookie alone is not enough");
        assertTrue(asked.page().contains(OTP_FORM), asked.page());
        JsonNode event = ssoEvents("second-factor").get(0);
        assertEquals("MFA_REQUIRED", event.at("/risk/action").asText(), event.toString());
        assertTrue(elsewhere.submitForm(asked.page(), OTP_FORM, Map.of("otp", Totp.code(OTP_SECRET, 0)))
                .signedIn());
        JsonNode answered = ssoEvents("second-factor").get(0);
        assertEquals("MFA", answered.at("/challenges/1/name").asText(), answered.toString());
        assertEquals("SUCCESS", answered.at("/challenges/1/response").asText(), answered.toString());

        assertTrue(openApp(elsewhere).signedIn(), "once the factor was given, the session took this context");
        assertEquals(1, ssoEvents("second-factor").size());
    }

    @Test
    void withSsoSignInOffNothingIsEvaluated() {
        settings("ENFORCED", false);
        Browser victim = signedInFromLondon("unchecked");

        assertTrue(openApp(thief(victim, TestGeoData.CHANGCHUN)).signedIn());

        assertTrue(ssoEvents("unchecked").isEmpty());
        assertEquals(1, sessions("unchecked"));
    }

    @Test
    void aBadSsoSignInSettingIsRefusedNamingTheFieldAndTheOldOnesStay() {
        settings("ENFORCED", true);
        JsonNode before = realm.settings();
        ObjectNode document = AdminApi.JSON.createObjectNode();
        document.putObject("sessions").put("ssoSignIn", "yes");

        HttpResponse<String> refused = realm.putSettings(document);

        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("sessions.ssoSignIn", AdminApi.json(refused).at("/errors/0/field").asText(), refused.body());
        assertEquals(before, realm.settings());
        assertTrue(before.at("/sessions/ssoSignIn").asBoolean());
    }
}
