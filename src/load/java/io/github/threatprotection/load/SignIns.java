package io.github.threatprotection.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Drives the sign-ins: rounds of batches over the realms, one batch per realm per round, on a pool of one thread
 * per user. The realms' order rotates by round so that background noise hits all of them alike; after each batch
 * the realm's own new events are deleted, so its users' histories keep their size.
 */
final class SignIns implements AutoCloseable {

    /** The sign-in threads' name prefix, by which the CPU accounting finds them. */
    static final String THREAD_NAME = "load-sign-in-";

    private final int batch;
    private final EventTables events;
    private final CpuAccounting cpu;
    private final ExecutorService threads = Executors.newFixedThreadPool(LoadRealm.USERS, new ThreadFactory() {
        private int created;

        @Override
        public synchronized Thread newThread(Runnable task) {
            return new Thread(task, THREAD_NAME + created++);
        }
    });

    /** Batches of {@code batch} sign-ins per thread. */
    SignIns(int batch, EventTables events, CpuAccounting cpu) {
        this.batch = batch;
        this.events = events;
        this.cpu = cpu;
    }

    /**
     * At least {@code perRealm} sign-ins in each realm on {@code concurrency} threads, each thread with its own
     * user; with samples (by realm name), measured: each sign-in's latency and each batch's wall and CPU time.
     */
    void interleave(List<LoadRealm> realms, int concurrency, int perRealm, Map<String, Samples> samples)
            throws Exception {
        int perBatch = batch * concurrency;
        int rounds = (perRealm + perBatch - 1) / perBatch;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < realms.size(); k++) {
                LoadRealm realm = realms.get((round + k) % realms.size());
                // The history-size points of the curve run half batches, to fit the run into ~15 minutes here.
                batch(realm, concurrency, realm.curvePoint() ? batch / 2 : batch,
                        samples == null ? null : samples.get(realm.name));
                events.deleteRunEvents(realm);
            }
            System.err.printf("%s concurrency %d: round %d of %d done, load %s%n", samples == null ? "warm-up"
                    : "measured", concurrency, round + 1, rounds, Report.loadAverage());
        }
    }

    private void batch(LoadRealm realm, int concurrency, int perThread, Samples samples) throws Exception {
        double[] cpuBefore = samples == null ? null : cpu.now();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            int user = t;
            running.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    long took = realm.signIn(user);
                    if (samples != null) {
                        samples.add(took);
                    }
                }
                return null;
            }));
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Future<?> future : running) {
            future.get();
        }
        if (samples != null) {
            samples.addWallNanos(System.nanoTime() - begin);
            cpu.add(realm, concurrency, concurrency * perThread, cpuBefore);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
