package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * What if on the event history page, in a real browser: the realm's settings load into the draft, a stricter
 * medium level is simulated over the last 14 days and answered in a sentence, and a bad draft names its field.
 */
@ExtendWith(KeycloakExtension.class)
class WhatIfBrowserIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "what-if-browser", "wendy");
        realm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void aDraftIsSimulatedBeforeSavingAndAnsweredInASentence() {
        // A known browser first, then a new browser from a new network: MEDIUM (30), which wendy confirms.
        assertTrue(new Browser(baseUrl, "192.0.2.40").signIn(realm.name(), TestRealm.CLIENT, "wendy",
                TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(baseUrl, "198.51.100.40").signIn(realm.name(), TestRealm.CLIENT, "wendy",
                TestRealm.PASSWORD).signedIn());
        String userId = realm.userId("wendy");
        JsonNode medium = realm.latestUserEvent(userId);
        assertEquals("MEDIUM", medium.at("/risk/level").asText());
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/threat-protection/users/" + userId + "/events/"
                + medium.get("id").asText() + "/feedback", Map.of("value", "VALID")));
        JsonNode settings = realm.settings();

        WebDriver browser = CHROME.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(baseUrl + "/realms/master/threat-protection-console/?realm=" + realm.name());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                .sendKeys(KeycloakServer.ADMIN_USERNAME);
        browser.findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
        browser.findElement(By.id("kc-login")).click();

        WebElement draft = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("what-if-settings")));
        wait.until(page -> draft.getAttribute("value").contains("\"mode\": \"AUDIT\""));
        // The operator edits values of the loaded document: medium and high sign-ins blocked.
        ((JavascriptExecutor) browser).executeScript("const d = JSON.parse(arguments[0].value);"
                + " d.accountTakeover.medium.action = 'BLOCK'; d.accountTakeover.high.action = 'BLOCK';"
                + " arguments[0].value = JSON.stringify(d, null, 2);", draft);
        browser.findElement(By.id("what-if-run")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("what-if-summary"),
                "1 more sign-in of 1 user would have been blocked; 1 of them a user confirmed as theirs"));
        String table = browser.findElement(By.id("what-if-transitions")).getText();
        assertTrue(table.contains("MEDIUM / MFA_IF_CONFIGURED") && table.contains("MEDIUM / BLOCK"), table);

        ((JavascriptExecutor) browser).executeScript(
                "arguments[0].value = '{\"riskScoring\": {\"thresholds\": {\"medium\": 0}}}';", draft);
        browser.findElement(By.id("what-if-run")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"),
                "settings.riskScoring.thresholds.medium"));

        assertEquals(settings, realm.settings(), "nothing saved");
    }
}
