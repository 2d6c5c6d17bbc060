package io.github.threatprotection.breach;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second reader of a corpus file, written for the benchmarks only: it decodes the unary counts a word at a time
 * (popcount to skip 56 bits, then a select inside the last word) instead of bit by bit, and takes a block's entry
 * total from the next index entry. Used (1) to show what that change would do to lookup latency, as a suggestion
 * for {@link BreachCorpus}, and (2) by {@link FalsePositiveCheck} to count matches on fewer fingerprint bits,
 * which gives a measurable, scaled-up estimate of the false-positive rate. Not part of the extension.
 */
final class WordDecodeProbe {

    private static final int PER_BLOCK = CorpusFormat.SUB_BUCKETS_PER_BLOCK;
    private static final long MASK56 = (1L << 56) - 1;

    private final MappedCorpusFile file;
    private final long subBuckets;
    private final long indexOffset;

    WordDecodeProbe(Path path) throws IOException {
        BreachCorpus.open(path).close(); // opening checks the header and the index
        file = new MappedCorpusFile(path);
        subBuckets = file.getLong(32);
        indexOffset = file.getLong(48);
    }

    /** The sub-bucket of {@code h40}: {@code firstEntryBit << 16 | entries}. */
    long locate(long h40) {
        long subBucket = CorpusFormat.subBucket(h40, subBuckets);
        long block = subBucket / PER_BLOCK;
        int wanted = (int) (subBucket % PER_BLOCK);
        long index = indexOffset + block * CorpusFormat.INDEX_ENTRY_BYTES;
        long blockBit = file.getUnsigned40(index) << 3;
        long nextBit = file.getUnsigned40(index + CorpusFormat.INDEX_ENTRY_BYTES) << 3;
        // block = 128 zeros + t ones + 33 t entry bits + fewer than 8 padding bits, so t is exact:
        long total = (nextBit - blockBit - PER_BLOCK) / (1 + CorpusFormat.ENTRY_BITS);
        long entriesBit = blockBit + PER_BLOCK + total;

        // p = the bit after the wanted-th zero: where the wanted sub-bucket's ones start
        long p = blockBit;
        int need = wanted;
        while (need > 0) {
            long w = file.getBits(p, 56);
            int zeros = 56 - Long.bitCount(w);
            if (zeros < need) {
                need -= zeros;
                p += 56;
            } else {
                long inverted = ~w & MASK56;
                for (int i = 1; i < need; i++) {
                    inverted &= ~Long.highestOneBit(inverted);
                }
                int highest = 63 - Long.numberOfLeadingZeros(inverted);
                p += 56 - highest;
                need = 0;
            }
        }
        long before = (p - blockBit) - wanted;
        long count = 0;
        while (true) {
            long w = file.getBits(p, 56);
            int run = Long.numberOfLeadingZeros(~(w << 8));
            count += Math.min(run, 56);
            if (run < 56) {
                break;
            }
            p += 56;
        }
        return ((entriesBit + before * CorpusFormat.ENTRY_BITS) << 16) | Math.min(count, 0xFFFF);
    }

    /** The count bucket of the entry, or -1: same answer as {@link BreachCorpus#countBucket}. */
    int countBucket(long h40, int fingerprint) {
        long located = locate(h40);
        long bit = located >>> 16;
        int count = (int) (located & 0xFFFF);
        int best = -1;
        for (int i = 0; i < count; i++, bit += CorpusFormat.ENTRY_BITS) {
            long entry = file.getBits(bit, CorpusFormat.ENTRY_BITS);
            if ((int) (entry >>> CorpusFormat.COUNT_BITS) == fingerprint) {
                best = Math.max(best, (int) (entry & ((1 << CorpusFormat.COUNT_BITS) - 1)));
            }
        }
        return best;
    }

    long count(byte[] sha1) {
        int bucket = countBucket(CorpusFormat.hash40(sha1), CorpusFormat.fingerprint(sha1));
        return bucket < 0 ? 0 : CorpusFormat.countOfBucket(bucket);
    }

    /**
     * For each {@code bits[i]}, adds to {@code matches[i]} how many entries of the sub-bucket of {@code h40} agree
     * with {@code fingerprint} on its low {@code bits[i]} bits (30 bits = a real match); adds the sub-bucket's
     * size to {@code matches[bits.length]}.
     */
    void tally(long h40, int fingerprint, int[] bits, long[] matches) {
        long located = locate(h40);
        long bit = located >>> 16;
        int count = (int) (located & 0xFFFF);
        matches[bits.length] += count;
        for (int i = 0; i < count; i++, bit += CorpusFormat.ENTRY_BITS) {
            int stored = (int) (file.getBits(bit, CorpusFormat.ENTRY_BITS) >>> CorpusFormat.COUNT_BITS);
            for (int b = 0; b < bits.length; b++) {
                if (((stored ^ fingerprint) & (int) ((1L << bits[b]) - 1)) == 0) {
                    matches[b]++;
                }
            }
        }
    }
}
