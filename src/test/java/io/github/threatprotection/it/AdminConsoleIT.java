package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * What admins see of threat protection outside its own REST API: admin events for settings changes, the
 * admin console's settings tab (saved through Keycloak's components API exactly as the admin console saves it), the
 * 14-day summary, and the event history page with its sign-in client.
 */
@ExtendWith(KeycloakExtension.class)
class AdminConsoleIT {

    static final String TAB_TYPE = "org.keycloak.services.ui.extend.UiTabProvider";
    static final String TAB_ID = "Threat protection";

    private static AdminApi admin;
    private static TestRealm realm;
    private static TestRealm summarized;
    private static String baseUrl;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        admin = new AdminApi(baseUrl);
        realm = TestRealm.createWithoutProtection(admin, "admin-console", "alice");
        summarized = TestRealm.create(admin, "admin-console-summary", "sam");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        summarized.close();
    }

    @Test
    void settingsChangesAndFlowInstallationAreAdminEventsWithWhoAndWhat() {
        realm.update(Map.of("adminEventsEnabled", true, "adminEventsDetailsEnabled", true));
        realm.saveSettings(Map.of("mode", "AUDIT", "retention", Map.of("eventDays", 45)));
        AdminApi.ok(admin.post("/" + realm.name() + "/threat-protection/flows", null));

        JsonNode events = AdminApi.ok(admin.get("/" + realm.name()
                + "/admin-events?resourceTypes=CUSTOM"));
        JsonNode update = newest(events, "UPDATE");
        assertEquals("threat-protection/settings", update.get("resourcePath").asText());
        assertEquals("CUSTOM", update.get("resourceType").asText());
        JsonNode representation = AdminApi.JSON.nullNode();
        try {
            representation = AdminApi.JSON.readTree(update.get("representation").asText());
        } catch (Exception e) {
            throw new AssertionError("representation is not JSON: " + update, e);
        }
        assertEquals("AUDIT", representation.get("mode").asText());
        assertEquals(45, representation.at("/retention/eventDays").asInt());

        String masterAdminId = AdminApi.ok(admin.get("/master/users?exact=true&username="
                + KeycloakServer.ADMIN_USERNAME)).get(0).get("id").asText();
        assertEquals(masterAdminId, update.at("/authDetails/userId").asText());
        JsonNode create = newest(events, "CREATE");
        assertEquals("threat-protection/flows", create.get("resourcePath").asText());
        assertTrue(create.get("representation").asText().contains("browser with threat protection"),
                create.toString());

        // A refused change is no event.
        assertEquals(400, realm.putSettings(Map.of("mode", "LOUD")).statusCode());
        JsonNode after = AdminApi.ok(admin.get("/" + realm.name()
                + "/admin-events?resourceTypes=CUSTOM"));
        assertEquals(events.size(), after.size());
    }

    @Test
    void theTabIsOfferedOnRealmSettingsWithItsFieldsInWords() throws Exception {
        JsonNode serverInfo = AdminApi.ok(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/admin/serverinfo"))
                        .header("Authorization", "Bearer " + admin.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString()));
        JsonNode tabs = serverInfo.at("/componentTypes/" + TAB_TYPE);
        JsonNode tab = null;
        for (JsonNode type : tabs) {
            if (type.get("id").asText().equals(TAB_ID)) {
                tab = type;
            }
        }
        assertTrue(tab != null, tabs.toString());
        assertEquals("/:realm/realm-settings/:tab?", tab.at("/metadata/path").asText());
        assertEquals("threat-protection", tab.at("/metadata/params/tab").asText());
        List<String> labels = new ArrayList<>();
        JsonNode mode = null;
        for (JsonNode property : tab.get("properties")) {
            labels.add(property.get("label").asText());
            if (property.get("name").asText().equals("mode")) {
                mode = property;
            }
        }
        assertEquals("Mode", labels.get(0), labels.toString());
        assertTrue(labels.containsAll(List.of("Always allow these IP ranges", "Impossible travel speed (km/h)",
                "Medium risk: action")), labels.toString());
        assertTrue(labels.indexOf("Medium risk: action") < labels.indexOf("Always allow these IP ranges"));
        assertEquals("[\"Off\",\"Audit only: record, never act\",\"Enforced: act on the risk\"]",
                mode.get("options").toString());
        // No page in the admin console's menu any more.
        JsonNode pages = serverInfo.at("/componentTypes/org.keycloak.services.ui.extend.UiPageProvider");
        pages.forEach(page -> assertFalse(page.get("id").asText().equals("threat-protection"), pages.toString()));
    }

    @Test
    void thePageShowsWhatTheSettingsApiSaved() {
        realm.saveSettings(Map.of("mode", "ENFORCED",
                "ipExceptions", Map.of("alwaysBlock", List.of("198.51.100.0/24", "192.0.2.9")),
                "clients", Map.of(TestRealm.CLIENT, Map.of("mode", "AUDIT"))));
        JsonNode config = page().get("config");
        assertEquals("Enforced: act on the risk", config.get("mode").get(0).asText());
        assertEquals("198.51.100.0/24\n192.0.2.9", config.get("ipExceptions-alwaysBlock").get(0).asText());
        assertTrue(config.get("clients").get(0).asText().contains("\"" + TestRealm.CLIENT + "\""), config.toString());
        // For an admin of the master realm, whose console session signs the page in.
        assertEquals(baseUrl + "/realms/master/threat-protection-console/?realm=" + realm.name(),
                config.get("eventHistoryPage").get(0).asText());
    }

    @Test
    void savingThePageSavesTheSettingsAsTheApiWould() {
        realm.saveSettings(Map.of("mode", "OFF"));
        ObjectNode page = page();
        ObjectNode config = (ObjectNode) page.get("config");
        config.putArray("mode").add("AUDIT");
        config.putArray("accountTakeover-high-action").add("Block");
        config.putArray("eventHistoryPage").add("https://typed.example/");
        config.putArray("ipExceptions-alwaysAllow").add("10.0.0.0/8\n 2001:db8::/32 ");
        config.putArray("clients").add("{\"" + TestRealm.OTHER_CLIENT + "\": {\"mode\": \"ENFORCED\"}}");
        HttpResponse<String> saved = admin.put("/" + realm.name() + "/components/" + page.get("id").asText(), page);
        assertEquals(204, saved.statusCode(), saved.body());

        JsonNode settings = realm.settings();
        assertEquals("AUDIT", settings.get("mode").asText());
        assertEquals("BLOCK", settings.at("/accountTakeover/high/action").asText());
        assertEquals("[\"10.0.0.0/8\",\"2001:db8::/32\"]", settings.at("/ipExceptions/alwaysAllow").toString());
        assertEquals("ENFORCED", settings.at("/clients/" + TestRealm.OTHER_CLIENT + "/mode").asText());
        // The page keeps the settings as stored, not as typed.
        assertEquals("10.0.0.0/8\n2001:db8::/32", page().get("config").get("ipExceptions-alwaysAllow").get(0).asText());
        assertEquals(baseUrl + "/realms/master/threat-protection-console/?realm=" + realm.name(),
                page().get("config").get("eventHistoryPage").get(0).asText(), "what was typed there is not kept");
    }

    @Test
    void invalidPageInputIsRefusedWithTheFieldsNamedAndChangesNothing() {
        realm.saveSettings(Map.of("mode", "AUDIT", "retention", Map.of("eventDays", 60)));
        JsonNode before = realm.settings();
        ObjectNode page = page();
        ObjectNode config = (ObjectNode) page.get("config");
        config.putArray("mode").add("ENFORCED");
        config.putArray("retention-eventDays").add("0");
        config.putArray("accountTakeover-high-action").add("NO_ACTION");
        HttpResponse<String> refused = admin.put("/" + realm.name() + "/components/" + page.get("id").asText(),
                page);
        assertEquals(400, refused.statusCode(), refused.body());
        String message = AdminApi.json(refused).get("errorMessage").asText();
        assertTrue(message.contains("\u201cKeep risk events for (days)\u201d: must be"), message);
        assertTrue(message.contains("\u201cHigh risk: action\u201d: \u201cAllow\u201d is weaker than"), message);
        assertEquals(before, realm.settings());
        assertEquals("Audit only: record, never act", page().get("config").get("mode").get(0).asText());

        config.putArray("retention-eventDays").add("60");
        config.putArray("accountTakeover-high-action").add("MFA_REQUIRED");
        config.putArray("clients").add("{\"" + TestRealm.CLIENT + "\": ");
        HttpResponse<String> badJson = admin.put("/" + realm.name() + "/components/" + page.get("id").asText(),
                page);
        assertEquals(400, badJson.statusCode(), badJson.body());
        assertTrue(AdminApi.json(badJson).get("errorMessage").asText()
                .contains("\u201cPer-client overrides (JSON)\u201d: not valid JSON"), badJson.body());
        assertEquals(before, realm.settings());
    }

    @Test
    void aRealmHasOneSettingsPage() {
        ObjectNode second = AdminApi.JSON.createObjectNode()
                .put("name", "Threat protection")
                .put("providerId", TAB_ID)
                .put("providerType", TAB_TYPE);
        second.putObject("config").putArray("mode").add("ENFORCED");
        HttpResponse<String> refused = admin.post("/" + realm.name() + "/components", second);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(1, pages().size());
    }

    @Test
    void theSummaryCountsLevelsActionsAndWhatAuditModeLetThrough() {
        summarized.saveSettings(Map.of("mode", "AUDIT",
                "accountTakeover", Map.of("high", Map.of("action", "BLOCK")),
                "riskScoring", Map.of("thresholds", Map.of("medium", 10, "high", 20),
                        "signals", Map.of("NEW_IP", 12, "NEW_NETWORK", 10))));
        signIn("192.0.2.10");   // no history yet: LOW
        signIn("192.0.2.11");   // new address in a known network: 12, MEDIUM, would ask for MFA
        signIn("198.51.100.7"); // new address and network: 22, HIGH, would be blocked

        JsonNode summary = AdminApi.ok(admin.get("/" + summarized.name() + "/threat-protection/events/summary"));
        assertEquals("AUDIT", summary.get("mode").asText());
        assertEquals(14, summary.get("days").size());
        assertEquals(3, summary.get("total").asInt());
        assertEquals(1, summary.at("/byLevel/LOW").asInt());
        assertEquals(1, summary.at("/byLevel/MEDIUM").asInt());
        assertEquals(1, summary.at("/byLevel/HIGH").asInt());
        assertEquals(1, summary.at("/byAction/BLOCK").asInt());
        assertEquals(1, summary.at("/notEnforcedSignIns/wouldChallenge").asInt());
        assertEquals(1, summary.at("/notEnforcedSignIns/wouldBlock").asInt());
        JsonNode today = summary.get("days").get(13);
        assertEquals(1, today.get("HIGH").asInt());
        assertEquals(1, today.get("wouldBlock").asInt());

        assertEquals(400, admin.get("/" + summarized.name() + "/threat-protection/events/summary?days=0")
                .statusCode());
        String userToken = admin.passwordGrant(summarized.name(), TestRealm.CLIENT, "sam", TestRealm.PASSWORD)
                .get("access_token").asText();
        assertEquals(403, admin.request("GET", "/" + summarized.name() + "/threat-protection/events/summary",
                null, userToken).statusCode());
    }

    @Test
    void theEventHistoryPageIsServedWithItsSignInClient() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String page = baseUrl + "/realms/" + realm.name() + "/threat-protection-console/";
        HttpResponse<String> html = http.send(HttpRequest.newBuilder(URI.create(page)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, html.statusCode());
        assertTrue(html.body().contains("data-realm=\"" + realm.name() + "\""), html.body());
        assertTrue(html.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(page + "console.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("code_challenge_method"));
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(page + "index.html")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        JsonNode client = AdminApi.ok(admin.get("/" + realm.name() + "/clients?clientId=threat-protection-console"))
                .get(0);
        assertTrue(client.get("publicClient").asBoolean());
        assertFalse(client.get("directAccessGrantsEnabled").asBoolean());
        assertFalse(client.get("implicitFlowEnabled").asBoolean());
        assertEquals("S256", client.at("/attributes/pkce.code.challenge.method").asText());
        assertEquals("[\"/realms/" + realm.name() + "/threat-protection-console/*\"]",
                client.get("redirectUris").toString());
    }

    private static void signIn(String address) {
        AdminApi.ok(admin.passwordGrantResponse(summarized.name(), TestRealm.CLIENT, "sam", TestRealm.PASSWORD,
                "X-Forwarded-For", address));
    }

    private static JsonNode pages() {
        JsonNode all = AdminApi.ok(admin.get("/" + realm.name() + "/components?type=" + TAB_TYPE));
        List<JsonNode> ours = new ArrayList<>();
        all.forEach(component -> {
            if (component.get("providerId").asText().equals(TAB_ID)) {
                ours.add(component);
            }
        });
        return AdminApi.JSON.valueToTree(ours);
    }

    private static ObjectNode page() {
        JsonNode pages = pages();
        assertEquals(1, pages.size(), pages.toString());
        return (ObjectNode) AdminApi.ok(admin.get("/" + realm.name() + "/components/" + pages.get(0).get("id")
                .asText()));
    }

    /** Keycloak lists admin events newest first. */
    private static JsonNode newest(JsonNode events, String operation) {
        for (JsonNode event : events) {
            if (event.get("operationType").asText().equals(operation)) {
                return event;
            }
        }
        throw new AssertionError("no " + operation + " event in " + events);
    }
}
