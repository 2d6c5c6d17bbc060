package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.BreachTestData;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.ReplaceableCorpus;
import io.github.threatprotection.it.support.TestRealm;

/**
 * The test server's second corpus ({@link ReplaceableCorpus}) rebuilt onto its live path while users sign in,
 * and damaged in place, with the default failure policy (open). Right passwords always get a normal answer,
 * never a server error; the rebuilt corpus is used once it is complete. The closed policy is in
 * {@link BreachCheckFailsClosedIT}.
 */
@ExtendWith(KeycloakExtension.class)
class CorpusReplacementIT {

    private static final String ADDRESS = "198.51.100.80";
    /** The load's wrong passwords count against its own network, not against the other test's. */
    private static final String LOAD_ADDRESS = "192.0.2.81";
    private static final Pattern DEPENDENCY_ERRORS = Pattern.compile(
            "(?m)^threat_protection_dependency_errors_total\\{dependency=\"breach_corpus\"[^}]*\\} (\\S+)$");

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) {
        assumeTrue(keycloak.sharesFilesWithTests(), "changes corpus files the server reads");
        server = keycloak;
        realm = TestRealm.create(new AdminApi(server.baseUrl()), "corpus-replacement", "steady", "signer", "probe",
                "first-reader", "second-reader", "changer");
        // Set before the policy that would refuse them.
        AdminApi.ok(realm.resetPassword(realm.userId("first-reader"), BreachTestData.FIRST_EDITION));
        AdminApi.ok(realm.resetPassword(realm.userId("second-reader"), BreachTestData.SECOND_EDITION));
        realm.update(Map.of("registrationAllowed", true, "passwordPolicy", "notCompromised(1)"));
    }

    @AfterEach
    void putBackTheFirstEdition() throws Exception {
        ReplaceableCorpus.putBackTheFirstEdition();
        ReplaceableCorpus.awaitFirstEdition(realm, "probe");
    }

    @AfterAll
    static void tearDown() {
        if (realm != null) {
            realm.close();
        }
    }

    @Test
    void rebuildingTheLiveCorpusWhileUsersSignInNeverFailsASignIn() throws Exception {
        // AUDIT: a found password is recorded, not blocked, so readers can show which edition is in use.
        realm.saveSettings(Map.of("mode", "AUDIT"));
        ReplaceableCorpus.awaitFirstEdition(realm, "probe");
        SignInLoad load = new SignInLoad();
        load.start();
        JsonNode second;
        long buildStarted;
        long buildEnded;
        long secondFound;
        try {
            Thread.sleep(500);
            buildStarted = System.nanoTime();
            ReplaceableCorpus.rebuildSecondEditionOntoTheLivePath();
            buildEnded = System.nanoTime();
            second = awaitFound("second-reader", BreachTestData.SECOND_EDITION);
            secondFound = System.nanoTime();
            Thread.sleep(500);
        } finally {
            load.stop();
        }

        assertEquals(List.of(), load.unexpected, "every sign-in got a normal answer");
        long duringBuild = load.completed.stream()
                .filter(span -> span[0] < buildEnded && span[1] > buildStarted).count();
        System.out.printf("[corpus replacement] rebuild under load: %d sign-ins, %d of them during the %d ms build; the new corpus"
                + " answered %d ms after the build ended%n", load.completed.size(), duringBuild,
                (buildEnded - buildStarted) / 1_000_000, (secondFound - buildEnded) / 1_000_000);
        assertTrue(duringBuild >= 3, duringBuild + " sign-ins overlapped the build");
        assertTrue(second.at("/risk/reasons").toString().contains("offline breach corpus"), second.toString());
        assertFalse(readerEvent("first-reader", BreachTestData.FIRST_EDITION).at("/risk/compromisedCredentials")
                .asBoolean(), "the first edition is no longer used");
    }

    @Test
    void aCorpusDamagedInPlaceLetsRightPasswordsThroughRecordedAndCounted() throws Exception {
        realm.saveSettings(Map.of("mode", "ENFORCED"));

        ReplaceableCorpus.overwriteInPlaceWithGarbage();
        assertOpenPolicyOutcome("garbage");

        ReplaceableCorpus.putBackTheFirstEdition();
        ReplaceableCorpus.awaitFirstEdition(realm, "probe");

        ReplaceableCorpus.truncateInPlace();
        assertOpenPolicyOutcome("truncated");
    }

    /** Sign-in, sign-up and password change each go through, with the check recorded as unavailable. */
    private static void assertOpenPolicyOutcome(String round) throws Exception {
        double errorsBefore = dependencyErrors();

        HttpResponse<String> grant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "signer",
                TestRealm.PASSWORD, "X-Forwarded-For", ADDRESS);
        assertEquals(200, grant.statusCode(), round + ": " + grant.body());
        assertUnavailable(realm.latestUserEvent(realm.userId("signer")), "PASS");
        assertTrue(new Browser(server.baseUrl(), ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "signer",
                TestRealm.PASSWORD).signedIn(), round);

        String username = "newcomer-" + round;
        String password = "a fresh passphrase " + UUID.randomUUID();
        Browser browser = new Browser(server.baseUrl(), ADDRESS);
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result registration = browser.open(Browser.link(loginPage, "registration"));
        Map<String, String> fields = new HashMap<>(Map.of("username", username, "email", username + "@example.org",
                "firstName", "New", "lastName", "Comer", "password", password, "password-confirm", password));
        Browser.Result registered = browser.submitForm(registration.page(), "kc-register-form", fields);
        assertTrue(registered.signedIn(), round + ": " + registered);
        assertUnavailable(realm.latestUserEvent(realm.userId(username)), "PASS");

        HttpResponse<String> change = realm.resetPassword(realm.userId("changer"),
                "another fresh passphrase " + UUID.randomUUID());
        assertEquals(204, change.statusCode(), round + ": " + change.body());
        JsonNode changed = realm.latestUserEvent(realm.userId("changer"));
        assertEquals("PASSWORD_CHANGE", changed.get("type").asText());
        assertUnavailable(changed, "PASS");

        assertTrue(dependencyErrors() > errorsBefore, round + ": counted as breach_corpus errors");
    }

    private static void assertUnavailable(JsonNode event, String response) {
        assertEquals(response, event.get("response").asText(), event.toString());
        assertFalse(event.at("/risk/compromisedCredentials").asBoolean(), event.toString());
        assertTrue(event.at("/risk/reasons").findValuesAsText("signal").contains("BREACH_CHECK_UNAVAILABLE"),
                event.toString());
    }

    /** Signs the reader in until its event says the password was found; returns that event. */
    private static JsonNode awaitFound(String username, String password) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 45_000;
        JsonNode event = null;
        while (System.currentTimeMillis() < deadline) {
            event = readerEvent(username, password);
            if (event.at("/risk/compromisedCredentials").asBoolean()) {
                return event;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the rebuilt corpus was not used within 45 s; last event " + event);
    }

    private static JsonNode readerEvent(String username, String password) {
        HttpResponse<String> grant = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, username,
                password, "X-Forwarded-For", ADDRESS);
        assertEquals(200, grant.statusCode(), "AUDIT lets the reader in: " + grant.body());
        return realm.latestUserEvent(realm.userId(username));
    }

    private static double dependencyErrors() throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher sample = DEPENDENCY_ERRORS.matcher(metrics);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }

    /**
     * Users signing in without pause on three threads: two by direct grant (right and wrong passwords in
     * turn), one through the login page. Anything but the normal answer is collected.
     */
    private static final class SignInLoad {
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        /** Start and end (System.nanoTime) of each completed sign-in. */
        final List<long[]> completed = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        void start() {
            for (int i = 0; i < 2; i++) {
                threads.add(new Thread(this::directGrants, "direct-grants-" + i));
            }
            threads.add(new Thread(this::browserSignIns, "browser-sign-ins"));
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
        }

        private void directGrants() {
            boolean right = true;
            while (running.get()) {
                long started = System.nanoTime();
                try {
                    HttpResponse<String> response = realm.admin().passwordGrantResponse(realm.name(),
                            TestRealm.CLIENT, "steady", right ? TestRealm.PASSWORD : "not the password",
                            "X-Forwarded-For", LOAD_ADDRESS);
                    boolean normal = right ? response.statusCode() == 200
                            : response.statusCode() == 400 && response.body().contains("invalid_grant");
                    if (!normal) {
                        unexpected.add((right ? "right" : "wrong") + " password, direct grant: "
                                + response.statusCode() + " " + response.body());
                    }
                } catch (RuntimeException e) {
                    unexpected.add("direct grant: " + e);
                }
                completed.add(new long[] {started, System.nanoTime()});
                right = !right;
            }
        }

        private void browserSignIns() {
            while (running.get()) {
                long started = System.nanoTime();
                try {
                    Browser.Result result = new Browser(server.baseUrl(), LOAD_ADDRESS).signIn(realm.name(),
                            TestRealm.CLIENT, "steady", TestRealm.PASSWORD);
                    if (!result.signedIn()) {
                        unexpected.add("right password, browser: " + result.status() + " " + result.page());
                    }
                } catch (RuntimeException | AssertionError e) {
                    unexpected.add("browser: " + e);
                }
                completed.add(new long[] {started, System.nanoTime()});
            }
        }
    }
}
