package io.github.threatprotection.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.threatprotection.risk.SignInObservation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The risk score's reads in plain SQL, on H2 (Keycloak's default database) and a real PostgreSQL, where a failed
 * statement aborts the whole transaction unless it is rolled back to a savepoint. The tables are those of
 * {@link RiskReadTables}; the integration tests run the reads on Keycloak's own schema.
 */
class RecentActivityStoreTest {

    private static final String REALM = "realm-1";
    private static final String USER = "user-1";
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    static Stream<String> databases() {
        return Stream.of("H2", "PostgreSQL");
    }

    private static Connection open(String database) throws SQLException {
        Connection connection = database.equals("H2")
                ? DriverManager.getConnection("jdbc:h2:mem:" + UUID.randomUUID())
                : postgres.getPostgresDatabase().getConnection();
        try (Statement ddl = connection.createStatement()) {
            RiskReadTables.create(ddl);
        }
        // As in a sign-in: the reads run inside the request's transaction.
        connection.setAutoCommit(false);
        return connection;
    }

    private static RecentActivity read(Connection connection, String network, int max) throws SQLException {
        return read(connection, network, max, 1_000);
    }

    private static RecentActivity read(Connection connection, String network, int max, int maxFailures)
            throws SQLException {
        return RecentActivityStore.read(connection, "TP_RISK_EVENT", "TP_FAILED_SIGN_IN", REALM, USER, network,
                NOW.minusSeconds(3600), max, maxFailures);
    }

