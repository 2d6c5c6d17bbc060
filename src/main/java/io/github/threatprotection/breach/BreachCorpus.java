package io.github.threatprotection.breach;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An offline breach corpus (see {@link CorpusFormat}), memory-mapped and looked up locally: no password,
 * hash or hash prefix leaves the server. Thread-safe; a lookup reads two adjacent index entries and one block,
 * decoding the block's unary counts a word at a time.
 */
public final class BreachCorpus {

    /** Bits decoded per read: a 64-bit read at any bit offset holds at least 57 whole bits. */
    private static final int WORD_BITS = 56;
    private static final long WORD_MASK = (1L << WORD_BITS) - 1;

    private final Path path;
    private final MappedCorpusFile file;
    private final long entries;
    private final long subBuckets;
    private final long blocks;
    private final long indexOffset;

    private BreachCorpus(Path path, MappedCorpusFile file, long entries, long subBuckets, long blocks,
                         long indexOffset) {
        this.path = path;
        this.file = file;
        this.entries = entries;
        this.subBuckets = subBuckets;
        this.blocks = blocks;
        this.indexOffset = indexOffset;
    }

    /** Opens and checks a corpus file; the message of the exception says what is wrong with it. */
    public static BreachCorpus open(Path path) throws IOException {
        MappedCorpusFile file = new MappedCorpusFile(path);
        if (file.size() < CorpusFormat.HEADER_BYTES + CorpusFormat.TAIL_PADDING) {
            throw new IOException(path + " is not a breach corpus: too short");
        }
        byte[] magic = new byte[CorpusFormat.MAGIC.length];
        for (int i = 0; i < magic.length; i++) {
            magic[i] = (byte) file.getByte(i);
        }
        if (!Arrays.equals(magic, CorpusFormat.MAGIC)) {
            throw new IOException(path + " is not a breach corpus (build one with: corpus build)");
        }
        long versionAndBits = file.getLong(8);
        long bitsAndBlock = file.getLong(16);
        int version = (int) (versionAndBits >>> 32);
        int fingerprintBits = (int) versionAndBits;
        int countBits = (int) (bitsAndBlock >>> 32);
        int perBlock = (int) bitsAndBlock;
        if (version != CorpusFormat.VERSION || fingerprintBits != CorpusFormat.FINGERPRINT_BITS
                || countBits != CorpusFormat.COUNT_BITS || perBlock != CorpusFormat.SUB_BUCKETS_PER_BLOCK) {
            throw new IOException(path + " has corpus format version " + version + " with unsupported parameters");
        }
        long entries = file.getLong(24);
        long subBuckets = file.getLong(32);
        long blocks = file.getLong(40);
        long indexOffset = file.getLong(48);
        long declaredSize = file.getLong(56);
        if (declaredSize != file.size() || subBuckets < Math.max(1, entries)
                || blocks != (subBuckets + CorpusFormat.SUB_BUCKETS_PER_BLOCK - 1) / CorpusFormat.SUB_BUCKETS_PER_BLOCK
                || indexOffset + (blocks + 1) * CorpusFormat.INDEX_ENTRY_BYTES + CorpusFormat.TAIL_PADDING
                        != file.size()) {
            throw new IOException(path + " is truncated or damaged");
        }
        return new BreachCorpus(path, file, entries, subBuckets, blocks, indexOffset);
    }

    /**
     * How often the password with this SHA-1 was seen, as the lower bound of its count bucket (1, 2, 3, 10,
     * 100, …), or 0 when it is not in the corpus.
     */
    public long count(byte[] sha1) {
        int bucket = countBucket(CorpusFormat.hash40(sha1), CorpusFormat.fingerprint(sha1));
        return bucket < 0 ? 0 : CorpusFormat.countOfBucket(bucket);
    }

    /** The count bucket of an entry, or -1 when absent. */
    int countBucket(long h40, int fingerprint) {
        long subBucket = CorpusFormat.subBucket(h40, subBuckets);
        long block = subBucket / CorpusFormat.SUB_BUCKETS_PER_BLOCK;
        int wanted = (int) (subBucket % CorpusFormat.SUB_BUCKETS_PER_BLOCK);
        long indexPosition = indexOffset + block * CorpusFormat.INDEX_ENTRY_BYTES;
        long blockBit = file.getUnsigned40(indexPosition) << 3;
        long nextBlockBit = file.getUnsigned40(indexPosition + CorpusFormat.INDEX_ENTRY_BYTES) << 3;
        // A block is 128 zero bits, one 1-bit and 33 entry bits per entry, and under 8 bits of padding,
        // so its entry count follows from its length.
        long blockEntries = (nextBlockBit - blockBit - CorpusFormat.SUB_BUCKETS_PER_BLOCK)
                / (1 + CorpusFormat.ENTRY_BITS);

        long bit = skipSubBuckets(blockBit, wanted);
        long entriesBefore = bit - blockBit - wanted;
        int entriesInWanted = countOnes(bit);

        long entryBit = blockBit + CorpusFormat.SUB_BUCKETS_PER_BLOCK + blockEntries
                + entriesBefore * CorpusFormat.ENTRY_BITS;
        int best = -1;
        for (int i = 0; i < entriesInWanted; i++, entryBit += CorpusFormat.ENTRY_BITS) {
            long entry = file.getBits(entryBit, CorpusFormat.ENTRY_BITS);
            if ((int) (entry >>> CorpusFormat.COUNT_BITS) == fingerprint) {
                best = Math.max(best, (int) (entry & ((1 << CorpusFormat.COUNT_BITS) - 1)));
            }
        }
        return best;
    }

    /** The bit after the {@code count}-th 0-bit from {@code bit}: the start of sub-bucket {@code count}. */
    private long skipSubBuckets(long bit, int count) {
        int remaining = count;
        while (remaining > 0) {
            long word = file.getBits(bit, WORD_BITS);
            int zeros = WORD_BITS - Long.bitCount(word);
            if (zeros < remaining) {
                remaining -= zeros;
                bit += WORD_BITS;
                continue;
            }
            long zeroBits = ~word & WORD_MASK;
            for (int i = 1; i < remaining; i++) {
                zeroBits ^= Long.highestOneBit(zeroBits);
            }
            int offset = Long.numberOfLeadingZeros(zeroBits) - (64 - WORD_BITS);
            return bit + offset + 1;
        }
        return bit;
    }

    /** The length of the run of 1-bits starting at {@code bit}. */
    private int countOnes(long bit) {
        int ones = 0;
        while (true) {
            long word = file.getBits(bit + ones, WORD_BITS);
            int run = Long.numberOfLeadingZeros(~(word << (64 - WORD_BITS)));
            ones += run;
            if (run < WORD_BITS) {
                return ones;
            }
        }
    }

    public Path path() {
        return path;
    }

    public long entries() {
        return entries;
    }

    public long sizeBytes() {
        return file.size();
    }

    public double bytesPerEntry() {
        return entries == 0 ? 0 : (double) file.size() / entries;
    }

    /** The expected false-positive rate: entries per sub-bucket times the chance of a fingerprint match. */
    public double falsePositiveRate() {
        return (double) entries / subBuckets / (1L << CorpusFormat.FINGERPRINT_BITS);
    }

    long blocks() {
        return blocks;
    }
}
