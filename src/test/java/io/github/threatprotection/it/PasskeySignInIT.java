package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.HeadlessChrome;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * A passkey used as the only factor, in headless Chromium with a virtual authenticator (Chrome DevTools'
 * WebAuthn domain): the user registers a passkey after a password sign-in through the installed browser flow
 * (Keycloak's required action), then
 * signs in with the username and the passkey alone through a flow with the step after *WebAuthn Passwordless
 * Authenticator*. The event names the method.
 */
@ExtendWith(KeycloakExtension.class)
class PasskeySignInIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    private static final String PASSKEY_FLOW = "passkey browser";

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.createWithoutProtection(new AdminApi(baseUrl), "passkeys", "pat");
        // Every level lets the sign-in through: the second one comes from a browser without the device cookie.
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        ObjectNode takeover = settings.putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            takeover.putObject(level).put("action", "NO_ACTION").put("notify", false);
        }
        realm.saveSettings(settings);
        AdminApi.ok(realm.admin().post("/" + realm.name() + "/threat-protection/flows", null));
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/users/" + realm.userId("pat"),
                Map.of("requiredActions", List.of("webauthn-register-passwordless"))));
        String flows = "/" + realm.name() + "/authentication/flows";
        AdminApi.ok(realm.admin().post(flows, Map.of("alias", PASSKEY_FLOW, "providerId", "basic-flow",
                "topLevel", true, "builtIn", false, "description", "username, then a passkey")));
        for (String provider : List.of("auth-username-form", "webauthn-authenticator-passwordless",
                "threat-protection")) {
            AdminApi.ok(realm.admin().post(flows + "/" + AdminApi.encode(PASSKEY_FLOW) + "/executions/execution",
                    Map.of("provider", provider)));
        }
        for (JsonNode execution : realm.executions(PASSKEY_FLOW)) {
            ObjectNode required = ((ObjectNode) execution.deepCopy()).put("requirement", "REQUIRED");
            AdminApi.ok(realm.admin().put(flows + "/" + AdminApi.encode(PASSKEY_FLOW) + "/executions", required));
        }
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    private static String authUrl() {
        return Browser.signInUrl(baseUrl, realm.name(), TestRealm.CLIENT) + "&state=passkey";
    }

    @Test
    void aPasskeyOnlySignInIsEvaluatedAndRecordedAsPasskey() {
        ChromeDriver chrome = (ChromeDriver) CHROME.driver();
        chrome.executeCdpCommand("WebAuthn.enable", Map.of());
        chrome.executeCdpCommand("WebAuthn.addVirtualAuthenticator", Map.of("options", Map.of(
                "protocol", "ctap2", "transport", "internal", "hasResidentKey", true,
                "hasUserVerification", true, "isUserVerified", true, "automaticPresenceSimulation", true)));
        WebDriver browser = chrome;
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

        // The password sign-in ends with Keycloak's passkey registration; the virtual authenticator answers.
        browser.get(authUrl());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("pat");
        browser.findElement(By.id("password")).sendKeys(TestRealm.PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("registerWebAuthn"))).click();
        acceptLabelPrompt(browser, wait);
        wait.until(driver -> driver.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
        assertEquals(1, AdminApi.ok(realm.admin().get("/" + realm.name() + "/users/" + realm.userId("pat")
                + "/credentials")).findValuesAsText("type").stream()
                .filter("webauthn-passwordless"::equals).count(), "the passkey is registered");

        // Signed out, the user signs in with the username and the passkey alone.
        AdminApi.ok(realm.admin().put("/" + realm.name(), Map.of("browserFlow", PASSKEY_FLOW)));
        browser.get(baseUrl + "/realms/" + realm.name() + "/");
        browser.manage().deleteAllCookies();
        browser.get(authUrl());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("pat");
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("authenticateWebAuthnButton"))).click();
        wait.until(driver -> driver.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
        assertTrue(browser.getCurrentUrl().contains("code="), browser.getCurrentUrl());

        JsonNode event = realm.latestUserEvent(realm.userId("pat"));
        assertEquals("SIGN_IN", event.get("type").asText());
        assertEquals("PASS", event.get("response").asText());
        assertEquals("PASSKEY", event.at("/challenges/0/name").asText(), event.toString());
        assertEquals(1, event.get("challenges").size(), event.toString());
        assertEquals(2, realm.userEvents(realm.userId("pat")).size(), "the password sign-in, then the passkey one");
    }

    /** Keycloak's registration script asks for a label for the new passkey with the browser's prompt. */
    private static void acceptLabelPrompt(WebDriver browser, WebDriverWait wait) {
        try {
            wait.withTimeout(Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).accept();
        } catch (org.openqa.selenium.TimeoutException | NoAlertPresentException e) {
            // no prompt: the script took the default label
        } finally {
            wait.withTimeout(Duration.ofSeconds(60));
        }
    }
}
