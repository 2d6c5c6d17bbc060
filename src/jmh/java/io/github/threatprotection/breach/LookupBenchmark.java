package io.github.threatprotection.breach;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-threaded lookup latency of the corpus and the two baselines over the same set of n SHA-1s, with every
 * file resident in the page cache. The corpus is read as the server reads it, with positional reads
 * ({@code corpus*}), and memory-mapped as the builder's check reads it ({@code corpusMapped*}); the baselines
 * are memory-mapped. Members and non-members are separate benchmarks; each
 * invocation looks up the next of 2^20 pre-computed query hashes (members drawn at random from the set), so the
 * SHA-1 of the password is not part of the time. Mode.SampleTime gives the percentiles.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class LookupBenchmark {

    static final int QUERIES = 1 << 20;

    @State(Scope.Benchmark)
    public static class Data {
        @Param({"10000000", "100000000"})
        public long entries;

        BreachCorpus corpus;
        BreachCorpus mapped;
        SortedSha1File sorted;
        BloomFilter.Mapped bloom;
        WordDecodeProbe wordDecode;
        byte[][] members;
        byte[][] nonMembers;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Path dir = BenchData.dir(Path.of(System.getProperty("bench.dir", "target/bench")), entries);
            corpus = BreachCorpus.open(dir.resolve("corpus.bin"));
            mapped = BreachCorpus.openMapped(dir.resolve("corpus.bin"));
            sorted = new SortedSha1File(dir.resolve("sorted.sha1"));
            bloom = new BloomFilter.Mapped(dir.resolve("bloom.bin"));
            wordDecode = new WordDecodeProbe(dir.resolve("corpus.bin"));
            SplittableRandom random = new SplittableRandom(7);
            MessageDigest sha1 = CorpusInput.sha1();
            members = new byte[QUERIES][];
            nonMembers = new byte[QUERIES][];
            for (int i = 0; i < QUERIES; i++) {
                members[i] = new byte[20];
                sorted.read(random.nextLong(sorted.entries()), members[i]);
                // far from the 1e7 non-members of the false-positive check, so those numbers stay independent
                nonMembers[i] = BenchData.nonMemberSha1(sha1, 1_000_000_000L + i);
            }
            // Fault every page of the three mappings in, so that timing starts with them resident.
            long sum = sorted.touch() + bloom.touch();
            long step = Math.max(1, (1L << 40) / Math.max(1, corpus.blocks()));
            for (long h40 = 0; h40 < 1L << 40; h40 += step) {
                sum += corpus.countBucket(h40, 0);
            }
            for (int i = 0; i < QUERIES; i++) {
                if (corpus.count(members[i]) == 0 || wordDecode.count(members[i]) != corpus.count(members[i])
                        || mapped.count(members[i]) != corpus.count(members[i]) || sorted.find(members[i]) < 0
                        || !bloom.mightContain(members[i])) {
                    throw new IllegalStateException("member query " + i + " not found");
                }
                sum += corpus.count(nonMembers[i]) + sorted.find(nonMembers[i]) + (bloom.mightContain(nonMembers[i]) ? 1 : 0);
            }
            if (sum == 42) {
                System.out.println();
            }
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int next() {
            return next = (next + 1) & (QUERIES - 1);
        }
    }

    @Benchmark
    public long corpusMember(Data d, Cursor c) throws IOException {
        return d.corpus.count(d.members[c.next()]);
    }

    @Benchmark
    public long corpusNonMember(Data d, Cursor c) throws IOException {
        return d.corpus.count(d.nonMembers[c.next()]);
    }

    @Benchmark
    public long corpusMappedMember(Data d, Cursor c) throws IOException {
        return d.mapped.count(d.members[c.next()]);
    }

    @Benchmark
    public long corpusMappedNonMember(Data d, Cursor c) throws IOException {
        return d.mapped.count(d.nonMembers[c.next()]);
    }

    @Benchmark
    public long sortedMember(Data d, Cursor c) {
        return d.sorted.find(d.members[c.next()]);
    }

    @Benchmark
    public long sortedNonMember(Data d, Cursor c) {
        return d.sorted.find(d.nonMembers[c.next()]);
    }

    @Benchmark
    public boolean bloomMember(Data d, Cursor c) {
        return d.bloom.mightContain(d.members[c.next()]);
    }

    @Benchmark
    public boolean bloomNonMember(Data d, Cursor c) {
        return d.bloom.mightContain(d.nonMembers[c.next()]);
    }

    /** Not the extension's code: the same file read by {@link WordDecodeProbe}, the suggested faster decode. */
    @Benchmark
    public long wordDecodeMember(Data d, Cursor c) {
        return d.wordDecode.count(d.members[c.next()]);
    }

    @Benchmark
    public long wordDecodeNonMember(Data d, Cursor c) {
        return d.wordDecode.count(d.nonMembers[c.next()]);
    }
}
