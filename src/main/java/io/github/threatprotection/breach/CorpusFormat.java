package io.github.threatprotection.breach;

/**
 * The offline breach corpus file, version 1. All numbers big-endian.
 *
 * <pre>
 * header, 64 bytes:
 *   0  magic "KCTPBRC1"
 *   8  u32 format version (1)      12 u32 fingerprint bits (30)   16 u32 count bits (3)
 *   20 u32 sub-buckets per block (128)
 *   24 u64 entries                 32 u64 sub-buckets (M)         40 u64 blocks
 *   48 u64 index offset            56 u64 file size
 * blocks, from byte 64, each starting on a byte boundary:
 *   unary counts: for each of the block's 128 sub-buckets, one 1-bit per entry, then a 0-bit
 *   entries:      per entry, 30 fingerprint bits then 3 count-bucket bits, in sub-bucket order
 * index: (blocks + 1) unsigned 40-bit byte offsets of the blocks (the last one is the end of the data)
 * 8 zero bytes, so that a 64-bit read at any data position stays inside the file
 * </pre>
 *
 * An entry is the SHA-1 of a password. Its top 40 bits choose one of M sub-buckets,
 * {@code floor(h40 * M / 2^40)}, where M is at least the number of entries; the next 30 bits are the
 * fingerprint stored in that sub-bucket. A password that is not in the corpus is reported as found only when
 * an entry of its sub-bucket has the same fingerprint: with at most one entry per sub-bucket on average, the
 * false-positive rate is at most {@code entries / M * 2^-30}, below 1e-9. Storage is 33 bits per entry,
 * about 2 bits of unary counts, and 40 bits of index per 128 sub-buckets: about 4.4 bytes per entry.
 */
public final class CorpusFormat {

    static final byte[] MAGIC = {'K', 'C', 'T', 'P', 'B', 'R', 'C', '1'};
    static final int VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int HASH_BITS = 40;
    static final int FINGERPRINT_BITS = 30;
    static final int COUNT_BITS = 3;
    static final int ENTRY_BITS = FINGERPRINT_BITS + COUNT_BITS;
    static final int SUB_BUCKETS_PER_BLOCK = 128;
    static final int INDEX_ENTRY_BYTES = 5;
    static final int TAIL_PADDING = 8;

    /**
     * How often a password was seen, kept as one of eight buckets; a bucket stands for its lower bound:
     * 1, 2, 3–9, 10–99, 100–999, 1,000–9,999, 10,000–99,999, 100,000 and more.
     */
    static final long[] COUNT_BUCKET_LOWER_BOUNDS = {1, 2, 3, 10, 100, 1_000, 10_000, 100_000};

    private CorpusFormat() {
    }

    static int countBucket(long count) {
        int bucket = 0;
        for (int i = 1; i < COUNT_BUCKET_LOWER_BOUNDS.length; i++) {
            if (count >= COUNT_BUCKET_LOWER_BOUNDS[i]) {
                bucket = i;
            }
        }
        return bucket;
    }

    /** The count a bucket stands for: the lowest count it holds. */
    public static long countOfBucket(int bucket) {
        return COUNT_BUCKET_LOWER_BOUNDS[bucket];
    }

    /** The top 40 bits of a SHA-1. */
    static long hash40(byte[] sha1) {
        long h = 0;
        for (int i = 0; i < 5; i++) {
            h = (h << 8) | (sha1[i] & 0xFF);
        }
        return h;
    }

    /** Bits 40 to 69 of a SHA-1. */
    static int fingerprint(byte[] sha1) {
        long bits = 0;
        for (int i = 5; i < 9; i++) {
            bits = (bits << 8) | (sha1[i] & 0xFF);
        }
        return (int) (bits >>> (32 - FINGERPRINT_BITS));
    }

    /** {@code floor(h40 * subBuckets / 2^40)}, without overflow. */
    static long subBucket(long h40, long subBuckets) {
        long a = h40 << (64 - HASH_BITS);
        // unsigned high word of a * subBuckets; subBuckets < 2^63, so only a's sign needs correcting
        return Math.multiplyHigh(a, subBuckets) + ((a >> 63) & subBuckets);
    }
}
