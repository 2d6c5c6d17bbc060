package io.github.threatprotection.breach;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An offline breach corpus (see {@link CorpusFormat}), memory-mapped and looked up locally: no password,
 * hash or hash prefix leaves the server. Thread-safe; a lookup reads the block index and one block.
 */
public final class BreachCorpus {

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
        long blockBit = file.getUnsigned40(indexOffset + block * CorpusFormat.INDEX_ENTRY_BYTES) << 3;

        // Walk the unary counts: entries before the wanted sub-bucket, entries in it, entries in the block.
        long bit = blockBit;
        int zeros = 0;
        int ones = 0;
        int before = 0;
        int inWanted = 0;
        while (zeros < CorpusFormat.SUB_BUCKETS_PER_BLOCK) {
            long word = file.getBits(bit, 56);
            for (int i = 55; i >= 0 && zeros < CorpusFormat.SUB_BUCKETS_PER_BLOCK; i--) {
                if (((word >>> i) & 1) == 0) {
                    if (zeros == wanted) {
                        inWanted = ones - before;
                    }
                    zeros++;
                    if (zeros == wanted) {
                        before = ones;
                    }
                } else {
                    ones++;
                }
                bit++;
            }
        }
        int best = -1;
        long entryBit = bit + (long) before * CorpusFormat.ENTRY_BITS;
        for (int i = 0; i < inWanted; i++, entryBit += CorpusFormat.ENTRY_BITS) {
            long entry = file.getBits(entryBit, CorpusFormat.ENTRY_BITS);
            if ((int) (entry >>> CorpusFormat.COUNT_BITS) == fingerprint) {
                best = Math.max(best, (int) (entry & ((1 << CorpusFormat.COUNT_BITS) - 1)));
            }
        }
        return best;
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
