package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Events, settings and pending notification mails live in Keycloak's database, not in the server's memory.
 */
@ExtendWith(KeycloakExtension.class)
class EventsSurviveRestartIT {

    @Test
    void eventsSettingsAndPendingMailsSurviveARestart(KeycloakServer server) throws Exception {
        assumeTrue(server.keepsDataAcrossRestart(), "this server loses its database on restart");
        AdminApi admin = new AdminApi(server.baseUrl());
        try (TestRealm realm = TestRealm.create(admin, "restart", "survivor", "notified");
             Mailbox mailbox = Mailbox.start()) {
            realm.update(Map.of("smtpServer", mailbox.smtpSettings()));
            realm.saveSettings(Map.of("mode", "ENFORCED", "accountTakeover",
                    Map.of("low", Map.of("action", "NO_ACTION", "notify", true))));
            mailbox.stop();
            assertTrue(new Browser(server.baseUrl(), "192.0.2.7")
                    .signIn(realm.name(), TestRealm.CLIENT, "notified", TestRealm.PASSWORD).signedIn());
            String notifiedId = realm.userId("notified");
            JsonNode pending = realm.latestUserEvent(notifiedId);
            for (int i = 0; i < 100 && pending.at("/notification/attempts").asInt() < 1; i++) {
                Thread.sleep(200);
                pending = realm.latestUserEvent(notifiedId);
            }
            assertEquals("PENDING", pending.at("/notification/status").asText(), pending.toString());
            assertTrue(pending.at("/notification/attempts").asInt() >= 1, "tried while SMTP was down");

            JsonNode settings = realm.saveSettings(Map.of("mode", "AUDIT",
                    "ipExceptions", Map.of("alwaysBlock", List.of("198.51.100.0/24"))));
            assertTrue(new Browser(server.baseUrl(), "198.51.100.1")
                    .signIn(realm.name(), TestRealm.CLIENT, "survivor", TestRealm.PASSWORD).signedIn());
            JsonNode before = realm.userEvents(realm.userId("survivor"));
            assertEquals(1, before.size());

            server.restart();
            mailbox.restart();

            assertEquals(before, realm.userEvents(realm.userId("survivor")));
            assertEquals(settings, realm.settings());
            mailbox.awaitMail("notified@example.org", pending.get("id").asText());
            for (int i = 0; i < 100 && !realm.latestUserEvent(notifiedId).at("/notification/status").asText()
                    .equals("SENT"); i++) {
                Thread.sleep(200);
            }
            assertEquals("SENT", realm.latestUserEvent(notifiedId).at("/notification/status").asText());
        }
    }
}
