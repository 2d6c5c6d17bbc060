package io.github.threatprotection.history;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.decision.ReplayFacts;
import io.github.threatprotection.decision.Simulation;
import io.github.threatprotection.decision.SignInReplay;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.SignInFacts;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The what-if replay of stored events (docs/benchmarks.md, "What-if replay"), not a test: a realm's events in
 * {@code TP_RISK_EVENT} on an embedded PostgreSQL, streamed by {@link StoredEventReplay} into a {@link Simulation}
 * of a draft against the realm's settings, as {@code POST …/simulate} runs it. Prints wall time per run at several
 * window sizes, the per-event cost (the slope of a least-squares line through them), the 10,000,000-event
 * extrapolation and, in one more run that is not timed, the live heap: the largest heap in use right after full
 * collections forced every 100 ms, against the heap after one before the run. Run it with a small heap (-Xmx128m)
 * to see the events are not held.
 * <p>
 * Arguments: events (default 1,000,000), runs per size (default 5).
 */
public final class ReplayBenchmark {

    private static final String REALM = "realm-1";
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long SPAN = 300L * 24 * 3600 * 1000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ReplayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Connection connection = postgres.getPostgresDatabase().getConnection()) {
            long loading = System.nanoTime();
            load(connection, events);
            System.out.printf(Locale.ROOT, "loaded %,d events in %.1f s%n", events,
                    (System.nanoTime() - loading) / 1e9);
            connection.setAutoCommit(false);
            RealmSettings current = settings("{\"mode\":\"AUDIT\"}");
            StringBuilder block = new StringBuilder();
            // 200 ranges, one of which (100.7.0.0/16) holds 1/240 of the events
            block.append("\"100.7.0.0/16\"");
            for (int i = 1; i < 200; i++) {
                block.append(",\"10.").append(i).append(".0.0/16\"");
            }
            RealmSettings draft = settings("{\"mode\":\"ENFORCED\",\"riskScoring\":{\"thresholds\":{\"medium\":20},"
                    + "\"impossibleTravelKmh\":2000},\"ipExceptions\":{\"alwaysBlock\":[" + block + "]}}");
            replay(connection, current, draft, SPAN, true);  // warm-up: JIT and the database's cache
            List<double[]> points = new ArrayList<>();
            for (double share : new double[] {0.25, 0.5, 1.0}) {
                long span = (long) (SPAN * share);
                for (int run = 0; run < runs; run++) {
                    long started = System.nanoTime();
                    long cpuStarted = THREADS.getCurrentThreadCpuTime();
                    Simulation simulation = replay(connection, current, draft, span, run == 0 && share == 1.0);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
                    points.add(new double[] {simulation.events(), seconds});
                    System.out.printf(Locale.ROOT, "%,9d events: %.3f s (%.2f µs per event), this thread's CPU %.3f s"
                            + " (%.2f µs per event), load average %.1f%n", simulation.events(), seconds,
                            seconds * 1e6 / simulation.events(), cpu, cpu * 1e6 / simulation.events(),
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                }
            }
            double[] line = fit(points);
            System.out.printf(Locale.ROOT, "slope %.3f µs per event, intercept %.3f s; 10,000,000 events: %.1f s%n",
                    line[0] * 1e6, line[1], line[1] + line[0] * 10_000_000);
            LiveHeap heap = new LiveHeap();
            replay(connection, current, draft, SPAN, false);
            heap.stop();
            System.out.printf(Locale.ROOT, "live heap (full collections every %d ms during one more run over all"
                    + " events): %.1f MB before the run, at most %.1f MB during it, %d collections (max heap %.0f MB)%n",
                    LiveHeap.PERIOD_MS, heap.baseline / 1e6, heap.peak / 1e6, heap.collections,
                    Runtime.getRuntime().maxMemory() / 1e6);
        }
    }

    private static Simulation replay(Connection connection, RealmSettings current, RealmSettings draft, long span,
                                     boolean print) throws Exception {
        Simulation simulation = new Simulation(current, draft, new SignInReplay(RiskAction.BLOCK, false));
        StoredEventReplay.replay(connection, "TP_RISK_EVENT", REALM, Instant.ofEpochMilli(START),
                Instant.ofEpochMilli(START + span), null, simulation);
        connection.commit();
        if (print) {
            System.out.printf("events %d, not replayable %d, current %s, proposed %s, transitions %d%n",
                    simulation.events(), simulation.notReplayable(), simulation.current().byAction(),
                    simulation.proposed().byAction(), simulation.transitions().size());
        }
        return simulation;
    }

    /**
     * Events spread evenly over 300 days: 50,000 users, about 60,000 addresses, facts drawn from 2,000 made-up
     * sign-ins (novelty, travel, failures, reputation, breach answers), a tenth of the rows older ones with
     * reasons in place of facts, one in fifty with feedback.
     */
    private static void load(Connection connection, int events) throws Exception {
        Random random = new Random(22);
        try (Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE TP_RISK_EVENT (ID VARCHAR(36) PRIMARY KEY, REALM_ID VARCHAR(36) NOT NULL,"
                    + " USER_ID VARCHAR(255), CLIENT_ID VARCHAR(255), EVENT_TYPE VARCHAR(20) NOT NULL,"
                    + " EVENT_TIME BIGINT NOT NULL, RESPONSE VARCHAR(10) NOT NULL, RISK_LEVEL VARCHAR(10) NOT NULL,"
                    + " RISK_ACTION VARCHAR(20) NOT NULL, ENFORCED BOOLEAN NOT NULL,"
                    + " COMPROMISED_CREDENTIALS BOOLEAN NOT NULL, REASONS TEXT, IP_ADDRESS VARCHAR(64),"
                    + " COUNTRY VARCHAR(64), NETWORK VARCHAR(64), ASN BIGINT, AUTH_METHOD VARCHAR(20),"
                    + " MFA_OUTCOME VARCHAR(10), FEEDBACK_VALUE VARCHAR(10), NOTIFY_KIND VARCHAR(20),"
                    + " FACTS VARCHAR(255))");
            sql.execute("CREATE TABLE FACT_POOL (N INT PRIMARY KEY, FACTS VARCHAR(255), REASONS TEXT,"
                    + " LEVEL VARCHAR(10), ACTION VARCHAR(20))");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO FACT_POOL VALUES (?, ?, ?, ?, ?)")) {
            for (int n = 0; n < 2000; n++) {
                SignInFacts.Travel travel = random.nextInt(5) == 0 ? new SignInFacts.Travel(random.nextInt(3000),
                        random.nextDouble() * 3000, random.nextInt(86_400_000), "the previous sign-in (GB)") : null;
                SignInFacts signals = new SignInFacts(random.nextInt(10) > 0, random.nextInt(4) == 0, false,
                        random.nextInt(3) == 0, random.nextInt(4) == 0, random.nextInt(15) == 0,
                        random.nextInt(12) == 0, travel, random.nextInt(50) == 0
                        ? "100.64.0.1 is on reputation list bad.txt (entry 100.64.0.0/10)" : null,
                        random.nextInt(7), 0, random.nextInt(12), random.nextInt(30), random.nextBoolean(), null);
                CompromisedCredentialCheck.Result breach = new CompromisedCredentialCheck.Result(random.nextInt(40)
                        == 0 ? CompromisedCredentialCheck.Status.FOUND : CompromisedCredentialCheck.Status.NOT_FOUND,
                        100, false, "");
                insert.setInt(1, n);
                boolean older = n % 10 == 0;
                insert.setString(2, older ? null : new ReplayFacts(signals, random.nextInt(5) == 0, breach,
                        random.nextBoolean() ? "otp" : "none", true, 15, false).encode());
                insert.setString(3, older ? "[{\"signal\":\"NEW_DEVICE\",\"score\":15,\"detail\":\"this browser has"
                        + " not signed in as this user before\"},{\"signal\":\"NEW_IP\",\"score\":5,\"detail\":"
                        + "\"first successful sign-in from 81.2.69.142\"}]" : null);
                insert.setString(4, "LOW");
                insert.setString(5, "NO_ACTION");
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO TP_RISK_EVENT SELECT 'e' || g, '" + REALM + "', 'user-' || (g % 50000),"
                    + " 'app', 'SIGN_IN', " + START + " + (g::bigint * " + SPAN + ") / " + events + ", 'PASS',"
                    + " p.LEVEL, p.ACTION, false, false, p.REASONS,"
                    + " '100.' || (g % 240) || '.' || (g / 240 % 250) || '.' || (g % 7),"
                    + " 'GB', '100.' || (g % 240) || '.' || (g / 240 % 250) || '.0/24', 20712, 'PASSWORD', NULL,"
                    + " CASE WHEN g % 50 = 0 THEN 'VALID' WHEN g % 50 = 1 THEN 'INVALID' END, NULL, p.FACTS"
                    + " FROM generate_series(1, " + events + ") g JOIN FACT_POOL p ON p.N = (g::bigint * 7919) % 2000");
            sql.execute("CREATE INDEX IDX_TP_RISK_EVENT_TIME ON TP_RISK_EVENT (REALM_ID, EVENT_TIME)");
            sql.execute("VACUUM ANALYZE TP_RISK_EVENT");
        }
    }

    private static RealmSettings settings(String json) throws Exception {
        return SettingsParser.parse((ObjectNode) Json.read(json), clientId -> true);
    }

    /** Least squares: seconds = slope × events + intercept. */
    private static double[] fit(List<double[]> points) {
        double n = points.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return new double[] {slope, (sy - slope * sx) / n};
    }

    /**
     * What the run keeps reachable: a full collection every {@link #PERIOD_MS} ms from another thread, the heap in
     * use read right after each. Garbage a young collection would leave in the old generation is not counted. Slows
     * the run it watches, which is therefore not timed.
     */
    private static final class LiveHeap {
        static final long PERIOD_MS = 100;
        private final long baseline;
        private final Thread collector;
        private volatile boolean running = true;
        private long peak;
        private int collections;

        LiveHeap() {
            System.gc();
            baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            peak = baseline;
            collector = new Thread(() -> {
                while (running) {
                    System.gc();
                    peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                    collections++;
                    try {
                        Thread.sleep(PERIOD_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            collector.start();
        }

        void stop() throws InterruptedException {
            running = false;
            collector.join();
        }
    }
}
