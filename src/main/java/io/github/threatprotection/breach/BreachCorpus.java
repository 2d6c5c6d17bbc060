package io.github.threatprotection.breach;

import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An offline breach corpus (see {@link CorpusFormat}), looked up locally: no password, hash or hash prefix
 * leaves the server. Opening checks the header and the whole index, which is then kept in memory (5 bytes per
 * 128 sub-buckets, about 0.04 bytes per entry); a lookup reads one block from the file and refuses to decode
 * past its end. Every problem with the file is an IOException whose message says what is wrong, in one line and
 * without the file's path. Thread-safe.
 */
public final class BreachCorpus implements Closeable {

    /** Bits decoded per read: a 64-bit read at any bit offset holds at least 57 whole bits. */
    private static final int WORD_BITS = 56;
    private static final long WORD_MASK = (1L << WORD_BITS) - 1;
    private static final int PER_BLOCK = CorpusFormat.SUB_BUCKETS_PER_BLOCK;
    private static final int INDEX_ENTRY = CorpusFormat.INDEX_ENTRY_BYTES;
    /** Far above any real block (about 128 entries, some 560 bytes); a longer one is damage. */
    private static final long MAX_BLOCK_BYTES = 1 << 24;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Path path;
    private final CorpusFile file;
    private final byte[] index;
    private final long entries;
    private final long subBuckets;
    private final long blocks;

    private BreachCorpus(Path path, CorpusFile file, byte[] index, long entries, long subBuckets, long blocks) {
        this.path = path;
        this.file = file;
        this.index = index;
        this.entries = entries;
        this.subBuckets = subBuckets;
        this.blocks = blocks;
    }

    /** Opens and checks a corpus file, read with positional reads, as the server reads it. */
    public static BreachCorpus open(Path path) throws IOException {
        return open(path, new PositionalCorpusFile(path));
    }

    /** Opens and checks a corpus file that no one else writes to while it is open, memory-mapped. */
    static BreachCorpus openMapped(Path path) throws IOException {
        return open(path, new MappedCorpusFile(path));
    }

