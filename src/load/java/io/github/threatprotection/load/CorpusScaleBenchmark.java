package io.github.threatprotection.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.github.threatprotection.breach.BreachCorpus;
import io.github.threatprotection.breach.CorpusBuilder;
import io.github.threatprotection.breach.CorpusInput;

/**
 * Builds a corpus of n synthetic entries (docs/benchmarks.md, "Full-size corpus") and times lookups in it.
 * <p>
 * Entries are generated, not read from a text file (a billion HIBP lines would be about 45 GB): entry i's 70
 * hash bits come from a SplitMix64 mix of i, uniform like SHA-1 bits, so any entry can be made again for a
 * lookup. What it reports: build time, the process's peak resident memory (VmHWM), the most temporary disk in
 * use at once (partition files and the unfinished corpus, polled every second), bytes per entry; the time to
 * open the file as the server does; lookup p50/p99 with the file in the page cache (warm) and after dropping it
 * from the cache (cold: {@code dd iflag=nocache count=0}, which asks the kernel to drop the file's pages, and
 * {@code /proc/sys/vm/drop_caches} where permitted).
 * <p>
 * Usage: {@code CorpusScaleBenchmark <folder> <entries> build}, then {@code … lookup} in a JVM of its own: the
 * builder's verification pass memory-maps the new file, and a mapping stays until the JVM collects it, which
 * keeps the file's pages in memory however the cache is dropped.
 */
public final class CorpusScaleBenchmark {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CorpusScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        long n = (long) Double.parseDouble(args[1]);
        String what = args[2];
        Files.createDirectories(folder);
        Path corpus = folder.resolve("scale-" + n + ".corpus");
        PrintStream out = System.out;
        out.printf("entries %,d, availableProcessors %d, max heap %d MB%n", n,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        if (what.equals("build")) {
            build(folder, corpus, n, out);
        } else if (what.equals("lookup")) {
            lookups(corpus, n, out);
        } else {
            throw new IllegalArgumentException("build or lookup, not " + what);
        }
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The first 9 bytes of entry i's stand-in SHA-1 (all a corpus uses), non-members from another stream. */
    static byte[] hash(long i, boolean member) {
        long a = mix((member ? 1 : 2) * GOLDEN + i * GOLDEN);
        long b = mix(a ^ 0x5DEECE66DL);
        byte[] sha1 = new byte[20];
        for (int k = 0; k < 8; k++) {
            sha1[k] = (byte) (a >>> (56 - 8 * k));
        }
        sha1[8] = (byte) (b >>> 56);
        return sha1;
    }

    private static void build(Path folder, Path corpus, long n, PrintStream out) throws Exception {
        Files.deleteIfExists(corpus);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong peakTemp = new AtomicLong();
        Thread poller = new Thread(() -> {
            while (running.get()) {
                try (Stream<Path> files = Files.walk(folder)) {
                    long bytes = files.filter(p -> !p.equals(corpus) && Files.isRegularFile(p))
                            .mapToLong(p -> p.toFile().length()).sum();
                    peakTemp.accumulateAndGet(bytes, Math::max);
                } catch (IOException | RuntimeException e) {
                    // a file went away while it was listed; the next poll counts again
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "temp-disk-poller");
        poller.setDaemon(true);
        poller.start();
        CorpusInput input = CorpusInput.ofEntries(n, sink -> {
            for (long i = 0; i < n; i++) {
                byte[] h = hash(i, true);
                long h40 = 0;
                for (int k = 0; k < 5; k++) {
                    h40 = (h40 << 8) | (h[k] & 0xFF);
                }
                long next = 0;
                for (int k = 5; k < 9; k++) {
                    next = (next << 8) | (h[k] & 0xFF);
                }
                long count = 1 + (mix(i) & 0xFFF);
                sink.accept(h40, (int) (next >>> 2), count);
            }
        });
        long started = System.nanoTime();
        CorpusBuilder.Report report = new CorpusBuilder(out).build(input, corpus, folder);
        double seconds = (System.nanoTime() - started) / 1e9;
        running.set(false);
        poller.interrupt();
        out.printf(Locale.ROOT, "build: %,d entries in %.1f s (%.2f M entries/s), %,d bytes, %.3f bytes per entry%n",
                report.entries(), seconds, report.entries() / seconds / 1e6, report.bytes(),
                (double) report.bytes() / report.entries());
        out.printf(Locale.ROOT, "peak temporary disk: %,d bytes (%.2f bytes per entry)%n", peakTemp.get(),
                (double) peakTemp.get() / n);
        out.printf("peak resident memory (VmHWM): %s%n", status("VmHWM"));
    }

    private static String status(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).strip()).findFirst().orElse("unknown");
    }

    private static void lookups(Path corpus, long n, PrintStream out) throws Exception {
        out.printf("drop from page cache (dd iflag=nocache): %s%n", dropFileCache(corpus));
        out.printf("drop_caches: %s%n", dropAllCaches());
        long opened = System.nanoTime();
        try (BreachCorpus file = BreachCorpus.open(corpus)) {
            out.printf(Locale.ROOT, "open as the server does (index read and checked, cold): %.1f ms%n",
                    (System.nanoTime() - opened) / 1e6);
            long[] cold = time(file, n, 20_000, 11, true);
            report(out, "cold members", cold);
            dropFileCache(corpus);
            long[] coldMissing = time(file, n, 20_000, 13, false);
            report(out, "cold non-members", coldMissing);
            warm(corpus);
            time(file, n, 2_000_000, 17, true);
            report(out, "warm members", time(file, n, 2_000_000, 19, true));
            report(out, "warm non-members", time(file, n, 2_000_000, 23, false));
        }
    }

    private static long[] time(BreachCorpus file, long n, int lookups, long seed, boolean members)
            throws IOException {
        long[] nanos = new long[lookups];
        long found = 0;
        for (int q = 0; q < lookups; q++) {
            long i = Long.remainderUnsigned(mix(seed * GOLDEN + q), n);
            byte[] sha1 = hash(i, members);
            long start = System.nanoTime();
            long count = file.count(sha1);
            nanos[q] = System.nanoTime() - start;
            found += count > 0 ? 1 : 0;
        }
        if (members && found != lookups) {
            throw new IllegalStateException((lookups - found) + " members not found");
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(PrintStream out, String what, long[] sorted) {
        out.printf(Locale.ROOT, "%s: %,d lookups, p50 %.2f us, p90 %.2f us, p99 %.2f us, p99.9 %.2f us%n", what,
                sorted.length, sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.9)] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3, sorted[(int) (sorted.length * 0.999)] / 1e3);
    }

    private static String dropFileCache(Path corpus) throws Exception {
        Process dd = new ProcessBuilder("dd", "if=" + corpus, "iflag=nocache", "count=0").redirectErrorStream(true)
                .start();
        String text = new String(dd.getInputStream().readAllBytes()).strip().replace('\n', ' ');
        return dd.waitFor() == 0 ? "done" : "failed: " + text;
    }

    private static String dropAllCaches() {
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            return "done";
        } catch (IOException | RuntimeException e) {
            return "not permitted (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    private static void warm(Path corpus) throws IOException {
        byte[] buffer = new byte[1 << 20];
        try (var in = Files.newInputStream(corpus)) {
            while (in.read(buffer) > 0) {
                // read the whole file into the page cache
            }
        }
    }
}
