package io.github.threatprotection.breach;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * Synthetic benchmark data for one size n, in {@code <dir>/n<n>/}:
 * <ul>
 *   <li>{@code hibp.txt}: n lines {@code HEX40:COUNT\r\n} (the HIBP download format), the SHA-1s of the strings
 *   {@code member:<i>} for i in [0, n), in generation order (not sorted), counts log-uniform in [1, 10^6);</li>
 *   <li>{@code corpus.bin}: built from hibp.txt by {@link CorpusBuilder}, timed ({@code build.properties});</li>
 *   <li>{@code sorted.sha1}: the same SHA-1s as raw 20-byte records in ascending order (baseline 1);</li>
 *   <li>{@code bloom.bin}: the Bloom filter of them (baseline 2).</li>
 * </ul>
 * Non-members are the SHA-1s of {@code nonmember:<i>}: different strings, so not in the set (a SHA-1 collision
 * aside).
 */
final class BenchData {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private BenchData() {
    }

    static Path dir(Path root, long entries) {
        return root.resolve("n" + entries);
    }

    static byte[] memberSha1(MessageDigest sha1, long i) {
        return sha1.digest(("member:" + i).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] nonMemberSha1(MessageDigest sha1, long i) {
        return sha1.digest(("nonmember:" + i).getBytes(StandardCharsets.US_ASCII));
    }

    static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
        }
        return properties;
    }

    static void store(Properties properties, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, null);
        }
    }

    /** Creates whatever is missing for size n. */
    static void prepare(Path root, long entries, PrintStream log) throws IOException {
        Path dir = dir(root, entries);
        Files.createDirectories(dir);
        Path text = dir.resolve("hibp.txt");
        Path sorted = dir.resolve("sorted.sha1");
        Path bloom = dir.resolve("bloom.bin");
        Path corpus = dir.resolve("corpus.bin");
        Path buildInfo = dir.resolve("build.properties");

        if (!Files.exists(sorted) || !Files.exists(text)) {
            generate(dir, entries, text, sorted, log);
        }
        if (!Files.exists(bloom)) {
            long started = System.nanoTime();
            SortedSha1File records = new SortedSha1File(sorted);
            BloomFilter.Builder builder = new BloomFilter.Builder(entries);
            byte[] sha1 = new byte[20];
            for (long i = 0; i < records.entries(); i++) {
                records.read(i, sha1);
                builder.add(sha1);
            }
            Path partial = dir.resolve("bloom.bin.partial");
            builder.write(partial);
            Files.move(partial, bloom);
            log.printf("n=%,d: Bloom filter %,d bits in %.1f s%n", entries, builder.bits,
                    (System.nanoTime() - started) / 1e9);
        }
        if (!Files.exists(corpus) || !Files.exists(buildInfo)) {
            Files.deleteIfExists(corpus);
            Path temp = Files.createDirectories(dir.resolve("tmp"));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            System.gc();
            long threadCpu = threads.getCurrentThreadCpuTime();
            long processCpu = os.getProcessCpuTime();
            long buildStarted = System.nanoTime();
            // time-stamped progress, to see how long each pass (partition, write, verify) takes
            PrintStream timed = new PrintStream(log, true) {
                @Override
                public PrintStream printf(String format, Object... args) {
                    return super.printf("  [build %6.1f s] " + format, prepend((System.nanoTime() - buildStarted) / 1e9, args));
                }
            };
            CorpusBuilder.Report report = new CorpusBuilder(timed).build(CorpusInput.of(text, "hibp-sha1"), corpus, temp);
            double threadSeconds = (threads.getCurrentThreadCpuTime() - threadCpu) / 1e9;
            double processSeconds = (os.getProcessCpuTime() - processCpu) / 1e9;
            Properties p = new Properties();
            p.setProperty("entries", Long.toString(report.entries()));
            p.setProperty("inputBytes", Long.toString(Files.size(text)));
            p.setProperty("corpusBytes", Long.toString(report.bytes()));
            p.setProperty("wallSeconds", String.format("%.2f", report.seconds()));
            p.setProperty("builderThreadCpuSeconds", String.format("%.2f", threadSeconds));
            p.setProperty("processCpuSeconds", String.format("%.2f", processSeconds));
            p.setProperty("entriesPerSecondWall", String.format("%.0f", report.entriesPerSecond()));
            p.setProperty("entriesPerBuilderThreadCpuSecond", String.format("%.0f", report.entries() / threadSeconds));
            p.setProperty("entriesPerProcessCpuSecond", String.format("%.0f", report.entries() / processSeconds));
            p.setProperty("availableProcessors", Integer.toString(Runtime.getRuntime().availableProcessors()));
            store(p, buildInfo);
            log.printf("n=%,d: build %s%n", entries, p);
        }
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** Writes hibp.txt and, through 256 first-byte buckets, sorted.sha1. */
    private static void generate(Path dir, long entries, Path text, Path sorted, PrintStream log) throws IOException {
        long started = System.nanoTime();
        Path buckets = Files.createDirectories(dir.resolve("buckets"));
        OutputStream[] bucketOut = new OutputStream[256];
        MessageDigest sha1 = CorpusInput.sha1();
        SplittableRandom random = new SplittableRandom(20240601L + entries);
        byte[] line = new byte[64];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(text), 1 << 20)) {
            for (int b = 0; b < 256; b++) {
                bucketOut[b] = new BufferedOutputStream(Files.newOutputStream(buckets.resolve("b" + b)), 1 << 16);
            }
            for (long i = 0; i < entries; i++) {
                byte[] hash = memberSha1(sha1, i);
                for (int j = 0; j < 20; j++) {
                    line[2 * j] = HEX[(hash[j] >> 4) & 0xF];
                    line[2 * j + 1] = HEX[hash[j] & 0xF];
                }
                line[40] = ':';
                long count = (long) Math.pow(10, random.nextDouble() * 6);
                int end = 41;
                String digits = Long.toString(Math.max(1, count));
                for (int j = 0; j < digits.length(); j++) {
                    line[end++] = (byte) digits.charAt(j);
                }
                line[end++] = '\r';
                line[end++] = '\n';
                out.write(line, 0, end);
                bucketOut[hash[0] & 0xFF].write(hash);
                if ((i + 1) % 10_000_000 == 0) {
                    log.printf("n=%,d: generated %,d%n", entries, i + 1);
                }
            }
        } finally {
            for (OutputStream o : bucketOut) {
                if (o != null) {
                    o.close();
                }
            }
        }
        Path partial = dir.resolve("sorted.sha1.partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
            for (int b = 0; b < 256; b++) {
                Path file = buckets.resolve("b" + b);
                byte[] records;
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                    records = in.readAllBytes();
                }
                out.write(sortRecords(records));
                Files.delete(file);
            }
        }
        Files.delete(buckets);
        Files.move(partial, sorted);
        log.printf("n=%,d: wrote %s and %s in %.1f s%n", entries, text, sorted, (System.nanoTime() - started) / 1e9);
    }

    /** Sorts 20-byte records (all with the same first byte) in unsigned byte order. */
    static byte[] sortRecords(byte[] records) {
        int n = records.length / 20;
        if (n >= 1 << 23) {
            throw new IllegalStateException("bucket too large: " + n);
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long k = 0;
            for (int j = 1; j < 6; j++) {
                k = (k << 8) | (records[i * 20 + j] & 0xFF);
            }
            keys[i] = (k << 23) | i;
        }
        Arrays.sort(keys);
        byte[] out = new byte[records.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(records, (int) (keys[i] & ((1 << 23) - 1)) * 20, out, i * 20, 20);
        }
        // Records equal in bytes 1..5 are next to each other but not yet ordered: insertion sort fixes them.
        byte[] tmp = new byte[20];
        for (int i = 1; i < n; i++) {
            int j = i;
            while (j > 0 && Arrays.compareUnsigned(out, (j - 1) * 20, j * 20, out, j * 20, j * 20 + 20) > 0) {
                System.arraycopy(out, j * 20, tmp, 0, 20);
                System.arraycopy(out, (j - 1) * 20, out, j * 20, 20);
                System.arraycopy(tmp, 0, out, (j - 1) * 20, 20);
                j--;
            }
        }
        return out;
    }
}
