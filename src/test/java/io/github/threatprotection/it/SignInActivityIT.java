package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.HeadlessChrome;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Users see their own sign-ins in Keycloak's account console (the {@code threat-protection} account theme's
 * "Sign-in activity" page) and disown one, in a real browser; and the page's endpoint shows and answers only the
 * caller's own events.
 */
@ExtendWith(KeycloakExtension.class)
class SignInActivityIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    private static final String ADDRESS = "192.0.2.150";
    private static final String CONSOLE_CLIENT = "threat-protection-console";

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "activity", "alice", "bob", "carol");
        realm.update(Map.of("accountTheme", "threat-protection"));
        realm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    private static String signInElsewhere(String username) {
        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, username,
                TestRealm.PASSWORD).signedIn());
        return realm.latestUserEvent(realm.userId(username)).get("id").asText();
    }

    private static HttpResponse<String> call(String method, String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aUserSeesTheirOwnSignInsWithoutAddressesAndDisownsOne() {
        String aliceEarlier = signInElsewhere("alice");
        String bobs = signInElsewhere("bob");
        WebDriver browser = CHROME.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

        browser.get(baseUrl + "/realms/" + realm.name() + "/account/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys(TestRealm.PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        // The page is in the account console's menu, under "Account security".
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid='accountSecurity']")))
                .click();
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Sign-in activity"))).click();

        WebElement row;
        try {
            row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#tp-events tr[data-event-id='" + aliceEarlier + "']")));
        } catch (RuntimeException e) {
            // What the browser says about the page's module, for the failure message.
            Object loaded = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[0];"
                    + "const env = JSON.parse(document.getElementById('environment').textContent);"
                    + "import(env.resourceUrl + '/sign-in-activity.js').then(m => done('module: ' + typeof m.default))"
                    + ".catch(error => done('module failed: ' + error));");
            throw new AssertionError("no sign-in row; " + loaded, e);
        }
        String text = row.getText();
        assertTrue(text.contains("Firefox"), text);
        assertTrue(text.contains("Sign-in (Password)"), text);
        assertTrue(text.contains("Signed in"), text);
        String page = browser.findElement(By.id("tp-sign-in-activity")).getText();
        assertFalse(page.contains("192.0.2"), "no address: " + page);
        assertTrue(browser.findElements(By.cssSelector("tr[data-event-id='" + bobs + "']")).isEmpty(),
                "only the user's own sign-ins");
        assertTrue(browser.findElements(By.cssSelector("#tp-events tbody tr")).size() >= 2,
                "the earlier sign-in and this one");

        row.findElement(By.cssSelector("button[data-not-me]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tp-notice")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-event-id='" + aliceEarlier + "']"), "Reported as not you"));

        // The same effects as the mail's link.
        String aliceId = realm.userId("alice");
        JsonNode event = null;
        for (JsonNode candidate : realm.userEvents(aliceId)) {
            if (candidate.get("id").asText().equals(aliceEarlier)) {
                event = candidate;
            }
        }
        assertEquals("INVALID", event.at("/feedback/value").asText(), String.valueOf(event));
        assertEquals("USER", event.at("/feedback/provider").asText());
        JsonNode risk = AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/users/" + aliceId
                + "/risk"));
        assertEquals("COMPROMISED", risk.get("state").asText());
        assertEquals("DISOWNED_SIGN_IN", risk.at("/reasons/0/cause").asText());
        assertTrue(risk.get("passwordChangeRequired").asBoolean());
        assertFalse(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "alice",
                TestRealm.PASSWORD).signedIn(), "locked until a new password");
    }

    @Test
    void theEndpointShowsAndAnswersOnlyTheCallersOwnSignIns() {
        String carols = signInElsewhere("carol");
        String bobs = signInElsewhere("bob");
        // Test-only: the page's client may hand out tokens for a password, so this test can hold Bob's token.
        JsonNode client = AdminApi.ok(realm.admin().get("/" + realm.name() + "/clients?clientId=" + CONSOLE_CLIENT))
                .get(0);
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/clients/" + client.get("id").asText(),
                Map.of("directAccessGrantsEnabled", true)));
        String bob = realm.admin().passwordGrant(realm.name(), CONSOLE_CLIENT, "bob", TestRealm.PASSWORD)
                .get("access_token").asText();
        String base = baseUrl + "/realms/" + realm.name() + "/threat-protection/account/sign-ins";

        HttpResponse<String> own = call("GET", base, bob);
        assertEquals(200, own.statusCode(), own.body());
        JsonNode list = AdminApi.json(own);
        assertTrue(list.findValuesAsText("id").contains(bobs), list.toString());
        assertFalse(list.findValuesAsText("id").contains(carols), "another user's sign-in: " + list);
        assertFalse(own.body().contains("192.0.2"), "no address: " + own.body());

        HttpResponse<String> others = call("POST", base + "/" + carols + "/not-me", bob);
        assertEquals(404, others.statusCode(), others.body());
        JsonNode carolsEvent = realm.latestUserEvent(realm.userId("carol"));
        assertTrue(carolsEvent.get("feedback").isNull(), "Carol's sign-in unchanged: " + carolsEvent);
        assertEquals("NONE", AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/users/"
                + realm.userId("carol") + "/risk")).get("state").asText());

        String otherClient = realm.admin().passwordGrant(realm.name(), TestRealm.CLIENT, "bob", TestRealm.PASSWORD)
                .get("access_token").asText();
        assertEquals(401, call("GET", base, otherClient).statusCode(),
                "a token another client of the realm got is not the page's");
        assertEquals(401, call("GET", base, null).statusCode(), "no token");
    }
}
