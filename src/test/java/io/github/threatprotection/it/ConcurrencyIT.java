package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Sign-ins that race each other: every failure is counted (one row per failure, no read-modify-write of a
 * counter that parallel requests could overwrite, the kind of lost update behind CVE-2024-4629 in Keycloak's
 * brute-force detection) and every success is recorded. The next sign-in's velocity reason states the counts.
 * The realm's first browser sign-ins, racing, all succeed and agree on one device key.
 */
@ExtendWith(KeycloakExtension.class)
class ConcurrencyIT {

    private static final int PARALLEL_FAILURES = 50;
    private static final int PARALLEL_SUCCESSES = 10;
    private static final int PARALLEL_DEVICES = 8;
    private static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";

    private static TestRealm realm;
    private static String baseUrl;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "concurrency", "raced", "sprayed-target", "popular");
        for (int i = 0; i < PARALLEL_DEVICES; i++) {
            realm.addUser("device-" + i);
        }
        realm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void fiftyParallelWrongPasswordsForOneUserAreAllCounted() throws Exception {
        List<Integer> statuses = inParallel(PARALLEL_FAILURES, i -> grant("raced", "wrong " + i, "192.0.2.30"));
        assertTrue(statuses.stream().allMatch(status -> status == 400), statuses.toString());

        assertEquals(200, grant("raced", TestRealm.PASSWORD, "192.0.2.31"));
        JsonNode event = realm.latestUserEvent(realm.userId("raced"));
        assertTrue(reason(event, "FAILED_LOGIN_VELOCITY").startsWith(PARALLEL_FAILURES + " failed sign-ins"),
                event.toString());
        assertEquals(PARALLEL_FAILURES, keycloakErrorsFor(realm.userId("raced")));
    }

    @Test
    void fiftyParallelFailuresForDifferentUsersFromOneNetworkAreAllCounted() throws Exception {
        List<Integer> statuses = inParallel(PARALLEL_FAILURES,
                i -> grant("nobody-" + i, "Spring2026!", "198.18.50." + (i + 1)));
        assertTrue(statuses.stream().allMatch(status -> status == 400), statuses.toString());

        assertEquals(200, grant("sprayed-target", TestRealm.PASSWORD, "198.18.50.200"));
        JsonNode event = realm.latestUserEvent(realm.userId("sprayed-target"));
        assertTrue(reason(event, "NETWORK_VELOCITY").startsWith(PARALLEL_FAILURES + " usernames failed"),
                event.toString());
    }

    @Test
    void tenParallelCorrectSignInsOfOneUserAllSucceedAndAreAllRecorded() throws Exception {
        List<Integer> statuses = inParallel(PARALLEL_SUCCESSES, i -> grant("popular", TestRealm.PASSWORD,
                "192.0.2." + (100 + i)));
        assertTrue(statuses.stream().allMatch(status -> status == 200), statuses.toString());

        JsonNode events = AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/users/"
                + realm.userId("popular") + "/events?max=100"));
        assertEquals(PARALLEL_SUCCESSES, events.size(), events.toString());
        Set<String> addresses = new HashSet<>();
        events.forEach(event -> {
            assertEquals("PASS", event.get("response").asText(), event.toString());
            addresses.add(event.at("/context/ipAddress").asText());
        });
        assertEquals(PARALLEL_SUCCESSES, addresses.size(), "one event per sign-in, none written twice");
    }

    /** The other tests use the password grant, which has no device cookie: these are the realm's first. */
    @Test
    void theRealmsFirstBrowserSignInsAtOnceAllSucceedAndTheirDevicesAreKnownNextTime() throws Exception {
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < PARALLEL_DEVICES; i++) {
            browsers.add(new Browser(baseUrl, "192.0.2." + (150 + i)));
        }
        List<Browser.Result> first = inParallel(PARALLEL_DEVICES,
                i -> browsers.get(i).signIn(realm.name(), TestRealm.CLIENT, "device-" + i, TestRealm.PASSWORD));
        for (Browser.Result result : first) {
            assertTrue(result.signedIn(), result.status() + ": " + result.page());
        }

        for (int i = 0; i < PARALLEL_DEVICES; i++) {
            Browser browser = browsers.get(i);
            browser.keepOnlyCookie(DEVICE_COOKIE);
            assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, "device-" + i, TestRealm.PASSWORD).signedIn());
            JsonNode again = realm.latestUserEvent(realm.userId("device-" + i));
            assertFalse(again.at("/risk/reasons").toString().contains("NEW_DEVICE"), again.toString());
        }
    }

    private static int grant(String username, String password, String address) {
        HttpResponse<String> response = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, username,
                password, "X-Forwarded-For", address);
        return response.statusCode();
    }

    /** Runs the calls on as many threads, released together; returns their results in order. */
    private static <T> List<T> inParallel(int count, IntFunction<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return call.apply(index);
                }, pool));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (CompletableFuture<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    /** Keycloak's own LOGIN_ERROR events for the user: the failures it saw, to compare with ours. */
    private static int keycloakErrorsFor(String userId) {
        JsonNode errors = AdminApi.ok(realm.admin().get("/" + realm.name() + "/events?type=LOGIN_ERROR&user="
                + userId + "&max=1000"));
        return errors.size();
    }

    private static String reason(JsonNode event, String signal) {
        for (JsonNode reason : event.at("/risk/reasons")) {
            if (signal.equals(reason.get("signal").asText())) {
                return reason.get("detail").asText();
            }
        }
        throw new AssertionError("no " + signal + " in " + event);
    }
}
