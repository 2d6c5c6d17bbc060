package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Locks an admin sees and a user recovers from, in a realm without "Forgot password": "this wasn't me" in
 * Chromium mails Keycloak's execute-actions reset link, whose page sets a new password; the lock shows on the
 * user in the admin console as a required action, removing it there or {@code DELETE .../lock} unlocks (an admin
 * event, manage-users needed); a locked sign-in's reason is ACCOUNT_LOCKED once, never a breached password.
 */
@ExtendWith(KeycloakExtension.class)
class AccountLockIT {

    @RegisterExtension
    static final HeadlessChrome CHROME = new HeadlessChrome();

    private static final String ADDRESS = TestGeoData.LONDON;
    private static final String LOCK_ACTION = "threat-protection-account-locked";
    private static final String LOCK_ACTION_NAME = "Locked by threat protection: new password needed";

    private static KeycloakServer server;
    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;

    @BeforeAll
    static void setUp(KeycloakServer started) throws Exception {
        server = started;
        baseUrl = server.baseUrl();
        mailbox = Mailbox.start();
        realm = TestRealm.create(new AdminApi(baseUrl), "locks", "victim", "marked", "unlocked", "viewer");
        realm.update(Map.of("smtpServer", mailbox.smtpSettings(), "resetPasswordAllowed", false,
                "displayName", "Locks Realm", "adminEventsEnabled", true, "adminEventsDetailsEnabled", true));
        grantRealmManagementRoles("viewer", Set.of("view-users"));
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        ObjectNode levels = settings.putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            levels.putObject(level).put("action", "NO_ACTION").put("notify", true);
        }
        settings.putObject("notification").put("repeatAfterMinutes", 0);
        realm.saveSettings(settings);
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.close();
    }

    @Test
    void notMeMailsAResetLinkThatSetsANewPasswordWithForgotPasswordOff() throws Exception {
        String userId = realm.userId("victim");
        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "victim",
                TestRealm.PASSWORD).signedIn());
        String eventId = realm.latestUserEvent(userId).get("id").asText();
        String mailText = mailbox.awaitMail("victim@example.org", eventId).text();
        List<String> links = Mailbox.links(mailText, "feedback?key=");
        String mailTime = mailText.lines().filter(line -> line.startsWith("Time: ")).findFirst().orElseThrow()
                .substring("Time: ".length());

        WebDriver browser = CHROME.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(links.get(1));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("feedback-form")));
        assertEquals("Was this sign-in you? - Locks Realm", browser.getTitle());
        String confirm = browser.findElement(By.tagName("body")).getText();
        assertTrue(confirm.contains(mailTime), mailTime + " in " + confirm);
        assertTrue(confirm.contains("London, United Kingdom"), confirm);
        browser.findElement(By.name("confirm")).click();

        WebElement recorded = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("feedback-recorded")));
        assertTrue(recorded.getText().contains("Check your mailbox"), recorded.getText());
        assertEquals("Thank you for your answer - Locks Realm", browser.getTitle());
        assertFalse(browser.getPageSource().contains("reset-credentials"),
                "no link to a reset the realm does not allow");

        // The other link says what was answered and when, under the same heading.
        browser.get(links.get(0));
        WebElement answered = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("feedback-answered")));
        assertTrue(answered.getText().startsWith("This sign-in was already reported as not yours on "),
                answered.getText());
        assertTrue(answered.getText().contains("(UTC)"), answered.getText());
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("Thank you for your answer"));
        assertFalse(browser.getPageSource().contains("already been used"));

        // Locked: visible on the user, refused with ACCOUNT_LOCKED (once, saying why), no breached password.
        JsonNode lock = AdminApi.ok(realm.admin().get("/locks/threat-protection/users/" + userId + "/lock"));
        assertTrue(lock.get("locked").asBoolean(), lock.toString());
        assertEquals("DISOWNED_BY_USER", lock.get("reason").asText());
        assertTrue(realm.requiredActions(userId).contains(LOCK_ACTION));
        assertFalse(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "victim",
                TestRealm.PASSWORD).signedIn());
        JsonNode refused = realm.latestUserEvent(userId);
        assertEquals(List.of("ACCOUNT_LOCKED"), signals(refused));
        assertTrue(refused.at("/risk/reasons/0/detail").asText().contains("reported a sign-in as not theirs"),
                refused.toString());
        assertFalse(refused.at("/risk/compromisedCredentials").asBoolean());

        // Keycloak's execute-actions mail: its link works though "Forgot password" is off.
        Mailbox.Mail reset = mailbox.awaitMail("victim@example.org", "action-token");
        assertEquals("SENT", realm.awaitKeycloakEvent("SEND_RESET_PASSWORD")
                .at("/details/threat_protection_reset_mail").asText());
        String metrics = scrape();
        assertFalse(Pattern.compile("(?m)^threat_protection_compromised_credentials_total\\{[^}]*realm=\"locks\"")
                .matcher(metrics).find(), "a lock is not counted as a breached password");
        assertEquals(1.0, sample(metrics, "threat_protection_lock_reset_mails_total", "realm=\"locks\"",
                "reason=\"DISOWNED_BY_USER\"", "outcome=\"SENT\""));
        browser.get(Mailbox.firstLink(reset.text(), "action-token"));
        By proceed = By.xpath("//a[contains(@href,'action-token')]");
        By newPassword = By.id("password-new");
        wait.until(ExpectedConditions.or(ExpectedConditions.visibilityOfElementLocated(proceed),
                ExpectedConditions.visibilityOfElementLocated(newPassword)));
        if (browser.findElements(newPassword).isEmpty()) {
            browser.findElement(proceed).click();
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(newPassword)).sendKeys("a new and unlisted phrase 7");
        browser.findElement(By.id("password-confirm")).sendKeys("a new and unlisted phrase 7");
        browser.findElement(By.cssSelector("form [type='submit']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "account has been updated"));

        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "victim",
                "a new and unlisted phrase 7").signedIn());
        assertFalse(AdminApi.ok(realm.admin().get("/locks/threat-protection/users/" + userId + "/lock"))
                .get("locked").asBoolean());
        assertFalse(realm.requiredActions(userId).contains(LOCK_ACTION), "the lock's required action is done");
    }

    @Test
    void theLockShowsOnTheUserInTheAdminConsoleAndRemovingItUnlocks() throws Exception {
        String userId = realm.userId("marked");
        markCompromised(userId);
        assertTrue(realm.requiredActions(userId).contains(LOCK_ACTION));

        WebDriver browser = CHROME.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.manage().deleteAllCookies();
        browser.get(baseUrl + "/admin/master/console/#/" + realm.name() + "/users/" + userId + "/settings");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                .sendKeys(KeycloakServer.ADMIN_USERNAME);
        browser.findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        // On the Details tab, where an admin looks first: "Required user actions".
        By chip = By.xpath("//*[contains(@class,'chip')][.//*[normalize-space()='" + LOCK_ACTION_NAME + "']]");
        WebElement shown = wait.until(ExpectedConditions.visibilityOfElementLocated(chip));
        shown.findElement(By.tagName("button")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(chip));
        browser.findElement(By.xpath("//button[@type='submit'][normalize-space()='Save']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(done -> !realm.requiredActions(userId).contains(LOCK_ACTION));

        JsonNode lock = AdminApi.ok(realm.admin().get("/locks/threat-protection/users/" + userId + "/lock"));
        assertFalse(lock.get("locked").asBoolean(), lock.toString());
        assertEquals("NONE", AdminApi.ok(realm.admin().get("/locks/threat-protection/users/" + userId + "/risk"))
                .get("state").asText(), "the COMPROMISED risk that locked it is dismissed");
        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "marked",
                TestRealm.PASSWORD).signedIn());
    }

    @Test
    void deleteLockNeedsManageUsersUnlocksAndIsAnAdminEvent() throws Exception {
        String userId = realm.userId("unlocked");
        markCompromised(userId);
        String path = "/locks/threat-protection/users/" + userId + "/lock";
        assertFalse(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "unlocked",
                TestRealm.PASSWORD).signedIn());
        JsonNode refused = realm.latestUserEvent(userId);
        assertEquals(List.of("ACCOUNT_LOCKED"), signals(refused));
        assertTrue(refused.at("/risk/reasons/0/detail").asText().contains("an admin marked the user compromised"));

        String viewer = realm.admin().passwordGrant(realm.name(), TestRealm.CLIENT, "viewer", TestRealm.PASSWORD)
                .get("access_token").asText();
        assertEquals(200, realm.admin().request("GET", path, null, viewer).statusCode(), "view-users reads it");
        assertEquals(403, realm.admin().request("DELETE", path, null, viewer).statusCode(), "view-users alone");
        assertTrue(AdminApi.ok(realm.admin().get(path)).get("locked").asBoolean(), "still locked");

        JsonNode unlocked = AdminApi.ok(realm.admin().delete(path));
        assertTrue(unlocked.get("unlocked").asBoolean(), unlocked.toString());
        assertFalse(unlocked.get("locked").asBoolean());
        assertEquals("MARKED_BY_ADMIN", unlocked.get("previousReason").asText());
        assertFalse(realm.requiredActions(userId).contains(LOCK_ACTION));
        assertEquals("NONE", AdminApi.ok(realm.admin().get("/locks/threat-protection/users/" + userId + "/risk"))
                .get("state").asText());
        JsonNode events = AdminApi.ok(realm.admin().get("/locks/admin-events?operationTypes=DELETE"));
        assertTrue(events.findValuesAsText("resourcePath").contains("threat-protection/users/" + userId + "/lock"),
                events.toString());
        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "unlocked",
                TestRealm.PASSWORD).signedIn());
        assertFalse(AdminApi.ok(realm.admin().delete(path)).get("unlocked").asBoolean(), "nothing left to unlock");
    }

    private static void markCompromised(String userId) {
        JsonNode risk = AdminApi.ok(realm.admin().put("/locks/threat-protection/users/" + userId + "/risk",
                Map.of("state", "COMPROMISED", "reason", "test")));
        assertTrue(risk.get("passwordChangeRequired").asBoolean(), risk.toString());
    }

    private static List<String> signals(JsonNode event) {
        return event.at("/risk/reasons").findValuesAsText("signal");
    }

    private static String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double sample(String metrics, String name, String... labels) {
        Matcher line = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        while (line.find()) {
            boolean all = true;
            for (String label : labels) {
                all &= line.group(1).contains(label);
            }
            if (all) {
                return Double.parseDouble(line.group(2));
            }
        }
        throw new AssertionError("no sample of " + name + " with " + List.of(labels) + " in\n" + metrics);
    }

    private static void grantRealmManagementRoles(String username, Set<String> names) {
        String base = "/" + realm.name();
        String clientUuid = AdminApi.ok(realm.admin().get(base + "/clients?clientId=realm-management")).get(0)
                .get("id").asText();
        ArrayNode roles = AdminApi.JSON.createArrayNode();
        for (JsonNode role : AdminApi.ok(realm.admin().get(base + "/clients/" + clientUuid + "/roles"))) {
            if (names.contains(role.get("name").asText())) {
                roles.add(role);
            }
        }
        AdminApi.ok(realm.admin().post(base + "/users/" + realm.userId(username) + "/role-mappings/clients/"
                + clientUuid, roles));
    }
}
