package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.openqa.selenium.JavascriptExecutor;
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
 * Throttling with {@code action: CHALLENGE}, in flows installed by {@code POST …/flows}: a throttled network's
 * login page carries a proof-of-work puzzle that headless Chromium solves on its own, and a solved puzzle lets the
 * password be checked; a missing, forged, replayed or expired answer gets the wrong-password page before any
 * password is checked (Keycloak's failure count for the user does not move); a password grant gets the
 * wrong-password answer; AUDIT records the throttle without challenging. The puzzles here are easy
 * ({@code difficulty} 4) to keep the run short. Each test attacks from networks of its own.
 */
@ExtendWith(KeycloakExtension.class)
class ChallengeIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    private static final int FAILURES = 5;
    private static final int DIFFICULTY = 4;

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) {
        server = keycloak;
        realm = TestRealm.createWithoutProtection(new AdminApi(keycloak.baseUrl()), "challenge", "chromium",
                "scripted", "expiring", "granted", "audited");
        realm.update(Map.of("bruteForceProtected", true, "failureFactor", 30));
        HttpResponse<String> installed = realm.admin().post("/" + realm.name() + "/threat-protection/flows", null);
        assertEquals(201, installed.statusCode(), installed.body());
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void chromiumSolvesThePuzzleOfAThrottledNetworkAndTheUserSignsIn() throws Exception {
        realm.saveSettings(settings("ENFORCED", 600));
        failFrom("198.51.100.", FAILURES);
        double issued = metric("threat_protection_challenges_total", "result=\"issued\"");
        double solved = metric("threat_protection_challenges_total", "result=\"solved\"");

        ChromeDriver chrome = (ChromeDriver) CHROME.driver();
        chrome.executeCdpCommand("Network.enable", Map.of());
        chrome.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("X-Forwarded-For", "198.51.100.77")));
        try {
            WebDriverWait wait = new WebDriverWait(chrome, Duration.ofSeconds(60));
            chrome.get(Browser.signInUrl(server.baseUrl(), realm.name(), TestRealm.CLIENT) + "&state=challenge");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("chromium");
            chrome.findElement(By.id("password")).sendKeys(TestRealm.PASSWORD);
            wait.until(ExpectedConditions.attributeToBe(By.id("kc-form-login"), "data-challenge", "solved"));
            assertEquals("Your browser is checked.",
                    chrome.findElement(By.id("threat-protection-challenge-status")).getText());
            Object found = ((JavascriptExecutor) chrome).executeScript("return window.threatProtectionChallenge");
            assertEquals((long) DIFFICULTY, ((Map<?, ?>) found).get("difficulty"), String.valueOf(found));
            chrome.findElement(By.id("kc-login")).click();
            wait.until(driver -> driver.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
            assertTrue(chrome.getCurrentUrl().contains("code="), chrome.getCurrentUrl());
        } finally {
            chrome.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of()));
        }

        JsonNode login = realm.keycloakEvents("LOGIN").get(0);
        assertEquals(realm.userId("chromium"), login.get("userId").asText());
        assertEquals("challenged", login.at("/details/throttle").asText());
        assertEquals("solved", login.at("/details/challenge").asText());
        assertEquals("198.51.100.0/24", login.at("/details/throttled_source").asText());
        assertEquals(issued + 1, metric("threat_protection_challenges_total", "result=\"issued\""));
        assertEquals(solved + 1, metric("threat_protection_challenges_total", "result=\"solved\""));
    }

    @Test
    void missingForgedAndReplayedAnswersAreRefusedBeforeThePasswordCheck() throws Exception {
        realm.saveSettings(settings("ENFORCED", 600));
        String user = realm.userId("scripted");
        HttpResponse<String> elsewhere = new Browser(server.baseUrl(), "203.0.113.9")
                .openLoginPage(realm.name(), TestRealm.CLIENT);
        assertFalse(PuzzlePage.hasPuzzle(elsewhere.body()), "an unthrottled network gets no puzzle");
        failFrom("100.64.21.", FAILURES);
        Browser browser = new Browser(server.baseUrl(), "100.64.21.80");
        String page = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        assertTrue(page.contains("checks your browser before your password"), "the note for browsers without"
                + " scripts");

        // No answer (a script that ignores the puzzle): the wrong-password page, with a new puzzle.
        Browser.Result missing = browser.submitForm(page, "kc-form-login",
                Map.of("username", "scripted", "password", TestRealm.PASSWORD));
        assertRefused(missing, "missing", user, 0);

        // A forged token: the difficulty lowered to 1, the MAC kept.
        String token = PuzzlePage.puzzle(missing.page());
        String[] parts = token.split("\\.");
        parts[3] = "1";
        String easier = String.join(".", parts);
        Browser.Result forged = browser.submitForm(missing.page(), "kc-form-login", Map.of("username", "scripted",
                "password", TestRealm.PASSWORD, "threat-protection-challenge", easier,
                "threat-protection-solution", PuzzlePage.solve(easier)));
        assertRefused(forged, "invalid", user, 0);

        // Solved, with a wrong password: the password is checked, and counts.
        token = PuzzlePage.puzzle(forged.page());
        String solution = PuzzlePage.solve(token);
        Browser.Result wrongPassword = browser.submitForm(forged.page(), "kc-form-login", Map.of(
                "username", "scripted", "password", "not the password", "threat-protection-challenge", token,
                "threat-protection-solution", solution));
        assertFalse(wrongPassword.signedIn());
        assertEquals(1, realm.bruteForceFailures(user), "a solved puzzle lets the password be checked");
        assertEquals("solved", realm.keycloakEvents("LOGIN_ERROR").get(0).at("/details/challenge").asText());

        // The same solved puzzle posted again, now with the right password: used up.
        Browser.Result replayed = browser.submitForm(wrongPassword.page(), "kc-form-login", Map.of(
                "username", "scripted", "password", TestRealm.PASSWORD, "threat-protection-challenge", token,
                "threat-protection-solution", solution));
        assertRefused(replayed, "replayed", user, 1);

        // A fresh puzzle, solved: in.
        String fresh = PuzzlePage.puzzle(replayed.page());
        Browser.Result signedIn = browser.submitForm(replayed.page(), "kc-form-login", Map.of(
                "username", "scripted", "password", TestRealm.PASSWORD, "threat-protection-challenge", fresh,
                "threat-protection-solution", PuzzlePage.solve(fresh)));
        assertTrue(signedIn.signedIn(), String.valueOf(signedIn.page()));
    }

    @Test
    void anExpiredAnswerIsRefusedBeforeThePasswordCheck() throws Exception {
        realm.saveSettings(settings("ENFORCED", 10));
        String user = realm.userId("expiring");
        failFrom("100.64.22.", FAILURES);
        Browser browser = new Browser(server.baseUrl(), "100.64.22.80");
        String page = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        String token = PuzzlePage.puzzle(page);
        String solution = PuzzlePage.solve(token);
        long expiresAt = Long.parseLong(token.split("\\.")[4]);

        Thread.sleep(Math.max(0, expiresAt * 1000 - System.currentTimeMillis()) + 1500);
        Browser.Result expired = browser.submitForm(page, "kc-form-login", Map.of("username", "expiring",
                "password", TestRealm.PASSWORD, "threat-protection-challenge", token,
                "threat-protection-solution", solution));

        assertRefused(expired, "expired", user, 0);
    }

    @Test
    void aPasswordGrantFromAChallengedNetworkGetsTheWrongPasswordAnswer() throws Exception {
        realm.saveSettings(settings("ENFORCED", 600));
        HttpResponse<String> wrongGrant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "granted", "not the password", "X-Forwarded-For", "203.0.113.20");
        failFrom("100.64.23.", FAILURES);
        double missing = metric("threat_protection_challenges_total", "result=\"missing\"");

        HttpResponse<String> refused = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "granted", TestRealm.PASSWORD, "X-Forwarded-For", "100.64.23.80");

        assertEquals(wrongGrant.statusCode(), refused.statusCode());
        assertEquals(wrongGrant.body(), refused.body());
        assertEquals(1, realm.bruteForceFailures(realm.userId("granted")), "only the wrong password counted");
        JsonNode loginError = realm.keycloakEvents("LOGIN_ERROR").get(0);
        assertEquals("challenged", loginError.at("/details/throttle").asText());
        assertEquals("missing", loginError.at("/details/challenge").asText());
        assertEquals(missing + 1, metric("threat_protection_challenges_total", "result=\"missing\""));
    }

    @Test
    void auditRecordsTheThrottleWithoutChallenging() throws Exception {
        realm.saveSettings(settings("AUDIT", 600));
        failFrom("100.64.24.", FAILURES);
        double issued = metric("threat_protection_challenges_total", "result=\"issued\"");
        Browser browser = new Browser(server.baseUrl(), "100.64.24.80");
        HttpResponse<String> page = browser.openLoginPage(realm.name(), TestRealm.CLIENT);
        assertFalse(PuzzlePage.hasPuzzle(page.body()), "AUDIT puts no puzzle on the page");

        assertTrue(browser.submitLoginForm(page.body(), "audited", TestRealm.PASSWORD).signedIn());

        JsonNode login = realm.keycloakEvents("LOGIN").get(0);
        assertEquals(realm.userId("audited"), login.get("userId").asText());
        assertEquals("audit", login.at("/details/throttle").asText());
        assertTrue(login.at("/details/challenge").isMissingNode(), login.toString());
        assertEquals(issued, metric("threat_protection_challenges_total", "result=\"issued\""));
    }

    @Test
    void badChallengeSettingsAreRefusedNamingTheFieldAndKeepTheOldOnes() {
        realm.saveSettings(settings("ENFORCED", 600));
        ObjectNode bad = settings("ENFORCED", 600);
        ((ObjectNode) bad.at("/attackProtection/challenge")).put("difficulty", 40).put("validitySeconds", 0);

        HttpResponse<String> refused = realm.putSettings(bad);

        assertEquals(400, refused.statusCode(), refused.body());
        String fields = AdminApi.json(refused).findValuesAsText("field").toString();
        assertTrue(fields.contains("attackProtection.challenge.difficulty"), fields);
        assertTrue(fields.contains("attackProtection.challenge.validitySeconds"), fields);
        assertEquals(DIFFICULTY, realm.settings().at("/attackProtection/challenge/difficulty").asInt());
    }

    /** The wrong-password page again, with a new puzzle, and the failure count where it was. */
    private static void assertRefused(Browser.Result result, String challenge, String userId, int failures) {
        assertFalse(result.signedIn(), "refused: " + challenge);
        assertTrue(result.page().contains("Invalid username or password."), result.page());
        assertNotNull(PuzzlePage.puzzle(result.page()), "the page carries a new puzzle");
        assertEquals(failures, realm.bruteForceFailures(userId), "no password was checked (" + challenge + ")");
        JsonNode loginError = realm.keycloakEvents("LOGIN_ERROR").get(0);
        assertEquals("invalid_user_credentials", loginError.get("error").asText());
        assertEquals("challenged", loginError.at("/details/throttle").asText());
        assertEquals(challenge, loginError.at("/details/challenge").asText());
    }

    private static ObjectNode settings(String mode, int validitySeconds) {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode attackProtection = settings.putObject("attackProtection");
        attackProtection.putObject("throttling")
                .put("enabled", true).put("scope", "NETWORK").put("failures", FAILURES)
                .put("windowMinutes", 60).put("blockMinutes", 60).put("action", "CHALLENGE");
        attackProtection.putObject("challenge").put("difficulty", DIFFICULTY).put("validitySeconds", validitySeconds);
        return settings;
    }

    /** Password grants for usernames nobody has, from addresses of one /24: a spraying run. */
    private static void failFrom(String prefix, int failures) {
        for (int i = 0; i < failures; i++) {
            HttpResponse<String> response = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                    "sprayed-" + prefix + i, "guess " + i, "X-Forwarded-For", prefix + (10 + i));
            assertTrue(response.body().contains("invalid_grant"), response.body());
        }
        assertNotNull(throttled(prefix + "0/24"), "the network is throttled");
    }

    private static JsonNode throttled(String source) {
        for (JsonNode throttle : AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/throttles"))) {
            if (source.equals(throttle.get("source").asText())) {
                return throttle;
            }
        }
        return null;
    }

    private static double metric(String name, String label) throws Exception {
        return Metrics.realmSum(server, realm.name(), name, label);
    }
}
