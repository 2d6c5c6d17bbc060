package io.github.threatprotection.load;

import java.util.Arrays;
import java.util.Random;

/** The sign-in latencies of one realm at one concurrency, and the wall time of its batches. */
final class Samples {

    private static final int BOOTSTRAP_ROUNDS = 2000;

    private long[] nanos = new long[1024];
    private int count;
    private long wallNanos;

    synchronized void add(long value) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = value;
    }

    /** Adds another sample's latencies and wall time to this one. */
    synchronized void addAll(Samples other) {
        synchronized (other) {
            for (int i = 0; i < other.count; i++) {
                add(other.nanos[i]);
            }
            wallNanos += other.wallNanos;
        }
    }

    synchronized void addWallNanos(long value) {
        wallNanos += value;
    }

    int count() {
        return count;
    }

    double percentileMillis(double p) {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
    }

    double meanMillis() {
        return Arrays.stream(nanos, 0, count).average().orElse(0) / 1e6;
    }

    /** Sign-ins per second of wall time. */
    double throughput() {
        return count / (wallNanos / 1e9);
    }

    /** This sample's percentile over the other's. */
    double ratio(Samples other, double p) {
        return percentileMillis(p) / other.percentileMillis(p);
    }

    /**
     * A 95 % bootstrap interval of this sample's median minus the other's, in ms: how finely one run resolves an
     * added median. Seeded, so the same samples give the same interval.
     */
    double[] medianDifferenceInterval(Samples other) {
        Random random = new Random(42);
        double[] differences = new double[BOOTSTRAP_ROUNDS];
        for (int round = 0; round < differences.length; round++) {
            differences[round] = resampledMedian(random) - other.resampledMedian(random);
        }
        Arrays.sort(differences);
        return new double[] {differences[(int) (0.025 * BOOTSTRAP_ROUNDS)] / 1e6,
            differences[(int) (0.975 * BOOTSTRAP_ROUNDS) - 1] / 1e6};
    }

    private double resampledMedian(Random random) {
        long[] resample = new long[count];
        for (int i = 0; i < count; i++) {
            resample[i] = nanos[random.nextInt(count)];
        }
        Arrays.sort(resample);
        return resample[(int) Math.ceil(0.5 * count) - 1];
    }
}