    private static void event(Connection connection, String realm, String user, String type, long minutesAgo,
                              String response, String address, Long asn, String feedback) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO TP_RISK_EVENT (ID, REALM_ID,"
                + " USER_ID, EVENT_TYPE, EVENT_TIME, RESPONSE, IP_ADDRESS, NETWORK, COUNTRY, ASN, LATITUDE,"
                + " LONGITUDE, ACCURACY_KM, DEVICE_ID, FEEDBACK_VALUE) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, realm);
            insert.setString(3, user);
            insert.setString(4, type);
            insert.setLong(5, NOW.minusSeconds(60 * minutesAgo).toEpochMilli());
            insert.setString(6, response);
            insert.setString(7, address);
            insert.setString(8, address + "/24");
            insert.setString(9, asn == null ? null : "DE");
            insert.setObject(10, asn);
            insert.setObject(11, asn == null ? null : 52.5);
            insert.setObject(12, asn == null ? null : 13.4);
            insert.setObject(13, asn == null ? null : 20);
            insert.setString(14, "device-" + minutesAgo);
            insert.setString(15, feedback);
            insert.executeUpdate();
        }
    }

    private static void failure(Connection connection, String user, String network, long minutesAgo)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO TP_FAILED_SIGN_IN (ID, REALM_ID,"
                + " USER_KEY, NETWORK, FAILED_AT) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, REALM);
            insert.setString(3, user);
            insert.setString(4, network);
            insert.setLong(5, NOW.minusSeconds(60 * minutesAgo).toEpochMilli());
            insert.executeUpdate();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void readsTheUsersTrustedSignInsNewestFirstUpToTheLimit(String database) throws SQLException {
        try (Connection connection = open(database)) {
            event(connection, REALM, USER, "SIGN_IN", 30, "PASS", "192.0.2.30", 64500L, null);
            event(connection, REALM, USER, "SIGN_IN", 10, "PASS", "192.0.2.10", null, null);
            event(connection, REALM, USER, "SIGN_IN", 20, "FAIL", "192.0.2.20", 64500L, "INVALID");
            event(connection, REALM, USER, "SIGN_IN", 5, "FAIL", "192.0.2.5", 64500L, null);
            event(connection, REALM, USER, "SIGN_UP", 1, "PASS", "192.0.2.1", 64500L, null);
            event(connection, REALM, "user-2", "SIGN_IN", 2, "PASS", "192.0.2.2", 64500L, null);
            event(connection, "realm-2", USER, "SIGN_IN", 3, "PASS", "192.0.2.3", 64500L, null);

            List<SignInObservation> signIns = read(connection, null, 50).signIns();
            assertEquals(List.of("192.0.2.10", "192.0.2.20", "192.0.2.30"),
                    signIns.stream().map(SignInObservation::ipAddress).toList(),
                    "passed or with feedback, this user in this realm, sign-ins only, newest first");
            SignInObservation newest = signIns.get(0);
            assertNull(newest.asn());
            assertNull(newest.latitude());
            assertNull(newest.accuracyRadiusKm());
            assertFalse(newest.disowned());
            assertTrue(signIns.get(1).disowned(), "feedback INVALID comes marked");
            SignInObservation oldest = signIns.get(2);
            assertEquals(NOW.minusSeconds(1800), oldest.time());
            assertEquals("192.0.2.30/24", oldest.network());
            assertEquals("DE", oldest.country());
            assertEquals(64500L, oldest.asn());
            assertEquals(52.5, oldest.latitude());
            assertEquals(13.4, oldest.longitude());
            assertEquals(20, oldest.accuracyRadiusKm());
            assertEquals("device-30", oldest.deviceId());

            assertEquals(List.of("192.0.2.10", "192.0.2.20"), read(connection, null, 2).signIns().stream()
                    .map(SignInObservation::ipAddress).toList(), "the limit keeps the newest");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void countsTheUsersFailuresAndTheUsernamesFailingFromTheNetworkWithinTheWindow(String database)
            throws SQLException {
        try (Connection connection = open(database)) {
            failure(connection, USER, "198.51.100.0/24", 5);
            failure(connection, USER, "203.0.113.0/24", 10);
            failure(connection, USER, "198.51.100.0/24", 90);
            failure(connection, "user-2", "198.51.100.0/24", 1);
            failure(connection, "user-2", "198.51.100.0/24", 2);
            failure(connection, "user-3", "198.51.100.0/24", 3);
            failure(connection, "user-4", "203.0.113.0/24", 4);

            RecentActivity activity = read(connection, "198.51.100.0/24", 50);
            assertEquals(2, activity.userFailures(), "the user's failures in the last hour, from any network");
            assertEquals(Map.of("198.51.100.0/24", 1, "203.0.113.0/24", 1), activity.userFailuresByNetwork(),
                    "each network's share, so that failures from networks the user never used can weigh less");
            assertEquals(3, activity.networkUsers(), "different usernames that failed from the network in the hour");
            assertEquals(4, activity.networkFailures(), "the network's failures in the hour");
            assertTrue(activity.signIns().isEmpty());

            RecentActivity noNetwork = read(connection, null, 50);
            assertEquals(2, noNetwork.userFailures());
            assertEquals(0, noNetwork.networkUsers(), "no network, no network failures");
            assertEquals(0, noNetwork.networkFailures());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theCountsReadOnlyTheLatestFailuresUpToTheLimit(String database) throws SQLException {
        try (Connection connection = open(database)) {
            for (int minutesAgo = 1; minutesAgo <= 20; minutesAgo++) {
                failure(connection, USER, "203.0.113.0/24", minutesAgo);
            }
            // From the network: three usernames in the latest four failures, three others before them.
            failure(connection, "user-2", "198.51.100.0/24", 1);
            failure(connection, "user-3", "198.51.100.0/24", 2);
            failure(connection, "user-2", "198.51.100.0/24", 3);
            failure(connection, "user-4", "198.51.100.0/24", 4);
            failure(connection, "user-5", "198.51.100.0/24", 5);
            failure(connection, "user-6", "198.51.100.0/24", 6);
            failure(connection, "user-7", "198.51.100.0/24", 7);

            RecentActivity limited = read(connection, "198.51.100.0/24", 50, 4);
            assertEquals(4, limited.userFailures(), "the user's 20 failures, counted up to the limit");
            assertEquals(Map.of("203.0.113.0/24", 4), limited.userFailuresByNetwork());
            assertEquals(4, limited.networkFailures());
            assertEquals(3, limited.networkUsers(), "usernames among the network's latest 4 failures");

            RecentActivity whole = read(connection, "198.51.100.0/24", 50, 1_000);
            assertEquals(20, whole.userFailures());
            assertEquals(7, whole.networkFailures());
            assertEquals(6, whole.networkUsers());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aFailedReadFailsOnlyTheReadAndTheTransactionGoesOn(String database) throws SQLException {
        try (Connection connection = open(database)) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE TP_FAILED_SIGN_IN");
            }
            IllegalStateException failed = assertThrows(IllegalStateException.class,
                    () -> read(connection, "198.51.100.0/24", 50));
            assertTrue(failed.getMessage().startsWith("reading the sign-in history failed"), failed.getMessage());

            // What the sign-in does next in the same transaction: store its event, commit.
            event(connection, REALM, USER, "SIGN_IN", 0, "FAIL", "192.0.2.99", null, null);
            connection.commit();
            try (Statement count = connection.createStatement();
                 var rows = count.executeQuery("SELECT COUNT(*) FROM TP_RISK_EVENT")) {
                rows.next();
                assertEquals(1, rows.getInt(1), "the event written after the failed read was committed");
            }
        }
    }

    @Test
    void onPostgresqlBothReadsArePlannedOnceAndTheTransactionKeepsItsPlanSetting() throws SQLException {
        try (Connection connection = open("PostgreSQL")) {
            for (int i = 0; i < 20; i++) {
                event(connection, REALM, "user-" + i % 4, "SIGN_IN", i, "PASS", "192.0.2." + i, null, null);
            }
            connection.commit();
            try (Statement session = connection.createStatement()) {
                // Whatever the session chose for itself must survive the read.
                session.execute("SET plan_cache_mode TO force_custom_plan");
            }
            // The JDBC driver prepares a statement on the server from its fifth use: read well past that.
            for (int i = 0; i < 10; i++) {
                assertEquals(5, read(connection, "198.51.100.0/24", 50).signIns().size());
                assertEquals("force_custom_plan", planCacheMode(connection), "read " + (i + 1));
                connection.commit();
            }
            for (String read : List.of("ORDER BY EVENT_TIME DESC", "FROM TP_FAILED_SIGN_IN")) {
                try (PreparedStatement plans = connection.prepareStatement("SELECT generic_plans, custom_plans"
                        + " FROM pg_prepared_statements WHERE statement LIKE ?")) {
                    plans.setString(1, "%" + read + "%");
                    try (var rows = plans.executeQuery()) {
                        assertTrue(rows.next(), read + ": a prepared statement on the server");
                        assertTrue(rows.getLong(1) > 0, read + ": generic plans " + rows.getLong(1));
                        assertEquals(0, rows.getLong(2), read + ": custom plans");
                    }
                }
            }
        }
    }

    /**
     * The counts' generic plan, with the failures table's indexes as the changelog leaves them. With an index on
     * FAILED_AT alone, it walked that index newest first and filtered, which reads every failure in the window
     * when the realm has none: one realm's attack slowed every sign-in of the others (load driver: 123 ms).
     */
    @Test
    void onPostgresqlAnotherRealmsAttackDoesNotMakeTheReadWalkItsFailures() throws Exception {
        try (Connection connection = open("PostgreSQL")) {
            try (Statement sql = connection.createStatement()) {
                for (String index : RiskReadTables.changelogIndexes("TP_FAILED_SIGN_IN")) {
                    sql.execute(index);
                }
                sql.execute("INSERT INTO TP_FAILED_SIGN_IN SELECT 'a' || g, 'realm-attacked', 'sprayed-' || g,"
                        + " '198.51.100.0/24', " + NOW.toEpochMilli() + " - g * 10 FROM generate_series(1, 50000) g");
                sql.execute("ANALYZE TP_FAILED_SIGN_IN");
            }
            connection.commit();
            // well past the fifth use, from which the JDBC driver prepares the statement on the server
            for (int i = 0; i < 10; i++) {
                RecentActivity quiet = read(connection, "198.51.100.0/24", 50);
                assertEquals(0, quiet.userFailures());
                assertEquals(0, quiet.networkFailures());
            }
            try (Statement stats = connection.createStatement();
                 var rows = stats.executeQuery("SELECT seq_tup_read + idx_tup_fetch FROM pg_stat_xact_user_tables"
                         + " WHERE relname = 'tp_failed_sign_in'")) {
                assertTrue(rows.next());
                assertTrue(rows.getLong(1) < 1_000, "failures read in 10 reads: " + rows.getLong(1));
            }
        }
    }

    private static String planCacheMode(Connection connection) throws SQLException {
        try (Statement show = connection.createStatement();
             var rows = show.executeQuery("SHOW plan_cache_mode")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
