package io.github.threatprotection.history;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.threatprotection.risk.RiskScoring;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One sign-in's risk reads on a real PostgreSQL (embedded) while a realm is under attack, with the velocity counts
 * bounded as the extension reads them and, as the baseline in the same run, unbounded (every failure in the
 * window). The failure table holds a day of background failures (20,000: 3,000 usernames, 500 networks) and an
 * attack of the last 10 minutes: 100,000 failures from one /24 for 20,000 usernames, every twentieth against one
 * user. Scenarios: a quiet user on a quiet network, the attacked user on a quiet network, a quiet user on the
 * attacking network. Each call reads and commits, as a sign-in's transaction does; the user has no history.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Thread)
public class VelocityReadBenchmark {

    private static final String REALM = "realm-1";
    private static final String ATTACKING_NETWORK = "203.0.113.0/24";

    @Param({"quiet", "attackedUser", "attackingNetwork"})
    public String scenario;

    private EmbeddedPostgres postgres;
    private Connection connection;
    private String user;
    private String network;
    private Instant since;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        connection = postgres.getPostgresDatabase().getConnection();
        long now = System.currentTimeMillis();
        try (Statement sql = connection.createStatement()) {
            RiskReadTables.create(sql);
            // the history's index, and the failures' as the changelog leaves them
            sql.execute("CREATE INDEX IDX_TP_RISK_EVENT_USER ON TP_RISK_EVENT (REALM_ID, USER_ID, EVENT_TIME)");
            for (String index : RiskReadTables.changelogIndexes("TP_FAILED_SIGN_IN")) {
                sql.execute(index);
            }
            sql.execute("INSERT INTO TP_FAILED_SIGN_IN SELECT 'b' || g, '" + REALM + "', 'user-' || (g % 3000),"
                    + " 'network-' || (g % 500), " + now + " - g * 4000 FROM generate_series(1, 20000) g");
            sql.execute("INSERT INTO TP_FAILED_SIGN_IN SELECT 'a' || g, '" + REALM + "',"
                    + " CASE WHEN g % 20 = 0 THEN 'victim' ELSE 'sprayed-' || (g % 20000) END, '"
                    + ATTACKING_NETWORK + "', " + now + " - g * 6 FROM generate_series(1, 100000) g");
            sql.execute("VACUUM ANALYZE TP_FAILED_SIGN_IN");
        }
        connection.setAutoCommit(false);
        user = scenario.equals("attackedUser") ? "victim" : "user-7";
        network = scenario.equals("attackingNetwork") ? ATTACKING_NETWORK : "network-7";
        since = Instant.ofEpochMilli(now).minus(RiskScoring.DEFAULTS.velocityWindow());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, SQLException {
        connection.close();
        postgres.close();
    }

    @Benchmark
    public RecentActivity bounded() throws SQLException {
        return read(RiskScoring.DEFAULTS.failuresToRead());
    }

    @Benchmark
    public RecentActivity unbounded() throws SQLException {
        return read(Integer.MAX_VALUE);
    }

    private RecentActivity read(int maxFailures) throws SQLException {
        RecentActivity activity = RecentActivityStore.read(connection, "TP_RISK_EVENT", "TP_FAILED_SIGN_IN", REALM,
                user, network, since, 50, maxFailures);
        connection.commit();
        return activity;
    }
}
