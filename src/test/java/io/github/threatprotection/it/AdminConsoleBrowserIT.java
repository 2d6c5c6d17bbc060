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
 * The admin's round trip in a real browser: set AUDIT mode on the admin console page, let a user sign in, find
 * the sign-in with its reasons on the event history page, and mark it INVALID.
 */
@ExtendWith(KeycloakExtension.class)
class AdminConsoleBrowserIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    /** The admin console names a page field's input by the field name in data-testid. */
    private static final By RETENTION_DAYS = By.cssSelector("[data-testid='retention-eventDays']");

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "console-browser", "walter");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void adminSetsAuditModeSeesTheSignInWithItsReasonsAndMarksItInvalid() {
        WebDriver browser = CHROME.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        assertEquals("OFF", realm.settings().get("mode").asText());

        // The admin console page: the realm's one settings entry, listed by its mode.
        browser.get(baseUrl + "/admin/master/console/#/" + realm.name() + "/page-section/threat-protection");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                .sendKeys(KeycloakServer.ADMIN_USERNAME);
        browser.findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("OFF"))).click();

        // Invalid input: the server's message names the field, and nothing is stored.
        JsonNode before = realm.settings();
        WebElement retention = wait.until(ExpectedConditions.visibilityOfElementLocated(RETENTION_DAYS));
        assertEquals("730", retention.getAttribute("value"));
        retention.clear();
        retention.sendKeys("0");
        browser.findElement(By.cssSelector("[data-testid='save']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='global-alerts']"),
                "retention.eventDays"));
        assertEquals(before, realm.settings());
        browser.navigate().refresh();

        wait.until(ExpectedConditions.attributeToBe(RETENTION_DAYS, "value", "730"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("mode"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//*[@role='option'][normalize-space()='AUDIT']"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mode"), "AUDIT"));
        browser.findElement(By.cssSelector("[data-testid='save']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='global-alerts'] li")));
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(page -> "AUDIT".equals(realm.settings().get("mode").asText()));

        // A known device and network first, then a new browser from a new network: three reasons, MEDIUM.
        String userId = realm.userId("walter");
        assertTrue(new Browser(baseUrl, "192.0.2.40").signIn(realm.name(), TestRealm.CLIENT, "walter",
                TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(baseUrl, "198.51.100.40").signIn(realm.name(), TestRealm.CLIENT, "walter",
                TestRealm.PASSWORD).signedIn());
        String eventId = realm.latestUserEvent(userId).get("id").asText();

        // The event history page: the master admin's session signs it in without a second password prompt.
        browser.get(baseUrl + "/realms/master/threat-protection-console/?realm=" + realm.name());
        By row = By.cssSelector("tr[data-event-id='" + eventId + "']");
        WebElement event = wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        String text = event.getText();
        assertTrue(text.contains("walter"), text);
        assertTrue(text.contains("MEDIUM"), text);
        assertTrue(text.contains("MFA_IF_CONFIGURED (not enforced)"), text);
        assertTrue(text.contains("NEW_DEVICE +15"), text);
        assertTrue(text.contains("NEW_NETWORK +10"), text);
        assertTrue(text.contains("IP: 198.51.100.40"), text);
        assertEquals("1", wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("summary-mode")))
                .getAttribute("data-would-challenge"));
        assertTrue(browser.findElement(By.cssSelector("#chart-levels svg rect")).isDisplayed());
        assertTrue(!browser.getCurrentUrl().contains("code="), browser.getCurrentUrl());

        event.findElement(By.cssSelector("button[data-feedback='INVALID']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-event-id='" + eventId + "'] .feedback-value"), "INVALID (ADMIN)"));

        JsonNode feedback = realm.latestUserEvent(userId).get("feedback");
        assertEquals("INVALID", feedback.get("value").asText());
        assertEquals("ADMIN", feedback.get("provider").asText());
        // The disowned sign-in made the user COMPROMISED: the page lists the user among those at risk.
        browser.get(baseUrl + "/realms/master/threat-protection-console/?realm=" + realm.name());
        WebElement atRisk = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#users-at-risk tr[data-user-id='" + userId + "']")));
        assertTrue(atRisk.getText().contains("COMPROMISED"), atRisk.getText());
        assertTrue(atRisk.getText().contains("DISOWNED_SIGN_IN"), atRisk.getText());

        // A change through the REST API is what the admin console page shows next.
        realm.saveSettings(Map.of("mode", "ENFORCED", "retention", Map.of("eventDays", 90)));
        browser.get(baseUrl + "/admin/master/console/#/" + realm.name() + "/page-section/threat-protection");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("ENFORCED"))).click();
        wait.until(ExpectedConditions.attributeToBe(RETENTION_DAYS, "value", "90"));
        assertEquals("ENFORCED", browser.findElement(By.id("mode")).getText());
    }
}
