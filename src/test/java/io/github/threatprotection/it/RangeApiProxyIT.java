package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.BreachTestData;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.ForwardProxy;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.RangeApiStub;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Range API calls take Keycloak's outgoing HTTP settings: the test server runs with
 * {@code --spi-connections-http-client--default--proxy-mappings} naming the range API's host, and a sign-in's
 * lookup reaches the range API through that proxy.
 */
@ExtendWith(KeycloakExtension.class)
class RangeApiProxyIT {

    private static String baseUrl;
    private static TestRealm realm;
    private static ForwardProxy proxy;
    private static RangeApiStub rangeApi;

    @BeforeAll
    static void setUp(KeycloakServer server, ForwardProxy forwardProxy, RangeApiStub stub) {
        baseUrl = server.baseUrl();
        proxy = forwardProxy;
        rangeApi = stub;
        realm = TestRealm.create(new AdminApi(baseUrl), "range-api-proxy", "traveller");
        realm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void tearDown() {
        if (realm != null) {
            realm.close();
        }
    }

    @Test
    void aSignInsRangeLookupGoesThroughTheProxyKeycloakIsConfiguredWith() throws InterruptedException {
        // A password no other test uses, so its prefix was never looked up (or cached) before.
        String password = "only the proxy test signs in with this " + UUID.randomUUID();
        String path = "/range/" + BreachTestData.sha1Hex(password).substring(0, 5);
        AdminApi.ok(realm.resetPassword(realm.userId("traveller"), password));
        assertEquals(List.of(), forwardedFor(path), "nothing looked the password up before the sign-in");

        assertTrue(new Browser(baseUrl, "192.0.2.70").signIn(realm.name(), TestRealm.CLIENT, "traveller", password)
                .signedIn());

        // The lookup may go on after the sign-in's deadline, in the background.
        awaitNonEmpty(() -> forwardedFor(path));
        awaitNonEmpty(() -> receivedFor(path));
        URI stub = URI.create(KeycloakExtension.rangeApiUrl(rangeApi));
        assertEquals(List.of(new ForwardProxy.Forwarded("GET", stub.resolve(path), "true")), forwardedFor(path),
                "Keycloak asked the proxy for the range, in absolute form, with padding requested");
        assertEquals(List.of(new RangeApiStub.Request(path, "true")), receivedFor(path),
                "the range API got the lookup once: the one the proxy forwarded");
    }

    private static List<ForwardProxy.Forwarded> forwardedFor(String path) {
        return proxy.forwarded().stream().filter(request -> request.target().getPath().equals(path)).toList();
    }

    private static List<RangeApiStub.Request> receivedFor(String path) {
        return rangeApi.requests().stream().filter(request -> request.path().equals(path)).toList();
    }

    private static void awaitNonEmpty(Supplier<List<?>> requests) throws InterruptedException {
        for (int i = 0; i < 100 && requests.get().isEmpty(); i++) {
            Thread.sleep(100);
        }
    }
}
