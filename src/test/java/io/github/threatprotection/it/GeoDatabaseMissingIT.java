package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/** A configured geolocation database that does not exist: sign-ins work, nothing is located, one warning. */
@ExtendWith(KeycloakExtension.class)
class GeoDatabaseMissingIT {

    private static final String MISSING = "no-such-city-database.mmdb";

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) throws Exception {
        assumeTrue(keycloak.keepsDataAcrossRestart(), "needs a server that can restart with other options");
        server = keycloak;
        Path missing = Path.of(KeycloakExtension.required("keycloak.work")).resolve(MISSING);
        server.restart(List.of("--spi-threat-protection--default--geoip-city-database=" + missing));
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "geo-missing", "located");
        realm.saveSettings(Map.of("mode", "AUDIT"));
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
    void signInsWorkWithoutGeoReasonsAndTheLogWarnsOnce() throws Exception {
        Browser browser = new Browser(server.baseUrl(), TestGeoData.LONDON);
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, "located", TestRealm.PASSWORD).signedIn());
        browser.keepOnlyCookie("KC_THREAT_PROTECTION_DEVICE");
        assertTrue(browser.from(TestGeoData.CHANGCHUN)
                .signIn(realm.name(), TestRealm.CLIENT, "located", TestRealm.PASSWORD).signedIn());

        JsonNode event = realm.latestUserEvent(realm.userId("located"));
        assertTrue(event.at("/context/city").isNull(), event.toString());
        event.at("/risk/reasons").forEach(reason -> assertTrue(
                !List.of("NEW_COUNTRY", "IMPOSSIBLE_TRAVEL").contains(reason.get("signal").asText()),
                "no geo reason without a City database: " + event));
        assertTrue(event.at("/context/country").isNull(), event.toString());
        String log = server.log();
        String sinceRestart = log.substring(log.lastIndexOf("Running the server in development mode"));
        long warnings = sinceRestart.lines().filter(line -> line.contains("WARN") && line.contains(MISSING)).count();
        assertEquals(1, warnings, "one warning about the missing file");
    }
}
