package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
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
 * The admin's round trip in a real browser: the realm's settings tab (labelled in words, an invalid value refused
 * naming its field, AUDIT mode set, saved again unchanged without touching the stored document), a user's sign-in,
 * the event history page reached by the tab's link as the master admin, and the sign-in marked INVALID there.
 */
@ExtendWith(KeycloakExtension.class)
class AdminConsoleBrowserIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    /** The admin console names a tab field's input by the field name in data-testid. */
    private static final By RETENTION_DAYS = By.cssSelector("[data-testid='retention-eventDays']");
    private static final By HISTORY_LINK = By.cssSelector("[data-testid='eventHistoryPage']");
    private static final By SAVE = By.cssSelector("[data-testid='save']");
    private static final By ALERT = By.cssSelector("[data-testid='global-alerts'] [data-testid='last-alert']");

    private static String baseUrl;
    private static AdminApi admin;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        admin = new AdminApi(baseUrl);
        realm = TestRealm.create(admin, "console-browser", "walter");
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

        // Realm settings, tab "Threat protection": one form, fields in words.
        String tabAddress = baseUrl + "/admin/master/console/#/" + realm.name() + "/realm-settings/threat-protection";
        browser.get(tabAddress);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                .sendKeys(KeycloakServer.ADMIN_USERNAME);
        browser.findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        WebElement tab = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//a[normalize-space()='Threat protection']")));
        assertTrue(tab.getAttribute("href").endsWith("/realm-settings/threat-protection"), tab.getAttribute("href"));
        WebElement retention = wait.until(ExpectedConditions.visibilityOfElementLocated(RETENTION_DAYS));
        String page = browser.findElement(By.tagName("main")).getText();
        for (String label : List.of("Mode", "Medium risk: action", "Always allow these IP ranges",
                "Impossible travel speed (km/h)", "Keep risk events for (days)")) {
            assertTrue(page.contains(label), "no field labelled " + label + " in " + page);
        }
        assertEquals("Off", browser.findElement(By.id("mode")).getText().strip());
        assertEquals("Ask for MFA if the user has it",
                browser.findElement(By.id("accountTakeover-medium-action")).getText().strip());
        assertTrue(browser.findElements(By.xpath("//button[normalize-space()='Create item' or "
                + "normalize-space()='Delete']")).isEmpty(), "one record: nothing to create or delete");

        // Invalid input: the message names the field in words, and nothing is stored.
        JsonNode before = realm.settings();
        assertEquals("730", retention.getAttribute("value"));
        retention.clear();
        retention.sendKeys("0");
        browser.findElement(SAVE).click();
        WebElement refused = wait.until(ExpectedConditions.visibilityOfElementLocated(ALERT));
        assertTrue(refused.getAttribute("class").contains("pf-m-danger"), refused.getAttribute("class"));
        assertTrue(refused.getText().contains("Keep risk events for (days)"), refused.getText());
        assertEquals(before, realm.settings());
        browser.navigate().refresh();

        wait.until(ExpectedConditions.attributeToBe(RETENTION_DAYS, "value", "730"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("mode"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//*[@role='option'][normalize-space()='Audit only: record, never act']"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mode"), "Audit only"));
        browser.findElement(SAVE).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(ALERT));
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(done -> "AUDIT".equals(realm.settings().get("mode").asText()));

        // Reloaded and saved again without changes: the stored document is the same, byte for byte.
        String stored = storedDocument();
        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mode"), "Audit only"));
        browser.findElement(SAVE).click();
        WebElement saved = wait.until(ExpectedConditions.visibilityOfElementLocated(ALERT));
        assertTrue(saved.getAttribute("class").contains("pf-m-success"), saved.getText());
        assertEquals(stored, storedDocument());
        String historyAddress = wait.until(ExpectedConditions.visibilityOfElementLocated(HISTORY_LINK))
                .getAttribute("value");
        assertEquals(baseUrl + "/realms/master/threat-protection-console/?realm=" + realm.name(), historyAddress);

        // A known device and network first, then a new browser from a new network: three reasons, MEDIUM.
        String userId = realm.userId("walter");
        assertTrue(new Browser(baseUrl, "192.0.2.40").signIn(realm.name(), TestRealm.CLIENT, "walter",
                TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(baseUrl, "198.51.100.40").signIn(realm.name(), TestRealm.CLIENT, "walter",
                TestRealm.PASSWORD).signedIn());
        String eventId = realm.latestUserEvent(userId).get("id").asText();

        // The tab's history address, followed by the master admin: the console session signs the page in
        // without a second password prompt.
        browser.get(historyAddress);
        By row = By.cssSelector("tr[data-event-id='" + eventId + "']");
        WebElement event = wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        String text = event.getText();
        assertTrue(text.contains("walter"), text);
        assertTrue(text.contains("MEDIUM"), text);
        assertTrue(text.contains("MFA_IF_CONFIGURED"), text);
        assertTrue(text.contains("audit only"), text);
        assertTrue(text.contains("NEW_DEVICE +15"), text);
        assertTrue(text.contains("NEW_NETWORK +10"), text);
        assertTrue(text.contains("IP: 198.51.100.40"), text);
        assertEquals("1", wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("summary-mode")))
                .getAttribute("data-would-challenge"));
        assertTrue(browser.findElement(By.cssSelector("#chart-levels svg rect")).isDisplayed());
        assertTrue(!browser.getCurrentUrl().contains("code="), browser.getCurrentUrl());

        event.findElement(By.cssSelector("button[data-feedback='INVALID']")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("invalid-confirm"))).click();
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

        // A change through the REST API is what the tab shows next.
        realm.saveSettings(Map.of("mode", "ENFORCED", "retention", Map.of("eventDays", 90)));
        browser.get(tabAddress);
        wait.until(ExpectedConditions.attributeToBe(RETENTION_DAYS, "value", "90"));
        assertEquals("Enforced: act on the risk", browser.findElement(By.id("mode")).getText().strip());
    }

    /** The realm attribute that holds the settings, as stored. */
    private static String storedDocument() {
        return AdminApi.ok(admin.get("/" + realm.name())).at("/attributes/threatProtection.settings").asText();
    }
}
