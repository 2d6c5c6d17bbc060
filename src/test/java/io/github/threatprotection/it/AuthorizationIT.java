package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Realm admins are admins of their realm only: a user of realm A holding every realm-management role of A
 * manages A's threat protection, and is refused on each endpoint of realm B (SettingsApiIT and EventHistoryIT
 * check user tokens and the master admin's view of two realms).
 */
@ExtendWith(KeycloakExtension.class)
class AuthorizationIT {

    private static AdminApi admin;
    private static TestRealm realmA;
    private static TestRealm realmB;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        admin = new AdminApi(server.baseUrl());
        realmA = TestRealm.create(admin, "authz-a", "admin-a", "user-viewer", "event-viewer", "user-a");
        realmB = TestRealm.create(admin, "authz-b", "user-b");
        grantAllRealmManagementRoles(realmA, "admin-a");
        grantRealmManagementRoles(realmA, "user-viewer", Set.of("view-users"));
        grantRealmManagementRoles(realmA, "event-viewer", Set.of("view-users", "view-events"));
        realmA.saveSettings(Map.of("mode", "AUDIT"));
        realmB.saveSettings(Map.of("mode", "AUDIT"));
        // An event in B for A's admin to try to read and change
        admin.passwordGrant(realmB.name(), TestRealm.CLIENT, "user-b", TestRealm.PASSWORD);
    }

    @AfterAll
    static void tearDown() {
        realmA.close();
        realmB.close();
    }

    @Test
    void anAdminOfRealmAManagesAButCannotReadOrChangeB() {
        String token = admin.passwordGrant(realmA.name(), TestRealm.CLIENT, "admin-a", TestRealm.PASSWORD)
                .get("access_token").asText();
        String ownSettings = "/" + realmA.name() + "/threat-protection/settings";
        assertEquals(200, admin.request("GET", ownSettings, null, token).statusCode(), "A's admin reads A");
        assertEquals(200, admin.request("PUT", ownSettings, Map.of("mode", "AUDIT"), token).statusCode());

        JsonNode settingsBefore = realmB.settings();
        String userB = realmB.userId("user-b");
        String eventB = realmB.latestUserEvent(userB).get("id").asText();
        String base = "/" + realmB.name() + "/threat-protection";
        List<String[]> endpoints = List.of(
                new String[] {"GET", base + "/settings"},
                new String[] {"PUT", base + "/settings"},
                new String[] {"POST", base + "/flows"},
                new String[] {"GET", base + "/events"},
                new String[] {"GET", base + "/events/" + eventB},
                new String[] {"GET", base + "/events.csv"},
                new String[] {"GET", base + "/users/" + userB + "/events"},
                new String[] {"PUT", base + "/users/" + userB + "/events/" + eventB + "/feedback"});
        for (String[] endpoint : endpoints) {
            Object body = endpoint[0].equals("GET") ? null : Map.of("mode", "OFF", "value", "INVALID");
            int status = admin.request(endpoint[0], endpoint[1], body, token).statusCode();
            assertTrue(status == 401 || status == 403, endpoint[0] + " " + endpoint[1] + " with realm A's admin token"
                    + " answered " + status);
        }
        assertEquals(settingsBefore, realmB.settings(), "B's settings unchanged");
        assertTrue(realmB.latestUserEvent(userB).get("feedback").isNull(), "B's event unchanged");
    }

    /**
     * A user's risk events are sign-in history (addresses, devices, places): viewing users alone does not show
     * them, as it does not show Keycloak's own events.
     */
    @Test
    void aUsersRiskEventsNeedViewEventsAsWellAsViewUsers() {
        String userA = realmA.userId("user-a");
        admin.passwordGrant(realmA.name(), TestRealm.CLIENT, "user-a", TestRealm.PASSWORD);
        String path = "/" + realmA.name() + "/threat-protection/users/" + userA + "/events";

        String userViewer = admin.passwordGrant(realmA.name(), TestRealm.CLIENT, "user-viewer", TestRealm.PASSWORD)
                .get("access_token").asText();
        assertEquals(403, admin.request("GET", path, null, userViewer).statusCode(), "view-users alone");
        assertEquals(403, admin.request("GET", "/" + realmA.name() + "/events", null, userViewer).statusCode(),
                "as Keycloak's own events");
        String eventA = realmA.latestUserEvent(userA).get("id").asText();
        for (String other : List.of("/events/" + eventA, "/events.csv", "/events?userId=" + userA)) {
            assertEquals(403, admin.request("GET", "/" + realmA.name() + "/threat-protection" + other, null,
                    userViewer).statusCode(), other + " with view-users alone");
            assertEquals(200, admin.request("GET", "/" + realmA.name() + "/threat-protection" + other, null,
                    admin.passwordGrant(realmA.name(), TestRealm.CLIENT, "event-viewer", TestRealm.PASSWORD)
                            .get("access_token").asText()).statusCode(), other + " with view-events");
        }

        String eventViewer = admin.passwordGrant(realmA.name(), TestRealm.CLIENT, "event-viewer",
                TestRealm.PASSWORD).get("access_token").asText();
        HttpResponse<String> allowed = admin.request("GET", path, null, eventViewer);
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals(1, AdminApi.json(allowed).size());
    }

    private static void grantAllRealmManagementRoles(TestRealm realm, String username) {
        grantRealmManagementRoles(realm, username, null);
    }

    /** The named roles of realm-management, or all of them for null. */
    private static void grantRealmManagementRoles(TestRealm realm, String username, Set<String> names) {
        String base = "/" + realm.name();
        String clientUuid = AdminApi.ok(admin.get(base + "/clients?clientId=realm-management")).get(0).get("id")
                .asText();
        ArrayNode roles = AdminApi.JSON.createArrayNode();
        Set<String> seen = new HashSet<>();
        for (JsonNode role : AdminApi.ok(admin.get(base + "/clients/" + clientUuid + "/roles"))) {
            String name = role.get("name").asText();
            if ((names == null || names.contains(name)) && seen.add(name)) {
                roles.add(role);
            }
        }
        AdminApi.ok(admin.post(base + "/users/" + realm.userId(username) + "/role-mappings/clients/" + clientUuid,
                roles));
    }
}
