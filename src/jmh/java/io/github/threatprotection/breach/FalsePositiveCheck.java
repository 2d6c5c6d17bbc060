package io.github.threatprotection.breach;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * Counts false positives of the corpus and of the Bloom baseline on non-members ({@code nonmember:<i>}), and
 * checks on a sample of members that all three structures find them and that the corpus returns the right
 * count bucket. Writes {@code <dir>/n<n>/fpr.properties}.
 */
final class FalsePositiveCheck {

    private FalsePositiveCheck() {
    }

    static Properties run(Path root, long entries, long queries, PrintStream log) throws IOException {
        Path dir = BenchData.dir(root, entries);
        BreachCorpus corpus = BreachCorpus.open(dir.resolve("corpus.bin"));
        SortedSha1File sorted = new SortedSha1File(dir.resolve("sorted.sha1"));
        BloomFilter.Mapped bloom = new BloomFilter.Mapped(dir.resolve("bloom.bin"));
        WordDecodeProbe probe = new WordDecodeProbe(dir.resolve("corpus.bin"));
        MessageDigest sha1 = CorpusInput.sha1();
        long probeDisagrees = 0;

        // Members: every (n / 1e6)-th generated string, with its count replayed from the generator's random stream.
        long stride = Math.max(1, entries / 1_000_000);
        SplittableRandom random = new SplittableRandom(20240601L + entries);
        long checked = 0;
        long corpusMissing = 0;
        long wrongBucket = 0;
        long sortedMissing = 0;
        long bloomMissing = 0;
        for (long i = 0; i < entries; i++) {
            long count = Math.max(1, (long) Math.pow(10, random.nextDouble() * 6));
            if (i % stride != 0) {
                continue;
            }
            byte[] hash = BenchData.memberSha1(sha1, i);
            long found = corpus.count(hash);
            if (found == 0) {
                corpusMissing++;
            } else if (found != CorpusFormat.countOfBucket(CorpusFormat.countBucket(count))) {
                wrongBucket++;
            }
            if (probe.count(hash) != found) {
                probeDisagrees++;
            }
            if (sorted.find(hash) < 0) {
                sortedMissing++;
            }
            if (!bloom.mightContain(hash)) {
                bloomMissing++;
            }
            checked++;
        }

        long corpusHits = 0;
        long bloomHits = 0;
        long sortedHits = 0;
        long started = System.nanoTime();
        int[] bits = {8, 12, 16, 20, 30};
        long[] partial = new long[bits.length + 1];
        for (long i = 0; i < queries; i++) {
            byte[] hash = BenchData.nonMemberSha1(sha1, i);
            probe.tally(CorpusFormat.hash40(hash), CorpusFormat.fingerprint(hash), bits, partial);
            long found = corpus.count(hash);
            if (probe.count(hash) != found) {
                probeDisagrees++;
            }
            if (found != 0) {
                corpusHits++;
                log.printf("n=%,d: corpus false positive: nonmember:%d%n", entries, i);
            }
            if (bloom.mightContain(hash)) {
                bloomHits++;
                log.printf("n=%,d: Bloom false positive: nonmember:%d%n", entries, i);
            }
            if (sorted.find(hash) >= 0) {
                sortedHits++;
            }
        }
        Properties p = new Properties();
        p.setProperty("entries", Long.toString(corpus.entries()));
        p.setProperty("memberSample", Long.toString(checked));
        p.setProperty("memberSample.corpusMissing", Long.toString(corpusMissing));
        p.setProperty("memberSample.corpusWrongCountBucket", Long.toString(wrongBucket));
        p.setProperty("memberSample.sortedMissing", Long.toString(sortedMissing));
        p.setProperty("memberSample.bloomMissing", Long.toString(bloomMissing));
        p.setProperty("nonMemberQueries", Long.toString(queries));
        p.setProperty("corpus.hits", Long.toString(corpusHits));
        p.setProperty("corpus.measuredRate", Double.toString((double) corpusHits / queries));
        // With zero hits in q independent trials, the one-sided 95% upper bound is about 3/q (the rule of three).
        p.setProperty("corpus.upper95", Double.toString(upper95(corpusHits, queries)));
        p.setProperty("corpus.theoreticalRate", Double.toString(corpus.falsePositiveRate()));
        // Scaled-up estimate: matches on only the low b fingerprint bits happen 2^(30-b) times more often, so they
        // can be counted; rate(b) * 2^(b-30) estimates the 30-bit rate if the fingerprint bits are uniform.
        p.setProperty("corpus.meanSubBucketEntries", Double.toString((double) partial[bits.length] / queries));
        for (int b = 0; b < bits.length; b++) {
            p.setProperty("corpus.partialMatches." + bits[b], Long.toString(partial[b]));
            p.setProperty("corpus.scaledEstimate." + bits[b],
                    Double.toString((double) partial[b] / queries / (1L << (30 - bits[b]))));
        }
        p.setProperty("wordDecodeProbe.disagreements", Long.toString(probeDisagrees));
        p.setProperty("corpus.bytesPerEntry", String.format("%.4f", corpus.bytesPerEntry()));
        p.setProperty("bloom.hits", Long.toString(bloomHits));
        p.setProperty("bloom.upper95", Double.toString(upper95(bloomHits, queries)));
        p.setProperty("bloom.theoreticalRate", Double.toString(BloomFilter.theoreticalFpr(entries, bloom.bits)));
        p.setProperty("bloom.bytesPerEntry", String.format("%.4f", (double) bloom.sizeBytes() / entries));
        p.setProperty("sorted.hits", Long.toString(sortedHits));
        p.setProperty("sorted.bytesPerEntry", String.format("%.4f", (double) sorted.sizeBytes() / entries));
        p.setProperty("seconds", String.format("%.1f", (System.nanoTime() - started) / 1e9));
        BenchData.store(p, dir.resolve("fpr.properties"));
        log.printf("n=%,d: %s%n", entries, p);
        return p;
    }

    /** Exact one-sided 95% Poisson upper bound for 0..3 events, else a normal approximation; as a rate. */
    static double upper95(long hits, long queries) {
        double[] exact = {2.996, 4.744, 6.296, 7.754};
        double bound = hits < exact.length ? exact[(int) hits] : hits + 1.645 * Math.sqrt(hits) + 1;
        return bound / queries;
    }
}
