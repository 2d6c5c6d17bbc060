package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.HeadlessChrome;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestRealm;
import io.github.threatprotection.support.Csv;

/**
 * The event history page in a real browser, signed in as the master admin: PatternFly's look and the way back to
 * the console, each event's outcome, the detail drawer and its link, paging, the CSV export, errors next to their
 * cause, the confirmation before Mark invalid, and one user's view. The realm enforces BLOCK with a mail at every
 * level, so every sign-in here is a blocked, enforced, mailed event.
 */
@ExtendWith(KeycloakExtension.class)
class HistoryPageBrowserIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    private static final String ADDRESS = "192.0.2.60";
    private static final int PAGER_EVENTS = 12;

    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        baseUrl = server.baseUrl();
        mailbox = Mailbox.start();
        realm = TestRealm.create(new AdminApi(baseUrl), "history-page", "blocky", "pager", "drawn", "other",
                "disowned");
        realm.update(Map.of("smtpServer", mailbox.smtpSettings()));
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        ObjectNode takeover = settings.putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            takeover.putObject(level).put("action", "BLOCK").put("notify", true);
        }
        settings.putObject("notification").put("repeatAfterMinutes", 0);
        realm.saveSettings(settings);
        for (int i = 0; i < PAGER_EVENTS; i++) {
            signIn("pager");
        }
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.close();
    }

    private static void signIn(String username) {
        assertFalse(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD)
                .signedIn(), "every sign-in is blocked here");
    }

    private static String page(String suffix) {
        return baseUrl + "/realms/master/threat-protection-console/?realm=" + realm.name() + suffix;
    }

    /** Opens the page, signing the master admin in when the browser has no session yet. */
    private static WebDriverWait open(String address) {
        WebDriver browser = CHROME.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(address);
        wait.until(ExpectedConditions.or(ExpectedConditions.visibilityOfElementLocated(By.id("username")),
                ExpectedConditions.visibilityOfElementLocated(By.id("history"))));
        if (!browser.findElements(By.id("username")).isEmpty() && browser.findElement(By.id("username")).isDisplayed()) {
            browser.findElement(By.id("username")).sendKeys(KeycloakServer.ADMIN_USERNAME);
            browser.findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
            browser.findElement(By.id("kc-login")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("history")));
        }
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "shown"));
        return wait;
    }

    private static Object script(String code, Object... arguments) {
        return ((JavascriptExecutor) CHROME.driver()).executeScript(code, arguments);
    }

    private static List<String> shownEventIds() {
        List<String> ids = new ArrayList<>();
        for (WebElement row : CHROME.driver().findElements(By.cssSelector("#events tr"))) {
            ids.add(row.getAttribute("data-event-id"));
        }
        return ids;
    }

    private static List<String> apiEventIds(String username, int first, int max) {
        List<String> ids = new ArrayList<>();
        AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/users/" + realm.userId(username)
                + "/events?first=" + first + "&max=" + max)).forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    @Test
    void aBlockedEnforcedSignInShowsItsOutcomeInPatternFlysLook() throws Exception {
        signIn("blocky");
        JsonNode event = realm.latestUserEvent(realm.userId("blocky"));
        String eventId = event.get("id").asText();
        mailbox.awaitMail("blocky@example.org", eventId);
        new WebDriverWait(CHROME.driver(), Duration.ofSeconds(30)).until(done -> "SENT".equals(
                realm.latestUserEvent(realm.userId("blocky")).at("/notification/status").asText()));

        WebDriverWait wait = open(page("&user=blocky"));
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-event-id='" + eventId + "']")));
        String outcome = row.findElement(By.cssSelector("td.outcome")).getText();
        assertTrue(outcome.contains("FAIL"), outcome);
        assertTrue(outcome.contains("enforced"), outcome);
        assertTrue(outcome.contains("mail SENT (1 attempt)"), outcome);
        // Level and action are neighbouring columns of the event's own row.
        assertEquals(event.at("/risk/level").asText(), row.findElement(By.cssSelector("td.risk")).getText());
        assertEquals("BLOCK", row.findElement(By.cssSelector("td.action")).getText());

        // PatternFly's style sheet is loaded (its variables are defined) and the masthead leads back to the realm.
        String fontSize = (String) script("return getComputedStyle(document.documentElement)"
                + ".getPropertyValue('--pf-v5-global--FontSize--md');");
        assertFalse(fontSize.isBlank(), "PatternFly's CSS did not load");
        assertEquals("grid", script("return getComputedStyle(document.querySelector('.pf-v5-c-masthead')).display;"));
        assertTrue(CHROME.driver().findElement(By.id("console-link")).getAttribute("href")
                .endsWith("/admin/master/console/#/" + realm.name()));
    }

    @Test
    void theDrawersLinkOpensTheEventOnAFreshLoadEvenWhenTheListShowsAnotherUser() {
        signIn("drawn");
        signIn("other");
        String eventId = realm.latestUserEvent(realm.userId("drawn")).get("id").asText();
        String otherId = realm.userId("other");

        // The list shows only "other"; the link still opens drawn's event, fetched by its id.
        WebDriverWait wait = open(page("&user=" + otherId + "#event=" + eventId));
        WebElement detail = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#event-detail[data-event-id='" + eventId + "']")));
        assertTrue(CHROME.driver().findElement(By.id("event-title")).getText().contains("drawn"));
        assertTrue(detail.getText().contains("FAIL"), detail.getText());
        assertTrue(CHROME.driver().findElement(By.id("event-link")).getAttribute("href")
                .endsWith("#event=" + eventId));
        List<String> shownUsers = new ArrayList<>();
        CHROME.driver().findElements(By.cssSelector("#events tr"))
                .forEach(row -> shownUsers.add(row.getAttribute("data-user-id")));
        assertFalse(shownUsers.isEmpty());
        assertTrue(shownUsers.stream().allMatch(otherId::equals), "only other's events: " + shownUsers);
        assertEquals("Risk events of other", CHROME.driver().findElement(By.id("events-heading")).getText());

        // Closing the drawer drops the event from the address.
        CHROME.driver().findElement(By.id("close-event")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("event-panel")));
        assertFalse(CHROME.driver().getCurrentUrl().contains("#event="), CHROME.driver().getCurrentUrl());
    }

    @Test
    void pagingGoesPastTheFirstPageAndTheCsvHoldsEveryFilteredEvent() throws Exception {
        WebDriverWait wait = open(page("&user=pager"));
        new Select(CHROME.driver().findElement(By.id("per-page"))).selectByVisibleText("10");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("range"), "1 – 10 of more"));
        assertEquals(apiEventIds("pager", 0, 10), shownEventIds());

        CHROME.driver().findElement(By.id("next-page")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("range"), "11 – " + PAGER_EVENTS));
        assertEquals(apiEventIds("pager", 10, 10), shownEventIds());
        assertFalse(CHROME.driver().findElement(By.id("next-page")).isEnabled());
        CHROME.driver().findElement(By.id("previous-page")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("range"), "1 – 10"));

        // The export holds all the user's events, not the page shown: the saved file is read where the page
        // hands it to the browser.
        script("window.exported = null; const keep = URL.createObjectURL;"
                + " URL.createObjectURL = blob => { blob.text().then(t => { window.exported = JSON.stringify(t); }); return keep(blob); };");
        CHROME.driver().findElement(By.id("export")).click();
        wait.until(done -> script("return window.exported;") != null);
        // As JSON, since WebDriver hands strings over with CRLF turned into LF.
        String exported = AdminApi.JSON.readTree((String) script("return window.exported;")).asText();
        List<List<String>> rows = Csv.parse(exported);
        assertTrue(rows.size() > 1, "exported: [" + exported + "]");
        List<String> header = rows.get(0);
        assertEquals("id", header.get(0));
        List<String> ids = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            ids.add(row.get(0));
            assertEquals("pager", row.get(header.indexOf("username")));
            assertEquals("FAIL", row.get(header.indexOf("response")));
            assertEquals("true", row.get(header.indexOf("enforced")));
            assertEquals("BLOCK", row.get(header.indexOf("action")));
        }
        assertEquals(PAGER_EVENTS, ids.size());
        assertEquals(apiEventIds("pager", 0, 100), ids);
    }

    @Test
    void errorsAreReadableAlertsNextToTheirCause() {
        WebDriverWait wait = open(page("&user=nobody"));
        WebElement userAlert = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-alert")));
        assertTrue(userAlert.getText().contains("No user named nobody"), userAlert.getText());
        assertTrue(userAlert.getAttribute("class").contains("pf-m-danger"));
        String text = CHROME.driver().findElement(By.tagName("body")).getText();
        assertFalse(text.contains("{\"") || text.contains("404"), text);

        // From after To: said at the dates, and no request leaves the page.
        CHROME.driver().findElement(By.id("filter-user")).clear();
        script("document.getElementById('filter-from').value = '2026-12-02T00:00';"
                + " document.getElementById('filter-to').value = '2026-12-01T00:00';"
                + " window.requests = 0; const send = window.fetch;"
                + " window.fetch = function () { window.requests++; return send.apply(this, arguments); };");
        CHROME.driver().findElement(By.id("search")).click();
        WebElement datesAlert = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dates-alert")));
        assertTrue(datesAlert.getText().contains("From is after To"), datesAlert.getText());
        assertFalse(CHROME.driver().findElement(By.id("user-alert")).isDisplayed());
        CHROME.driver().findElement(By.id("export")).click();
        assertEquals(0L, script("return window.requests;"));
    }

    @Test
    void markInvalidAsksFirstCancelChangesNothingConfirmLocks() {
        signIn("disowned");
        String userId = realm.userId("disowned");
        String eventId = realm.latestUserEvent(userId).get("id").asText();
        String riskPath = "/" + realm.name() + "/threat-protection/users/" + userId + "/risk";
        JsonNode riskBefore = AdminApi.ok(realm.admin().get(riskPath));
        assertNotEquals("COMPROMISED", riskBefore.get("state").asText());

        WebDriverWait wait = open(page("&user=disowned"));
        By invalid = By.cssSelector("tr[data-event-id='" + eventId + "'] button[data-feedback='INVALID']");
        wait.until(ExpectedConditions.elementToBeClickable(invalid)).click();
        WebElement modal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("invalid-modal")));
        String said = modal.getText();
        assertTrue(said.contains("ends all of the user's sessions"), said);
        assertTrue(said.contains("locks the account until a new password is set"), said);
        assertTrue(said.contains("marks the user's risk as compromised"), said);
        assertTrue(said.contains("disowned"), said);
        CHROME.driver().findElement(By.id("invalid-cancel")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("invalid-modal")));
        assertTrue(realm.latestUserEvent(userId).get("feedback").isNull());
        assertEquals(riskBefore, AdminApi.ok(realm.admin().get(riskPath)));

        CHROME.driver().findElement(invalid).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("invalid-confirm"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-event-id='" + eventId + "'] .feedback-value"), "INVALID (ADMIN)"));
        assertEquals("INVALID", realm.latestUserEvent(userId).at("/feedback/value").asText());
        assertEquals("COMPROMISED", AdminApi.ok(realm.admin().get(riskPath)).get("state").asText());
    }
}
