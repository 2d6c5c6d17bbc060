package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Forwarding headers count only from the proxies Keycloak is told to trust. Restarts the shared server trusting
 * one address that is not this machine's loopback, so the tests' own requests come from an untrusted peer, and
 * back at the end.
 */
@ExtendWith(KeycloakExtension.class)
class ForwardingHeadersIT {

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) throws Exception {
        assumeTrue(keycloak.keepsDataAcrossRestart(), "needs a server that can restart with other options");
        server = keycloak;
        server.restart(List.of("--proxy-trusted-addresses=198.51.100.250"));
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "forwarding", "spoofer");
        realm.saveSettings(Map.of("mode", "ENFORCED", "ipExceptions",
                Map.of("alwaysAllow", List.of("203.0.113.0/24"), "alwaysBlock", List.of("127.0.0.0/8", "::1"))));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (realm != null) {
            realm.close();
        }
        if (server != null) {
            server.restart();
        }
    }

    @Test
    void anUntrustedPeerCannotClaimAnAllowedAddress() {
        HttpResponse<String> grant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "spoofer",
                TestRealm.PASSWORD, "X-Forwarded-For", "203.0.113.9");
        assertEquals(400, grant.statusCode(), "blocked by the peer's own address: " + grant.body());
        String recorded = realm.latestUserEvent(realm.userId("spoofer")).at("/context/ipAddress").asText();
        assertTrue(Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "::1").contains(recorded),
                "the peer's address, not the claimed one: " + recorded);
    }
}
