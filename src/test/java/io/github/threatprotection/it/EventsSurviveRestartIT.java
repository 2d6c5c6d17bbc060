package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events and settings live in Keycloak's database, not in the server's memory. */
@ExtendWith(KeycloakExtension.class)
class EventsSurviveRestartIT {

    @Test
    void eventsAndSettingsSurviveARestart(KeycloakServer server) throws Exception {
        assumeTrue(server.keepsDataAcrossRestart(), "this server loses its database on restart");
        AdminApi admin = new AdminApi(server.baseUrl());
        try (TestRealm realm = TestRealm.create(admin, "restart", "survivor")) {
            JsonNode settings = realm.saveSettings(Map.of("mode", "AUDIT",
                    "ipExceptions", Map.of("alwaysBlock", List.of("198.51.100.0/24"))));
            assertTrue(new Browser(server.baseUrl(), "198.51.100.1")
                    .signIn(realm.name(), TestRealm.CLIENT, "survivor", TestRealm.PASSWORD).signedIn());
            JsonNode before = realm.userEvents(realm.userId("survivor"));
            assertEquals(1, before.size());

            server.restart();

            assertEquals(before, realm.userEvents(realm.userId("survivor")));
            assertEquals(settings, realm.settings());
        }
    }
}
