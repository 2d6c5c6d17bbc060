package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

@ExtendWith(KeycloakExtension.class)
class SettingsApiIT {

    private static AdminApi admin;
    private static TestRealm realm;
    private static TestRealm otherRealm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        admin = new AdminApi(server.baseUrl());
        realm = TestRealm.create(admin, "settings-api", "alice", "auditor");
        otherRealm = TestRealm.create(admin, "settings-api-other");
        grantRealmManagementRoles("auditor", "view-realm", "view-users", "view-events");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        otherRealm.close();
    }

    @Test
    void neverSetSettingsAreTheDocumentedDefaults() {
        JsonNode settings = otherRealm.settings();
        assertEquals("OFF", settings.get("mode").asText());
        assertEquals("BLOCK", settings.at("/compromisedCredentials/action").asText());
        assertEquals(3, settings.at("/compromisedCredentials/events").size());
        assertEquals("NO_ACTION", settings.at("/accountTakeover/low/action").asText());
        assertEquals("MFA_IF_CONFIGURED", settings.at("/accountTakeover/medium/action").asText());
        assertEquals("MFA_REQUIRED", settings.at("/accountTakeover/high/action").asText());
        assertTrue(settings.at("/accountTakeover/high/notify").asBoolean());
        assertEquals(0, settings.at("/ipExceptions/alwaysBlock").size());
        assertEquals(730, settings.at("/retention/eventDays").asInt());
        assertEquals(0, settings.get("clients").size());
    }

    @Test
    void aUsersOwnTokenIsRefusedOnEveryEndpoint() {
        String userToken = admin.passwordGrant(realm.name(), TestRealm.CLIENT, "alice", TestRealm.PASSWORD)
                .get("access_token").asText();
        String userId = realm.userId("alice");
        String base = "/" + realm.name() + "/threat-protection";
        List<String[]> endpoints = List.of(
                new String[] {"GET", base + "/settings"},
                new String[] {"PUT", base + "/settings"},
                new String[] {"POST", base + "/settings/cognito?dryRun=true"},
                new String[] {"GET", base + "/events"},
                new String[] {"GET", base + "/users/" + userId + "/events"},
                new String[] {"PUT", base + "/users/" + userId + "/events/no-such-event/feedback"});
        for (String[] endpoint : endpoints) {
            String body = !endpoint[0].equals("GET") ? "{\"mode\":\"OFF\",\"value\":\"VALID\"}" : null;
            int withUserToken = admin.request(endpoint[0], endpoint[1], body, userToken).statusCode();
            assertTrue(withUserToken == 401 || withUserToken == 403,
                    endpoint[0] + " " + endpoint[1] + " with a user token answered " + withUserToken);
            assertEquals(401, admin.request(endpoint[0], endpoint[1], body, null).statusCode(),
                    endpoint[0] + " " + endpoint[1] + " without a token");
        }
    }

    @Test
    void anAdminWhoMayOnlyViewTheRealmCanReadButNotChangeSettings() {
        String auditorToken = admin.passwordGrant(realm.name(), TestRealm.CLIENT, "auditor", TestRealm.PASSWORD)
                .get("access_token").asText();
        String path = "/" + realm.name() + "/threat-protection/settings";
        assertEquals(200, admin.request("GET", path, null, auditorToken).statusCode());
        assertEquals(403, admin.request("PUT", path, "{\"mode\":\"ENFORCED\"}", auditorToken).statusCode());
        assertEquals(403, admin.request("POST", path + "/cognito?dryRun=true", "{\"RiskConfiguration\":{}}",
                auditorToken).statusCode());
        assertEquals(200, admin.request("GET", "/" + realm.name() + "/threat-protection/events", null,
                auditorToken).statusCode());
    }

    @Test
    void invalidSettingsAreRejectedFieldByFieldAndTheOldSettingsStay() {
        JsonNode saved = realm.saveSettings(Map.of(
                "mode", "AUDIT",
                "ipExceptions", Map.of("alwaysBlock", List.of("198.51.100.0/24", "2001:db8::/32"))));

        ObjectNode invalid = AdminApi.JSON.createObjectNode().put("mode", "ON").put("colour", "blue");
        invalid.putObject("ipExceptions").putArray("alwaysBlock").add("198.51.100.7").add("10.0.0.1/8")
                .add("not-an-address");
        invalid.putObject("accountTakeover").putObject("high").put("action", "NO_ACTION");
        invalid.putObject("compromisedCredentials").putArray("events").add("SIGN_IN").add("LOGOUT");
        HttpResponse<String> response = realm.putSettings(invalid);

        assertEquals(400, response.statusCode(), response.body());
        Map<String, String> errors = errors(response);
        assertEquals(Set.of("mode", "colour", "ipExceptions.alwaysBlock[1]", "ipExceptions.alwaysBlock[2]",
                "accountTakeover.high.action", "compromisedCredentials.events[1]"), errors.keySet(), errors.toString());
        assertTrue(errors.get("ipExceptions.alwaysBlock[1]").contains("10.0.0.0/8"),
                "the host-bits error names the block the admin may mean: " + errors);
        assertTrue(errors.get("accountTakeover.high.action").contains("weaker"), errors.toString());
        assertEquals(saved, realm.settings());
    }

    @Test
    void malformedJsonIsABadRequestNotAServerError() {
        HttpResponse<String> response = realm.putSettings("{\"mode\": ");
        assertEquals(400, response.statusCode());
        assertTrue(errors(response).containsKey(""), response.body());
    }

    @Test
    void aListMayHoldTenThousandEntriesButNotMore() {
        List<String> tenThousand = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            tenThousand.add("10." + (i / 256) + "." + (i % 256) + ".0/24");
        }
        JsonNode saved = realm.saveSettings(Map.of("mode", "AUDIT",
                "ipExceptions", Map.of("alwaysAllow", tenThousand)));
        assertEquals(10_000, saved.at("/ipExceptions/alwaysAllow").size());

        List<String> tooMany = new ArrayList<>(tenThousand);
        tooMany.add("192.0.2.1");
        HttpResponse<String> response = realm.putSettings(Map.of("ipExceptions", Map.of("alwaysAllow", tooMany)));
        assertEquals(400, response.statusCode());
        assertTrue(errors(response).get("ipExceptions.alwaysAllow").contains("10000"), response.body());
        assertEquals(10_000, realm.settings().at("/ipExceptions/alwaysAllow").size());
        realm.saveSettings(Map.of("mode", "OFF"));
    }

    @Test
    void clientOverridesNameExistingClientsAndFollowTheLevelOrderOnceMerged() {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", "AUDIT");
        ObjectNode clients = document.putObject("clients");
        clients.putObject("no-such-app").put("mode", "OFF");
        clients.putObject(TestRealm.CLIENT).putObject("accountTakeover").putObject("low").put("action", "BLOCK");
        clients.putObject(TestRealm.OTHER_CLIENT).put("retention", 5);

        HttpResponse<String> response = realm.putSettings(document);

        assertEquals(400, response.statusCode());
        Map<String, String> errors = errors(response);
        assertEquals(Set.of("clients.no-such-app", "clients.test-app.accountTakeover.medium.action",
                "clients.other-app.retention"), errors.keySet(), errors.toString());

        ObjectNode valid = AdminApi.JSON.createObjectNode().put("mode", "AUDIT");
        valid.putObject("clients").putObject(TestRealm.CLIENT).put("mode", "ENFORCED");
        JsonNode saved = realm.saveSettings(valid);
        assertEquals("ENFORCED", saved.at("/clients/test-app/mode").asText());
        assertEquals(1, saved.at("/clients/test-app").size(), "an override is kept as written: " + saved);
        realm.saveSettings(Map.of("mode", "OFF"));
    }

    @Test
    void enforcedModeIsSavedWithWarningsInHeadersWhenMailOrPasswordResetCannotWork() {
        // The test realm has no SMTP server and Forgot password off, as a new realm has.
        realm.update(Map.of("resetPasswordAllowed", false, "smtpServer", Map.of()));
        HttpResponse<String> audit = realm.putSettings(Map.of("mode", "AUDIT"));
        assertEquals(200, audit.statusCode(), audit.body());
        assertEquals(List.of(), audit.headers().allValues("Threat-Protection-Warning"), "no warning outside ENFORCED");

        HttpResponse<String> enforced = realm.putSettings(Map.of("mode", "ENFORCED"));
        assertEquals(200, enforced.statusCode(), enforced.body());
        assertEquals(realm.settings(), AdminApi.json(enforced), "the body is the stored document, as before");
        List<String> warnings = enforced.headers().allValues("Threat-Protection-Warning");
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("NO_SMTP_SERVER: Mode is ENFORCED for the realm, but the realm has no"
                + " SMTP server"), warnings.toString());
        assertTrue(warnings.get(1).startsWith("FORGOT_PASSWORD_OFF: "), warnings.toString());
        assertTrue(warnings.get(1).contains("Forgot password is off"), warnings.toString());

        // A client override alone is enough; each fixed setting takes its warning away.
        realm.update(Map.of("resetPasswordAllowed", true));
        ObjectNode clientEnforced = AdminApi.JSON.createObjectNode().put("mode", "AUDIT");
        clientEnforced.putObject("clients").putObject(TestRealm.CLIENT).put("mode", "ENFORCED");
        List<String> clientWarnings = realm.putSettings(clientEnforced).headers()
                .allValues("Threat-Protection-Warning");
        assertEquals(1, clientWarnings.size(), clientWarnings.toString());
        assertTrue(clientWarnings.get(0).startsWith("NO_SMTP_SERVER: Mode is ENFORCED for client " + TestRealm.CLIENT
                + ", but"), clientWarnings.toString());

        realm.update(Map.of("smtpServer", Map.of("host", "localhost", "port", "2525", "from", "kc@example.com")));
        assertEquals(List.of(), realm.putSettings(Map.of("mode", "ENFORCED")).headers()
                .allValues("Threat-Protection-Warning"));
        realm.update(Map.of("smtpServer", Map.of()));
        realm.saveSettings(Map.of("mode", "OFF"));
    }

    @Test
    void twoRealmsDoNotSeeEachOthersSettings() {
        realm.saveSettings(Map.of("mode", "ENFORCED", "ipExceptions", Map.of("alwaysBlock", List.of("192.0.2.0/24"))));
        JsonNode other = otherRealm.settings();
        assertEquals("OFF", other.get("mode").asText());
        assertEquals(0, other.at("/ipExceptions/alwaysBlock").size());
        realm.saveSettings(Map.of("mode", "OFF"));
    }

    private static Map<String, String> errors(HttpResponse<String> response) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (JsonNode error : AdminApi.json(response).get("errors")) {
            errors.put(error.get("field").asText(), error.get("message").asText());
        }
        return errors;
    }

    private static void grantRealmManagementRoles(String username, String... roleNames) {
        String base = "/" + realm.name();
        String clientUuid = AdminApi.ok(admin.get(base + "/clients?clientId=realm-management")).get(0).get("id")
                .asText();
        ArrayNode roles = AdminApi.JSON.createArrayNode();
        Set<String> wanted = new HashSet<>(List.of(roleNames));
        for (JsonNode role : AdminApi.ok(admin.get(base + "/clients/" + clientUuid + "/roles"))) {
            if (wanted.contains(role.get("name").asText())) {
                roles.add(role);
            }
        }
        assertEquals(roleNames.length, roles.size());
        AdminApi.ok(admin.post(base + "/users/" + realm.userId(username) + "/role-mappings/clients/" + clientUuid,
                roles));
    }
}