    private static BreachCorpus open(Path path, CorpusFile file) throws IOException {
        try {
            return read(path, file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static BreachCorpus read(Path path, CorpusFile file) throws IOException {
        long size = file.size();
        if (size < CorpusFormat.HEADER_BYTES + CorpusFormat.TAIL_PADDING) {
            throw new IOException("not a breach corpus: too short");
        }
        byte[] header = new byte[CorpusFormat.HEADER_BYTES];
        file.read(0, header, header.length);
        if (!Arrays.equals(header, 0, CorpusFormat.MAGIC.length, CorpusFormat.MAGIC, 0, CorpusFormat.MAGIC.length)) {
            throw new IOException("not a breach corpus (build one with: corpus build)");
        }
        int version = intAt(header, 8);
        if (version != CorpusFormat.VERSION || intAt(header, 12) != CorpusFormat.FINGERPRINT_BITS
                || intAt(header, 16) != CorpusFormat.COUNT_BITS || intAt(header, 20) != PER_BLOCK) {
            throw new IOException("corpus format version " + version + " with unsupported parameters");
        }
        long entries = longAt(header, 24);
        long subBuckets = longAt(header, 32);
        long blocks = longAt(header, 40);
        long indexOffset = longAt(header, 48);
        long declaredSize = longAt(header, 56);
        if (declaredSize != size) {
            throw new IOException("truncated or damaged: the header says " + declaredSize + " bytes, the file has "
                    + size);
        }
        if (entries < 0 || subBuckets < Math.max(1, entries)) {
            throw new IOException("damaged header: " + entries + " entries in " + subBuckets + " sub-buckets");
        }
        if (blocks != subBuckets / PER_BLOCK + (subBuckets % PER_BLOCK == 0 ? 0 : 1)) {
            throw new IOException("damaged header: " + blocks + " blocks for " + subBuckets + " sub-buckets");
        }
        long room = size - CorpusFormat.HEADER_BYTES - CorpusFormat.TAIL_PADDING;
        if (blocks >= room / INDEX_ENTRY || (blocks + 1) * INDEX_ENTRY > Integer.MAX_VALUE - 8) {
            throw new IOException("damaged header: an index of " + blocks + " blocks does not fit in the file");
        }
        int indexBytes = (int) ((blocks + 1) * INDEX_ENTRY);
        if (indexOffset != size - CorpusFormat.TAIL_PADDING - indexBytes) {
            throw new IOException("damaged header: the index does not end where the file does");
        }
        byte[] tail = new byte[CorpusFormat.TAIL_PADDING];
        file.read(size - tail.length, tail, tail.length);
        for (byte b : tail) {
            if (b != 0) {
                throw new IOException("damaged: the file does not end with " + tail.length + " zero bytes");
            }
        }
        byte[] index = new byte[indexBytes];
        file.read(indexOffset, index, indexBytes);
        checkIndex(index, blocks, entries, indexOffset);
        return new BreachCorpus(path, file, index, entries, subBuckets, blocks);
    }

    /**
     * Every block starts where the one before ends, the first right after the header, the last ends where the
     * index starts, and each one's length is its 128 sub-bucket counts plus whole entries (so lookups can take
     * a block's entry count from its length); together they hold the header's number of entries.
     */
    private static void checkIndex(byte[] index, long blocks, long entries, long indexOffset) throws IOException {
        long start = unsigned40(index, 0);
        if (start != CorpusFormat.HEADER_BYTES) {
            throw new IOException("damaged index: block 0 starts at " + start + ", not where the header ends ("
                    + CorpusFormat.HEADER_BYTES + ")");
        }
        long total = 0;
        for (long block = 0; block < blocks; block++) {
            long end = unsigned40(index, (block + 1) * INDEX_ENTRY);
            if (end > indexOffset) {
                throw new IOException("damaged index: block " + block + " ends at " + end + ", past the end of the"
                        + " data (" + indexOffset + ")");
            }
            if (end < start) {
                throw new IOException("damaged index: block " + block + " ends at " + end + ", before it starts ("
                        + start + ")");
            }
            long bits = (end - start) * 8 - PER_BLOCK;
            long blockEntries = bits / (1 + CorpusFormat.ENTRY_BITS);
            if (bits < 0 || end - start > MAX_BLOCK_BYTES
                    || bits - blockEntries * (1 + CorpusFormat.ENTRY_BITS) >= Byte.SIZE) {
                throw new IOException("damaged index: block " + block + " is " + (end - start) + " bytes, which is"
                        + " not its sub-bucket counts and whole entries");
            }
            total += blockEntries;
            start = end;
        }
        if (start != indexOffset) {
            throw new IOException("damaged index: the data ends at " + start + ", the index starts at " + indexOffset);
        }
        if (total != entries) {
            throw new IOException("damaged index: the blocks hold " + total + " entries, the header says " + entries);
        }
    }

    /**
     * How often the password with this SHA-1 was seen, as the lower bound of its count bucket (1, 2, 3, 10,
     * 100, …), or 0 when it is not in the corpus.
     *
     * @throws IOException when the block cannot be read as it was when the corpus was opened (the file was
     *                     truncated or written to since)
     */
    public long count(byte[] sha1) throws IOException {
        int bucket = countBucket(CorpusFormat.hash40(sha1), CorpusFormat.fingerprint(sha1));
        return bucket < 0 ? 0 : CorpusFormat.countOfBucket(bucket);
    }

    /** The count bucket of an entry, or -1 when absent. */
    int countBucket(long h40, int fingerprint) throws IOException {
        long subBucket = CorpusFormat.subBucket(h40, subBuckets);
        long block = subBucket / PER_BLOCK;
        int wanted = (int) (subBucket % PER_BLOCK);
        long start = unsigned40(index, block * INDEX_ENTRY);
        int length = (int) (unsigned40(index, (block + 1) * INDEX_ENTRY) - start);
        // At least 8 bytes follow every block in the file (the next block, the index, the zero tail), so a
        // 64-bit read at any position inside the block stays inside the array.
        byte[] bytes = new byte[length + Long.BYTES];
        file.read(start, bytes, bytes.length);
        long limit = (long) length * 8;
        // A block is 128 zero bits, one 1-bit and 33 entry bits per entry, and under 8 bits of padding, so its
        // entry count follows from its length.
        long blockEntries = (limit - PER_BLOCK) / (1 + CorpusFormat.ENTRY_BITS);

        long bit = skipSubBuckets(bytes, wanted, limit, block);
        long entriesBefore = bit - wanted;
        int entriesInWanted = countOnes(bytes, bit, limit, block);
        if (entriesBefore + entriesInWanted > blockEntries) {
            throw damaged(block);
        }
        long entryBit = PER_BLOCK + blockEntries + entriesBefore * CorpusFormat.ENTRY_BITS;
        int best = -1;
        for (int i = 0; i < entriesInWanted; i++, entryBit += CorpusFormat.ENTRY_BITS) {
            long entry = bits(bytes, entryBit, CorpusFormat.ENTRY_BITS);
            if ((int) (entry >>> CorpusFormat.COUNT_BITS) == fingerprint) {
                best = Math.max(best, (int) (entry & ((1 << CorpusFormat.COUNT_BITS) - 1)));
            }
        }
        return best;
    }

    /** The bit after the {@code count}-th 0-bit of the block: the start of sub-bucket {@code count}. */
    private static long skipSubBuckets(byte[] bytes, int count, long limit, long block) throws IOException {
        long bit = 0;
        int remaining = count;
        while (remaining > 0) {
            if (bit >= limit) {
                throw damaged(block);
            }
            long word = bits(bytes, bit, WORD_BITS);
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
    private static int countOnes(byte[] bytes, long bit, long limit, long block) throws IOException {
        int ones = 0;
        while (true) {
            if (bit + ones >= limit) {
                throw damaged(block);
            }
            long word = bits(bytes, bit + ones, WORD_BITS);
            int run = Long.numberOfLeadingZeros(~(word << (64 - WORD_BITS)));
            ones += run;
            if (run < WORD_BITS) {
                return ones;
            }
        }
    }

    private static IOException damaged(long block) {
        return new DamagedBlockException(block);
    }

    /** {@code count} (at most 57) bits starting at a bit position, as an unsigned number. */
    private static long bits(byte[] bytes, long bitPosition, int count) {
        long word = (long) LONGS.get(bytes, (int) (bitPosition >>> 3)) << (bitPosition & 7);
        return word >>> (64 - count);
    }

    private static long unsigned40(byte[] bytes, long position) {
        int at = (int) position;
        long value = 0;
        for (int i = 0; i < INDEX_ENTRY; i++) {
            value = (value << 8) | (bytes[at + i] & 0xFF);
        }
        return value;
    }

    private static long longAt(byte[] bytes, int position) {
        return (long) LONGS.get(bytes, position);
    }

    private static int intAt(byte[] bytes, int position) {
        return (int) (longAt(bytes, position) >>> 32);
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

    @Override
    public void close() throws IOException {
        file.close();
    }
}
