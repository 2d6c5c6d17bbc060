package io.github.threatprotection.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.threatprotection.notification.NotificationSender;

/**
 * Where a sign-in's CPU goes: the time Linux accounts to each process (Keycloak, PostgreSQL, the driver) and to
 * some of their threads, read before and after every measured batch and summed per realm and concurrency.
 */
final class CpuAccounting {

    /** The columns of {@link #totals()} after the sign-in count, in this order. */
    private static final List<String> COLUMNS = List.of("Keycloak serving the realm",
            "of which its notification thread", "of which GC threads", "of which JIT compiler threads",
            "PostgreSQL", "driver: browsers", "driver: rest (SMTP sink, GC, JIT)", "the other Keycloak (idle)");
    /** CPU counters read per server: the process tree, its notification thread, GC threads, JIT threads. */
    private static final int SERVER_CPU = 4;
    private static final String[] NOTIFICATION_THREADS = {NotificationSender.THREAD_NAME};
    /** HotSpot's names for G1's threads and for the JIT compilers' threads. */
    private static final String[] GC_THREADS = {"GC Thread", "G1 "};
    private static final String[] JIT_THREADS = {"C1 CompilerThread", "C2 CompilerThread"};
    private static final String[] SIGN_IN_THREADS = {SignIns.THREAD_NAME};

    private final RunningServer branch;
    /** The second server, null without one. */
    private final RunningServer baseline;
    private final long postmaster;
    /** Per realm and concurrency: measured sign-ins, then CPU milliseconds in the order of {@link #COLUMNS}. */
    private final Map<String, double[]> totals = new LinkedHashMap<>();

    CpuAccounting(Servers servers, long postmaster) {
        this.branch = servers.branch();
        this.baseline = servers.baseline();
        this.postmaster = postmaster;
    }

    /**
     * CPU milliseconds so far: this build's server, its notification, GC and JIT threads, the same four for the
     * second server (0 without), PostgreSQL, the driver's sign-in threads, the whole driver.
     */
    double[] now() {
        long driver = ProcessHandle.current().pid();
        double[] now = new double[SERVER_CPU * 2 + 3];
        serverCpu(now, 0, branch);
        serverCpu(now, SERVER_CPU, baseline);
        now[SERVER_CPU * 2] = CpuTime.ofProcessTree(ProcessHandle.of(postmaster).orElseThrow());
        now[SERVER_CPU * 2 + 1] = CpuTime.ofThreads(driver, SIGN_IN_THREADS)[0];
        now[SERVER_CPU * 2 + 2] = CpuTime.ofProcess(driver);
        return now;
    }

    private static void serverCpu(double[] into, int at, RunningServer server) {
        if (server != null) {
            into[at] = CpuTime.ofProcessTree(server.process());
            double[] threads = CpuTime.ofThreads(server.java(), NOTIFICATION_THREADS, GC_THREADS, JIT_THREADS);
            System.arraycopy(threads, 0, into, at + 1, threads.length);
        }
    }

    /** Adds the CPU used since {@code before} by a batch of a realm's sign-ins to its total. */
    void add(LoadRealm realm, int concurrency, int signIns, double[] before) {
        double[] after = now();
        double[] used = new double[after.length];
        for (int i = 0; i < used.length; i++) {
            used[i] = after[i] - before[i];
        }
        boolean onThisBuild = realm.server == branch;
        int serving = onThisBuild ? 0 : SERVER_CPU;
        int other = onThisBuild ? SERVER_CPU : 0;
        int rest = SERVER_CPU * 2;
        double[] total = totals.computeIfAbsent(LoadRealm.key(realm.name, concurrency),
                key -> new double[1 + COLUMNS.size()]);
        total[0] += signIns;
        for (int i = 0; i < SERVER_CPU; i++) {
            total[1 + i] += used[serving + i];
        }
        total[5] += used[rest];
        total[6] += used[rest + 1];
        total[7] += used[rest + 2] - used[rest + 1];
        total[8] += used[other];
    }

    /** The columns that apply: the other Keycloak's only with a second server. */
    List<String> columns() {
        return baseline == null ? COLUMNS.subList(0, COLUMNS.size() - 1) : COLUMNS;
    }

    /** Per realm and concurrency: measured sign-ins, then CPU milliseconds in the order of {@link #COLUMNS}. */
    Map<String, double[]> totals() {
        return totals;
    }

    /** Whether a column (counted from 1) is a part of the serving Keycloak's, the "of which" ones, not to be added. */
    static boolean partOfKeycloak(int column) {
        return column >= 2 && column <= 4;
    }
}
