package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.HeadlessChrome;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Metrics;
import io.github.threatprotection.it.support.PuzzlePage;
import io.github.threatprotection.it.support.TestRealm;

/**
 * The risk action {@code CHALLENGE}: every level of this realm gets it, so every sign-in does. A browser sign-in
 * gets the puzzle page after its password, which headless Chromium solves and sends on its own; a missing or
 * forged answer ends the sign-in with the wrong-password page; a password grant, which cannot answer, gets the
 * wrong-password answer; AUDIT records the action without challenging. Easy puzzles ({@code difficulty} 4) keep
 * the run short.
 */
@ExtendWith(KeycloakExtension.class)
class RiskChallengeIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    private static final int DIFFICULTY = 4;
    private static final String FORM = "threat-protection-challenge-form";

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) {
        server = keycloak;
        realm = TestRealm.create(new AdminApi(keycloak.baseUrl()), "risk-challenge", "chromium", "scripted",
                "granted", "audited");
        // Refusals here count as failures, a few per second: no quick-login lockout in between.
        realm.update(Map.of("bruteForceProtected", true, "failureFactor", 30, "quickLoginCheckMilliSeconds", 1));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void chromiumSolvesThePuzzleAfterThePasswordAndIsSignedIn() throws Exception {
        realm.saveSettings(settings("ENFORCED"));
        double issued = metric("result=\"issued\"");
        double solved = metric("result=\"solved\"");
        String user = realm.userId("chromium");

        ChromeDriver chrome = (ChromeDriver) CHROME.driver();
        WebDriverWait wait = new WebDriverWait(chrome, Duration.ofSeconds(60));
        chrome.get(Browser.signInUrl(server.baseUrl(), realm.name(), TestRealm.CLIENT) + "&state=risk-challenge");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("chromium");
        chrome.findElement(By.id("password")).sendKeys(TestRealm.PASSWORD);
        chrome.findElement(By.id("kc-login")).click();
        wait.until(driver -> driver.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
        assertTrue(chrome.getCurrentUrl().contains("code="), chrome.getCurrentUrl());

        JsonNode login = realm.keycloakEvents("LOGIN").get(0);
        assertEquals(user, login.get("userId").asText());
        assertEquals("CHALLENGE", login.at("/details/risk_action").asText());
        assertEquals("solved", login.at("/details/challenge").asText());
        JsonNode event = realm.latestUserEvent(user);
        assertEquals(login.at("/details/risk_event_id").asText(), event.get("id").asText());
        assertEquals("CHALLENGE", event.at("/risk/action").asText());
        assertEquals("PASS", event.get("response").asText(), "the solved sign-in went on");
        assertEquals(issued + 1, metric("result=\"issued\""), "one puzzle page, solved without a second");
        assertEquals(solved + 1, metric("result=\"solved\""));
    }

    @Test
    void aMissingOrForgedAnswerEndsTheSignInWithTheWrongPasswordPage() throws Exception {
        realm.saveSettings(settings("ENFORCED"));
        String user = realm.userId("scripted");
        Browser browser = new Browser(server.baseUrl(), "203.0.113.31");

        Browser.Result page = browser.signIn(realm.name(), TestRealm.CLIENT, "scripted", TestRealm.PASSWORD);
        assertFalse(page.signedIn(), "the right password leads to the puzzle page");
        assertTrue(page.page().contains("id=\"" + FORM + "\""), page.page());
        assertTrue(page.page().contains("This check needs JavaScript."), "the note for browsers without scripts");
        JsonNode pending = realm.latestUserEvent(user);
        assertEquals("CHALLENGE", pending.at("/risk/action").asText());
        assertEquals("FAIL", pending.get("response").asText(), "not in until the answer passes");

        // No answer (a script that ignores the page): the wrong-password page, counted as BLOCK's refusal is.
        Browser.Result missing = browser.submitForm(page.page(), FORM, Map.of());
        assertRefused(missing, "missing", user, 1);

        // A forged token: the difficulty lowered, the MAC kept.
        Browser.Result challenged = browser.submitLoginForm(missing.page(), "scripted", TestRealm.PASSWORD);
        String[] parts = PuzzlePage.puzzle(challenged.page()).split("\\.");
        parts[3] = "1";
        String easier = String.join(".", parts);
        Browser.Result forged = browser.submitForm(challenged.page(), FORM, Map.of(
                "threat-protection-challenge", easier, "threat-protection-solution", PuzzlePage.solve(easier)));
        assertRefused(forged, "invalid", user, 2);

        // Solved: in, and the event turns to PASS.
        challenged = browser.submitLoginForm(forged.page(), "scripted", TestRealm.PASSWORD);
        String token = PuzzlePage.puzzle(challenged.page());
        Browser.Result signedIn = browser.submitForm(challenged.page(), FORM, Map.of(
                "threat-protection-challenge", token, "threat-protection-solution", PuzzlePage.solve(token)));
        assertTrue(signedIn.signedIn(), signedIn.page());
        assertEquals("PASS", realm.latestUserEvent(user).get("response").asText());
        assertEquals("solved", realm.keycloakEvents("LOGIN").get(0).at("/details/challenge").asText());
    }

    @Test
    void aPasswordGrantAtAChallengeLevelGetsTheWrongPasswordAnswer() throws Exception {
        realm.saveSettings(settings("ENFORCED"));
        double missing = metric("result=\"missing\"");
        String user = realm.userId("granted");
        HttpResponse<String> wrong = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "granted",
                "not the password", "X-Forwarded-For", "203.0.113.32");

        HttpResponse<String> refused = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "granted", TestRealm.PASSWORD, "X-Forwarded-For", "203.0.113.32");

        assertEquals(wrong.statusCode(), refused.statusCode());
        assertEquals(wrong.body(), refused.body());
        JsonNode event = realm.latestUserEvent(user);
        assertEquals("CHALLENGE", event.at("/risk/action").asText());
        assertEquals("FAIL", event.get("response").asText());
        assertTrue(event.at("/risk/reasons").toString().contains("CHALLENGE_NOT_POSSIBLE"), event.toString());
        assertEquals("missing", realm.keycloakEvents("LOGIN_ERROR").get(0).at("/details/challenge").asText(),
                "counted as a throttled source's grant is");
        assertEquals(missing + 1, metric("result=\"missing\""));
    }

    @Test
    void auditRecordsTheActionWithoutChallenging() throws Exception {
        realm.saveSettings(settings("AUDIT"));
        double issued = metric("result=\"issued\"");
        String user = realm.userId("audited");

        Browser.Result result = new Browser(server.baseUrl(), "203.0.113.33")
                .signIn(realm.name(), TestRealm.CLIENT, "audited", TestRealm.PASSWORD);

        assertTrue(result.signedIn(), result.page());
        JsonNode event = realm.latestUserEvent(user);
        assertEquals("CHALLENGE", event.at("/risk/action").asText());
        assertFalse(event.at("/risk/enforced").asBoolean());
        assertEquals("PASS", event.get("response").asText());
        assertEquals(issued, metric("result=\"issued\""), "no puzzle in AUDIT");
        assertTrue(realm.keycloakEvents("LOGIN").get(0).at("/details/challenge").isMissingNode());
    }

    /** The wrong-password page, the refusal on Keycloak's event with the answer, and the failure counted. */
    private static void assertRefused(Browser.Result result, String challenge, String userId, int failures) {
        assertFalse(result.signedIn(), "refused: " + challenge);
        assertTrue(result.page().contains("Invalid username or password."), result.page());
        assertTrue(result.page().contains("id=\"kc-form-login\""), "the login form again");
        JsonNode loginError = realm.keycloakEvents("LOGIN_ERROR").get(0);
        assertEquals("invalid_user_credentials", loginError.get("error").asText());
        assertEquals(challenge, loginError.at("/details/challenge").asText());
        assertEquals("CHALLENGE", loginError.at("/details/risk_action").asText());
        assertEquals(failures, AdminApi.ok(realm.admin().get("/" + realm.name()
                + "/attack-detection/brute-force/users/" + userId)).get("numFailures").asInt(),
                "counted as a blocked sign-in is");
        assertEquals("FAIL", realm.latestUserEvent(userId).get("response").asText());
    }

    private static ObjectNode settings(String mode) {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode levels = settings.putObject("accountTakeover");
        for (String level : new String[] {"low", "medium", "high"}) {
            levels.putObject(level).put("action", "CHALLENGE").put("notify", false);
        }
        settings.putObject("attackProtection").putObject("challenge").put("difficulty", DIFFICULTY);
        return settings;
    }

    private static double metric(String label) throws Exception {
        return Metrics.realmSum(server, realm.name(), "threat_protection_challenges_total", label);
    }
}
