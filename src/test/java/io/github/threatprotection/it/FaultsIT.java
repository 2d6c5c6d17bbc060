package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.RangeApiStub;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Dependencies that fail while the server runs: the geolocation database replaced by garbage, deleted or written
 * over in place, the range API answering garbage, too slowly, or not at all (the default failure policy, open).
 * Each time the sign-in still gets an answer (never a 500), the dependency's error counter in /metrics goes up,
 * and the event says what was missing when something was. Restarts the shared server with its own City database
 * copy, a one-second file recheck and its own range API stub, and back at the end.
 */
@ExtendWith(KeycloakExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    private static final byte[] GARBAGE = "this is not a MaxMind DB file".repeat(100).getBytes();
    private static final Pattern DEPENDENCY_ERRORS =
            Pattern.compile("(?m)^threat_protection_dependency_errors_total\\{dependency=\"([a-z_]+)\"[^}]*\\} (\\S+)$");

    private static KeycloakServer server;
    private static RangeApiStub rangeApi;
    private static Path city;
    private static Path cityBackup;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) throws Exception {
        assumeTrue(keycloak.keepsDataAcrossRestart(), "needs a server that can restart with other options");
        server = keycloak;
        Path work = Path.of(KeycloakExtension.required("keycloak.work")).resolve("faults");
        List<String> geo = TestGeoData.write(work);
        city = work.resolve("test-city.mmdb");
        cityBackup = work.resolve("test-city.mmdb.good");
        Files.copy(city, cityBackup, StandardCopyOption.REPLACE_EXISTING);
        rangeApi = RangeApiStub.start();
        server.restart(List.of(geo.get(0), geo.get(1),
                "--spi-threat-protection--default--geoip-recheck-interval=1",
                "--spi-threat-protection--default--pwned-passwords-url=" + rangeApi.url()));
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "faults", "geo", "breach-garbage", "breach-slow",
                "breach-down");
        realm.saveSettings(Map.of("mode", "ENFORCED"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (realm != null) {
            realm.close();
        }
        if (rangeApi != null) {
            rangeApi.close();
        }
        if (server != null) {
            server.restart();
        }
    }

    @Test
    void aGeolocationDatabaseThatCannotBeOpenedCostsAtMostTheLocation() throws Exception {
        Browser browser = new Browser(server.baseUrl(), TestGeoData.LONDON);
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, "geo", TestRealm.PASSWORD).signedIn());
        assertEquals("London", latest("geo").at("/context/city").asText());
        double before = dependencyErrors("geo");

        // Replaced or deleted, the file the server opened is still whole on disk, so it goes on answering
        Path garbage = city.resolveSibling("garbage.tmp");
        Files.write(garbage, GARBAGE);
        Files.move(garbage, city, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        JsonNode whileGarbage = signInAfterRecheck("geo");
        assertEquals("London", whileGarbage.at("/context/city").asText(), whileGarbage.toString());
        assertFalse(signals(whileGarbage).contains("GEOLOCATION_UNAVAILABLE"), whileGarbage.toString());
        assertTrue(dependencyErrors("geo") > before, "counted");

        Files.delete(city);
        JsonNode whileMissing = signInAfterRecheck("geo");
        assertEquals("London", whileMissing.at("/context/city").asText(), whileMissing.toString());

        Files.copy(cityBackup, city);
        assertEquals("London", signInAfterRecheck("geo").at("/context/city").asText(), "the copy is opened");
        double beforeOverwrite = dependencyErrors("geo");
        // Written over through its own name, the file the server reads (memory-mapped) is not what it opened
        Files.write(city, GARBAGE);
        JsonNode whileOverwritten = signInAfterRecheck("geo");
        assertTrue(whileOverwritten.at("/context/city").isNull(), whileOverwritten.toString());
        assertTrue(signals(whileOverwritten).contains("GEOLOCATION_UNAVAILABLE"), whileOverwritten.toString());
        assertTrue(dependencyErrors("geo") > beforeOverwrite, "counted");

        Path good = Files.copy(cityBackup, city.resolveSibling("good.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(good, city, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        JsonNode recovered = signInAfterRecheck("geo");
        assertEquals("London", recovered.at("/context/city").asText(), "the good file is picked up again");
        assertFalse(signals(recovered).contains("GEOLOCATION_UNAVAILABLE"), recovered.toString());
    }

    @Test
    @Order(1)
    void aRangeApiAnsweringGarbageLetsTheSignInThroughRecordedAndCounted() throws Exception {
        assertOpenFailure("breach-garbage", () -> rangeApi.behave(RangeApiStub.Behaviour.GARBAGE));
    }

    @Test
    @Order(1)
    void aRangeApiSlowerThanTheTimeoutLetsTheSignInThroughRecordedAndCounted() throws Exception {
        assertOpenFailure("breach-slow", () -> rangeApi.behave(RangeApiStub.Behaviour.SLOW));
    }

    @Test
    @Order(2)
    void anUnreachableRangeApiLetsTheSignInThroughRecordedAndCounted() throws Exception {
        String password = "never asked before " + UUID.randomUUID();
        AdminApi.ok(realm.resetPassword(realm.userId("breach-down"), password));
        double before = dependencyErrors("breach_api");
        rangeApi.close();
        HttpResponse<String> grant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "breach-down", password, "X-Forwarded-For", "192.0.2.140");
        assertEquals(200, grant.statusCode(), "the open policy lets the password through: " + grant.body());
        JsonNode event = latest("breach-down");
        assertEquals("PASS", event.get("response").asText());
        assertTrue(signals(event).contains("BREACH_CHECK_UNAVAILABLE"), event.toString());
        assertTrue(dependencyErrors("breach_api") > before, "counted");
    }

    private static void assertOpenFailure(String username, Runnable breakIt) throws Exception {
        String password = "never asked before " + UUID.randomUUID();
        AdminApi.ok(realm.resetPassword(realm.userId(username), password));
        double before = dependencyErrors("breach_api");
        breakIt.run();
        HttpResponse<String> grant;
        try {
            grant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, username, password,
                    "X-Forwarded-For", "192.0.2.141");
        } finally {
            rangeApi.behave(RangeApiStub.Behaviour.NORMAL);
        }
        assertEquals(200, grant.statusCode(), "the open policy lets the password through: " + grant.body());
        JsonNode event = latest(username);
        assertEquals("PASS", event.get("response").asText());
        assertFalse(event.at("/risk/compromisedCredentials").asBoolean());
        assertTrue(signals(event).contains("BREACH_CHECK_UNAVAILABLE"), event.toString());
        assertTrue(dependencyErrors("breach_api") > before, "counted");
    }

    /** Waits past the one-second recheck, then signs in from London with a fresh browser. */
    private static JsonNode signInAfterRecheck(String username) throws InterruptedException {
        Thread.sleep(1500);
        Browser.Result result = new Browser(server.baseUrl(), TestGeoData.LONDON)
                .signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD);
        assertTrue(result.signedIn(), "a geolocation fault never stops a sign-in: " + result);
        return latest(username);
    }

    private static JsonNode latest(String username) {
        return realm.latestUserEvent(realm.userId(username));
    }

    private static Set<String> signals(JsonNode event) {
        return new HashSet<>(event.at("/risk/reasons").findValuesAsText("signal"));
    }

    private static double dependencyErrors(String dependency) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher sample = DEPENDENCY_ERRORS.matcher(metrics);
        while (sample.find()) {
            if (sample.group(1).equals(dependency)) {
                return Double.parseDouble(sample.group(2));
            }
        }
        throw new AssertionError("no dependency_errors sample for " + dependency + " in /metrics");
    }
}
