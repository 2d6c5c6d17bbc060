package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.HeadlessChrome;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Every way settings are written (the REST API, the Cognito import, the admin console's settings tab) keeps the
 * tab's copy of the settings current and records the same admin event, so that saving the tab after an import
 * keeps what was imported.
 */
@ExtendWith(KeycloakExtension.class)
class SettingsWritesIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    /** A user pool's configuration (no app client), shaped like the AWS CLI's output; the values are made up. */
    private static final String USER_POOL_CONFIGURATION = """
            {"AdvancedSecurityMode": "AUDIT",
             "RiskConfiguration": {
              "UserPoolId": "eu-west-1_Example1",
              "AccountTakeoverRiskConfiguration": {
                "Actions": {
                  "LowAction": {"Notify": false, "EventAction": "NO_ACTION"},
                  "MediumAction": {"Notify": false, "EventAction": "MFA_IF_CONFIGURED"},
                  "HighAction": {"Notify": false, "EventAction": "BLOCK"}}},
              "RiskExceptionConfiguration": {"BlockedIPRangeList": ["198.51.100.0/24", "203.0.113.7/32"]}}}
            """;
    private static final String TAB_TYPE = "org.keycloak.services.ui.extend.UiTabProvider";

    private static String baseUrl;
    private static AdminApi admin;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        admin = new AdminApi(baseUrl);
        realm = TestRealm.create(admin, "settings-writes");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    /** Settings that differ from the import in every field the tests look at. */
    @BeforeEach
    void startFromOff() {
        realm.saveSettings(Map.of("mode", "OFF",
                "accountTakeover", Map.of("high", Map.of("action", "MFA_REQUIRED")),
                "ipExceptions", Map.of("alwaysBlock", List.of("192.0.2.0/24"))));
    }

    @Test
    void afterAnImportTheTabShowsTheImportedSettingsAndSavingItUnchangedKeepsThem() {
        JsonNode imported = importUserPool();
        assertEquals("AUDIT", imported.get("mode").asText(), imported.toString());

        WebDriver browser = CHROME.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(baseUrl + "/admin/master/console/#/" + realm.name() + "/realm-settings/threat-protection");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                .sendKeys(KeycloakServer.ADMIN_USERNAME);
        browser.findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
        browser.findElement(By.id("kc-login")).click();

        WebElement alwaysBlock = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid='ipExceptions-alwaysBlock']")));
        String shownMode = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mode"))).getText().strip();
        String shownHighAction = browser.findElement(By.id("accountTakeover-high-action")).getText().strip();
        String shownAlwaysBlock = alwaysBlock.getAttribute("value");

        browser.findElement(By.cssSelector("[data-testid='save']")).click();
        WebElement alert = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid='global-alerts'] [data-testid='last-alert']")));
        String saveAlert = alert.getAttribute("class") + ": " + alert.getText();
        JsonNode afterSave = realm.settings();

        assertAll(
                () -> assertTrue(saveAlert.contains("pf-m-success"), "the save's alert: " + saveAlert),
                () -> assertEquals("Audit only: record, never act", shownMode, "the tab's mode"),
                () -> assertEquals("Block", shownHighAction, "the tab's high-risk action"),
                () -> assertEquals("198.51.100.0/24\n203.0.113.7/32", shownAlwaysBlock, "the tab's block list"),
                () -> assertEquals(imported, afterSave, "the settings after saving the tab unchanged"));
    }

    /** The same through the components API the admin console uses, without a browser. */
    @Test
    void afterAnImportTheTabComponentHoldsTheImportAndWritingItBackChangesNothing() {
        JsonNode imported = importUserPool();

        ObjectNode page = page();
        JsonNode config = page.get("config");
        assertEquals("Audit only: record, never act", config.get("mode").get(0).asText(), config.toString());
        assertEquals("Block", config.get("accountTakeover-high-action").get(0).asText(), config.toString());
        assertEquals("198.51.100.0/24\n203.0.113.7/32", config.get("ipExceptions-alwaysBlock").get(0).asText());

        HttpResponse<String> saved = admin.put("/" + realm.name() + "/components/" + page.get("id").asText(), page);
        assertEquals(204, saved.statusCode(), saved.body());
        assertEquals(imported, realm.settings());
    }

    @Test
    void everySettingsWriteRecordsTheSameAdminEvent() {
        realm.update(Map.of("adminEventsEnabled", true, "adminEventsDetailsEnabled", true));
        int before = settingsEvents().size();

        JsonNode put = realm.saveSettings(Map.of("mode", "ENFORCED"));
        JsonNode imported = importUserPool();
        assertNotEquals(put, imported);
        ObjectNode page = page();
        ((ObjectNode) page.get("config")).putArray("mode").add("Off");
        HttpResponse<String> saved = admin.put("/" + realm.name() + "/components/" + page.get("id").asText(), page);
        assertEquals(204, saved.statusCode(), saved.body());
        JsonNode fromPage = realm.settings();
        assertEquals("OFF", fromPage.get("mode").asText());

        List<JsonNode> events = settingsEvents();
        assertEquals(before + 3, events.size(), events.toString());
        String masterAdminId = AdminApi.ok(admin.get("/master/users?exact=true&username="
                + KeycloakServer.ADMIN_USERNAME)).get(0).get("id").asText();
        // Newest first: the tab's save, the import, the PUT.
        List<JsonNode> written = List.of(fromPage, imported, put);
        for (int i = 0; i < written.size(); i++) {
            JsonNode event = events.get(i);
            assertEquals("threat-protection/settings", event.get("resourcePath").asText(), event.toString());
            assertEquals(masterAdminId, event.at("/authDetails/userId").asText(), event.toString());
            assertEquals(written.get(i), representation(event), event.toString());
        }
    }

    private static JsonNode importUserPool() {
        JsonNode result = AdminApi.ok(admin.post("/" + realm.name() + "/threat-protection/settings/cognito",
                USER_POOL_CONFIGURATION));
        assertEquals(result.get("settings"), realm.settings());
        return result.get("settings");
    }

    /** The realm's settings changes among its admin events, newest first. */
    private static List<JsonNode> settingsEvents() {
        JsonNode all = AdminApi.ok(admin.get("/" + realm.name()
                + "/admin-events?resourceTypes=CUSTOM&operationTypes=UPDATE&max=1000"));
        List<JsonNode> events = new ArrayList<>();
        all.forEach(events::add);
        return events;
    }

    private static JsonNode representation(JsonNode event) {
        try {
            return AdminApi.JSON.readTree(event.get("representation").asText());
        } catch (Exception e) {
            throw new AssertionError("representation is not JSON: " + event, e);
        }
    }

    private static ObjectNode page() {
        JsonNode all = AdminApi.ok(admin.get("/" + realm.name() + "/components?type=" + TAB_TYPE));
        for (JsonNode component : all) {
            if (component.get("providerId").asText().equals("Threat protection")) {
                return (ObjectNode) AdminApi.ok(admin.get("/" + realm.name() + "/components/"
                        + component.get("id").asText()));
            }
        }
        throw new AssertionError("no threat protection tab in " + all);
    }
}
