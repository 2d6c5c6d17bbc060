package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.DistributionKeycloakServer;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Two Keycloak nodes from the same distribution, each in its own copy of it, on one PostgreSQL, clustered by
 * Keycloak's default cache stack (embedded Infinispan, JDBC_PING discovery through that database), bound to
 * 127.0.0.1. Both nodes get the same {@code --hostname}, so a token issued by one is valid on the other. The
 * extension keeps no state of its own outside Keycloak's database and caches; these tests show that what one
 * node learns, the other acts on.
 * <p>
 * Runs in {@code mvn verify} with the other integration tests, and alone with
 * {@code mvn verify -Dit.test=ClusterIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("cluster")
class ClusterIT {

    private static final int PURGE_INTERVAL_SECONDS = 2;

    private static EmbeddedPostgres postgres;
    private static DistributionKeycloakServer nodeA;
    private static DistributionKeycloakServer nodeB;
    private static AdminApi adminA;
    private static AdminApi adminB;
    private static TestRealm realm;

    @BeforeAll
    static void startCluster() throws Exception {
        Path work = Path.of(KeycloakExtension.required("keycloak.work")).resolveSibling("keycloak-cluster");
        Path jar = Path.of(KeycloakExtension.required("threatprotection.jar"));
        Path distribution = Path.of(KeycloakExtension.required("keycloak.dist"));
        postgres = EmbeddedPostgres.builder().setPort(freePort()).start();
        // Keycloak's own role, not the superuser, so a test can take privileges away from it
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
            sql.execute("create role keycloak login password 'keycloak'");
            sql.execute("create database keycloak owner keycloak");
        }
        String dbUrl = postgres.getJdbcUrl("keycloak", "keycloak");

        int httpA = freePort();
        List<String> common = new ArrayList<>(KeycloakExtension.SERVER_OPTIONS);
        common.addAll(List.of(
                "--db=postgres", "--db-url=" + dbUrl, "--db-username=keycloak", "--db-password=keycloak",
                "--cache=ispn", "--cache-embedded-network-bind-address=127.0.0.1",
                "--hostname=http://localhost:" + httpA,
                "--spi-threat-protection--default--retention-purge-interval=" + PURGE_INTERVAL_SECONDS));
        common.addAll(TestGeoData.write(work.resolve("geo")));

        Path homeA = copyOf(distribution, work.resolve("node-a"));
        Path homeB = copyOf(distribution, work.resolve("node-b"));
        List<String> optionsA = with(common, "--cache-embedded-network-bind-port=" + freePort());
        List<String> optionsB = with(common, "--cache-embedded-network-bind-port=" + freePort());
        // One after the other: two nodes booting at once on an empty database can both try to create
        // Liquibase's changelog table before Keycloak's database lock exists (seen once in CI: PostgreSQL's
        // "duplicate key value violates unique constraint pg_type_typname_nsp_index").
        nodeA = DistributionKeycloakServer.start(homeA, jar, work.resolve("node-a"), optionsA, httpA, 0);
        nodeB = DistributionKeycloakServer.start(homeB, jar, work.resolve("node-b"), optionsB, 0, 0);
        adminA = new AdminApi(nodeA.baseUrl());
        adminB = new AdminApi(nodeB.baseUrl());
        realm = TestRealm.create(adminA, "cluster", "velocity", "novelty", "settings", "parallel-a", "parallel-b",
                "kept", "aged", "db-fault", "engine-fault", "notified", "throttled");
        realm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (realm != null) {
            realm.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theNodesFormOneClusterAndATokenFromOneWorksOnTheOther() throws Exception {
        Pattern twoMembers = Pattern.compile("ISPN000094.*\\(2\\)");
        assertTrue(twoMembers.matcher(nodeA.log()).find() && twoMembers.matcher(nodeB.log()).find(),
                "an Infinispan cluster view with two members in both logs");
        String tokenFromA = adminA.adminToken();
        HttpResponse<String> onB = adminB.request("GET", "/" + realm.name() + "/threat-protection/settings", null,
                tokenFromA);
        assertEquals(200, onB.statusCode(), onB.body());
    }

    @Test
    void failuresOnNodeACountInNodeBsVelocity() {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = adminA.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "velocity",
                    "guess " + i, "X-Forwarded-For", "192.0.2.70");
            assertEquals(400, wrong.statusCode(), wrong.body());
        }
        grant(adminB, "velocity", "192.0.2.71");

        JsonNode event = realm.latestUserEvent(realm.userId("velocity"));
        assertTrue(reason(event, "FAILED_LOGIN_VELOCITY").startsWith("5 failed sign-ins"), event.toString());
    }

    /** Failures on node A throttle the network on node B too, and a release on node B holds on node A. */
    @Test
    void aNetworkThrottledByNodeAsFailuresIsRefusedOnNodeBAndReleasedOnBForBoth() {
        realm.installThrottleStep("direct grant with threat protection");
        try {
            ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
            settings.putObject("attackProtection").putObject("throttling").put("enabled", true)
                    .put("scope", "NETWORK").put("failures", 3);
            realm.saveSettings(settings);
            for (int i = 0; i < 3; i++) {
                assertEquals(400, adminA.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "sprayed-" + i,
                        "guess", "X-Forwarded-For", "100.64.20." + (10 + i)).statusCode());
            }

            HttpResponse<String> refusedOnB = adminB.passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                    "throttled", TestRealm.PASSWORD, "X-Forwarded-For", "100.64.20.50");
            assertEquals(400, refusedOnB.statusCode(), "the right password is refused on node B too");
            JsonNode listedOnB = AdminApi.ok(adminB.get("/" + realm.name() + "/threat-protection/throttles"));
            assertEquals("100.64.20.0/24", listedOnB.get(0).get("source").asText(), listedOnB.toString());

            assertEquals(204, adminB.delete("/" + realm.name()
                    + "/threat-protection/throttles/100.64.20.0/24").statusCode());
            assertEquals(200, adminA.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "throttled",
                    TestRealm.PASSWORD, "X-Forwarded-For", "100.64.20.51").statusCode(),
                    "released on node B, let in on node A");
        } finally {
            realm.saveSettings(Map.of("mode", "AUDIT"));
        }
    }

    /**
     * What is typed as a username is often a password typed into the wrong field: a username that names nobody
     * is kept as a keyed hash, the same on both nodes (they read the same realm key), so spraying is still
     * counted by distinct usernames.
     */
    @Test
    void aUsernameThatNamesNobodyIsKeptAsAKeyedHashNeverAsText() throws Exception {
        String typed = "Autumn2026!typed-as-username";
        assertEquals(400, adminA.passwordGrantResponse(realm.name(), TestRealm.CLIENT, typed, "x",
                "X-Forwarded-For", "192.0.2.80").statusCode());
        assertEquals(400, adminB.passwordGrantResponse(realm.name(), TestRealm.CLIENT, typed.toUpperCase(), "y",
                "X-Forwarded-For", "192.0.2.81").statusCode());
        List<String> keys = new ArrayList<>();
        try (Connection db = keycloakDatabase(); PreparedStatement query = db.prepareStatement(
                "SELECT USER_KEY FROM TP_FAILED_SIGN_IN WHERE NETWORK = '192.0.2.0/24' AND USER_KEY LIKE 'username:%'");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                keys.add(rows.getString(1));
            }
        }
        assertEquals(2, keys.size(), keys.toString());
        assertEquals(keys.get(0), keys.get(1), "the same name, from either node, is the same key");
        assertFalse(keys.get(0).toLowerCase().contains("autumn"), keys.get(0));
        assertEquals("username:".length() + 43, keys.get(0).length());
    }

    @Test
    void historyWrittenOnNodeADrivesNodeBsNoveltySignals() {
        String userId = realm.userId("novelty");
        grant(adminA, "novelty", TestGeoData.LONDON);
        JsonNode abroad = grant(adminB, "novelty", TestGeoData.LINKOPING);
        // Without A's sign-in B would see no history, and a first sign-in has no novelty at all.
        assertTrue(signals(abroad).containsAll(Set.of("NEW_COUNTRY", "NEW_NETWORK", "NEW_IP")), abroad.toString());

        JsonNode home = grant(adminB, "novelty", TestGeoData.LONDON);
        assertFalse(signals(home).contains("NEW_COUNTRY"), "London is known from node A: " + home);
        assertEquals(3, realm.userEvents(userId).size());
    }

    @Test
    void settingsSavedOnNodeAApplyOnNodeB() {
        String blocked = "198.51.100.80";
        // B reads (and memoises) the AUDIT settings first, so a stale copy would show below.
        grant(adminB, "settings", blocked);
        assertEquals("AUDIT", AdminApi.ok(adminB.get("/" + realm.name() + "/threat-protection/settings"))
                .get("mode").asText());

        realm.saveSettings(Map.of("mode", "ENFORCED", "ipExceptions", Map.of("alwaysBlock", List.of(blocked))));
        try {
            HttpResponse<String> onNodeB = adminB.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "settings",
                    TestRealm.PASSWORD, "X-Forwarded-For", blocked);
            assertEquals(400, onNodeB.statusCode(), "blocked on B by the list saved on A: " + onNodeB.body());
            JsonNode event = realm.latestUserEvent(realm.userId("settings"));
            assertEquals("ALWAYS_BLOCK", event.at("/risk/override").asText(), event.toString());
            assertEquals("ENFORCED", AdminApi.ok(adminB.get("/" + realm.name() + "/threat-protection/settings"))
                    .get("mode").asText());
        } finally {
            realm.saveSettings(Map.of("mode", "AUDIT"));
        }
        grant(adminB, "settings", blocked);
    }

    @Test
    void eventIdsWrittenInParallelOnBothNodesNeverCollide() throws Exception {
        int perNode = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> grants = new ArrayList<>();
            for (int i = 0; i < perNode; i++) {
                grants.add(CompletableFuture.supplyAsync(() -> status(adminA, "parallel-a"), pool));
                grants.add(CompletableFuture.supplyAsync(() -> status(adminB, "parallel-b"), pool));
            }
            for (CompletableFuture<Integer> grant : grants) {
                assertEquals(200, grant.get());
            }
        } finally {
            pool.shutdown();
        }
        Set<String> ids = new HashSet<>();
        int events = 0;
        for (String username : List.of("parallel-a", "parallel-b")) {
            JsonNode history = AdminApi.ok(adminA.get("/" + realm.name() + "/threat-protection/users/"
                    + realm.userId(username) + "/events?max=100"));
            for (JsonNode event : history) {
                ids.add(event.get("id").asText());
                events++;
            }
        }
        assertEquals(2 * perNode, events, "every sign-in on either node recorded once");
        assertEquals(events, ids.size(), "no two events share an id");
    }

    @Test
    void aFeedbackLinkIssuedByNodeAWorksOnNodeBOnce() throws Exception {
        try (Mailbox mailbox = Mailbox.start()) {
            realm.update(Map.of("smtpServer", mailbox.smtpSettings()));
            realm.saveSettings(Map.of("mode", "ENFORCED",
                    "accountTakeover", Map.of("low", Map.of("action", "NO_ACTION", "notify", true))));
            try {
                String eventId = grant(adminA, "notified", "192.0.2.97").get("id").asText();
                List<String> links = Mailbox.links(mailbox.awaitMail("notified@example.org", eventId).text(),
                        "feedback?key=");
                assertTrue(links.get(0).startsWith(nodeA.baseUrl()), "issued with node A's address: " + links);
                String onB = nodeB.baseUrl() + links.get(0).substring(nodeA.baseUrl().length());

                Browser browser = new Browser(nodeB.baseUrl(), "192.0.2.97");
                Browser.Result confirm = browser.open(onB);
                assertEquals(200, confirm.status(), confirm.page());
                Matcher key = Pattern.compile("name=\"key\" value=\"([^\"]+)\"").matcher(confirm.page());
                assertTrue(key.find(), confirm.page());
                Browser.Result done = browser.submitForm(confirm.page(), "feedback-form", Map.of("key", key.group(1)));
                assertEquals(200, done.status(), done.page());
                assertEquals("VALID", realm.latestUserEvent(realm.userId("notified")).at("/feedback/value").asText());

                Browser.Result replayOnA = new Browser(nodeA.baseUrl(), "192.0.2.97").open(links.get(0));
                assertEquals(400, replayOnA.status(), "used on B, so used on A too");
            } finally {
                realm.saveSettings(Map.of("mode", "AUDIT"));
            }
        }
    }

    @Test
    void eventsOlderThanTheRetentionArePurgedOnTheNextRun() throws Exception {
        realm.saveSettings(Map.of("mode", "AUDIT", "retention", Map.of("eventDays", 1)));
        try {
            String aged = grant(adminA, "aged", "192.0.2.95").get("id").asText();
            String kept = grant(adminB, "kept", "192.0.2.96").get("id").asText();
            // Two days in the past: what the clock would say of this row two days from now
            try (Connection db = keycloakDatabase();
                 PreparedStatement age = db.prepareStatement(
                         "update tp_risk_event set event_time = event_time - ? where id = ?")) {
                age.setLong(1, Duration.ofDays(2).toMillis());
                age.setString(2, aged);
                assertEquals(1, age.executeUpdate());
            }
            Thread.sleep(Duration.ofSeconds(3L * PURGE_INTERVAL_SECONDS).toMillis());
            assertEquals(0, realm.userEvents(realm.userId("aged")).size(), "the aged event was purged");
            JsonNode remaining = realm.userEvents(realm.userId("kept"));
            assertEquals(1, remaining.size());
            assertEquals(kept, remaining.get(0).get("id").asText(), "a fresh event stays");
        } finally {
            realm.saveSettings(Map.of("mode", "AUDIT"));
        }
    }

    /**
     * Reads of the failure table fail for one sign-in (the risk engine's reads, not Keycloak's): the score cannot
     * be computed, and the server's risk-evaluation-failure action (default BLOCK) applies, recorded and counted.
     */
    @Test
    void aRiskEngineFailureGetsTheSafeActionRecordedAndCounted() throws Exception {
        String userId = realm.userId("engine-fault");
        double before = dependencyErrors(nodeB, "risk_engine");
        realm.saveSettings(Map.of("mode", "ENFORCED"));
        HttpResponse<String> during;
        try (Connection db = keycloakDatabase(); Statement sql = db.createStatement()) {
            sql.execute("revoke select on tp_failed_sign_in from keycloak");
            try {
                during = adminB.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "engine-fault",
                        TestRealm.PASSWORD, "X-Forwarded-For", "192.0.2.98");
            } finally {
                sql.execute("grant select on tp_failed_sign_in to keycloak");
                realm.saveSettings(Map.of("mode", "AUDIT"));
            }
        }
        assertEquals(400, during.statusCode(), "blocked like a wrong password: " + during.body());
        assertTrue(during.body().contains("invalid_grant"), during.body());
        JsonNode event = realm.latestUserEvent(userId);
        assertEquals("FAIL", event.get("response").asText());
        assertEquals("BLOCK", event.at("/risk/action").asText());
        assertEquals("HIGH", event.at("/risk/level").asText());
        assertTrue(signals(event).contains("RISK_EVALUATION_FAILED"), event.toString());
        assertTrue(dependencyErrors(nodeB, "risk_engine") > before, "counted in node B's /metrics");
        assertEquals(200, adminB.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "engine-fault",
                TestRealm.PASSWORD, "X-Forwarded-For", "192.0.2.98").statusCode(), "works again once repaired");
    }

    /**
     * The table the velocity signals read and failures are written to disappears for one sign-in, as when the
     * database fails mid-request: the sign-in must fail cleanly, never half-succeed.
     */
    @Test
    void aDatabaseFailureDuringASignInLeavesNoHalfWrittenSignIn() throws Exception {
        String userId = realm.userId("db-fault");
        HttpResponse<String> during;
        try (Connection db = keycloakDatabase(); Statement sql = db.createStatement()) {
            sql.execute("alter table tp_failed_sign_in rename to tp_failed_sign_in_away");
            try {
                during = adminB.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "db-fault", TestRealm.PASSWORD,
                        "X-Forwarded-For", "192.0.2.97");
            } finally {
                sql.execute("alter table tp_failed_sign_in_away rename to tp_failed_sign_in");
            }
        }
        JsonNode events = realm.userEvents(userId);
        System.out.println("[cluster] database fault during a sign-in: HTTP " + during.statusCode() + " "
                + during.body() + "; events written: " + events.size());
        assertTrue(during.statusCode() != 200 || events.size() == 1, "a token was issued only with its event");
        assertTrue(during.statusCode() == 200 || events.isEmpty() || events.get(0).get("response").asText()
                .equals("FAIL"), "no event says PASS for a sign-in that failed: " + events);
        assertEquals(200, adminB.passwordGrantResponse(realm.name(), TestRealm.CLIENT, "db-fault",
                TestRealm.PASSWORD, "X-Forwarded-For", "192.0.2.97").statusCode(), "works again once repaired");
    }

    private static Connection keycloakDatabase() throws SQLException {
        return postgres.getDatabase("postgres", "keycloak").getConnection();
    }

    private static double dependencyErrors(DistributionKeycloakServer node, String dependency) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.managementUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher sample = Pattern.compile("(?m)^threat_protection_dependency_errors_total"
                + "\\{dependency=\"" + dependency + "\"[^}]*\\} (\\S+)$").matcher(metrics);
        if (!sample.find()) {
            throw new AssertionError("no dependency_errors sample for " + dependency);
        }
        return Double.parseDouble(sample.group(1));
    }

    private static int status(AdminApi node, String username) {
        return node.passwordGrantResponse(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD,
                "X-Forwarded-For", "192.0.2.90").statusCode();
    }

    /** A successful direct grant on a node from an address; returns the user's newest risk event. */
    private static JsonNode grant(AdminApi node, String username, String address) {
        HttpResponse<String> response = node.passwordGrantResponse(realm.name(), TestRealm.CLIENT, username,
                TestRealm.PASSWORD, "X-Forwarded-For", address);
        assertEquals(200, response.statusCode(), response.body());
        return realm.latestUserEvent(realm.userId(username));
    }

    private static Set<String> signals(JsonNode event) {
        Set<String> signals = new HashSet<>();
        event.at("/risk/reasons").forEach(reason -> signals.add(reason.get("signal").asText()));
        return signals;
    }

    private static String reason(JsonNode event, String signal) {
        for (JsonNode reason : event.at("/risk/reasons")) {
            if (signal.equals(reason.get("signal").asText())) {
                return reason.get("detail").asText();
            }
        }
        throw new AssertionError("no " + signal + " in " + event);
    }

    private static List<String> with(List<String> options, String option) {
        List<String> all = new ArrayList<>(options);
        all.add(option);
        return all;
    }

    /** A copy of the distribution for one node, made once; the server start replaces its JAR and data. */
    private static Path copyOf(Path distribution, Path nodeDirectory) throws IOException {
        Path home = nodeDirectory.resolve(distribution.getFileName());
        if (Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Path partial = nodeDirectory.resolve("copying");
        try (Stream<Path> walk = Files.walk(distribution)) {
            for (Path source : walk.toList()) {
                Path target = partial.resolve(distribution.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.move(partial, home);
        return home;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
