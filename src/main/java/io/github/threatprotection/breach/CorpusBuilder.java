package io.github.threatprotection.breach;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Builds a corpus file with bounded memory, however large the input: entries are first spread over
 * partition files by their top hash bits, then each partition is sorted in memory and appended to the corpus
 * in order, and a final pass looks every input entry up in the finished file.
 */
public final class CorpusBuilder {

    /** Records per partition the build aims for: about 100 MB of sort arrays. */
    static final long RECORDS_PER_PARTITION = 4_000_000;
    private static final int MAX_PARTITION_BITS = 12;
    private static final int RECORD_BYTES = 12;
    private static final long MAX_COUNT = (1L << 24) - 1;
    private static final long PROGRESS_EVERY = 10_000_000;

    private final PrintStream progress;
    private final long recordsPerPartition;

    public CorpusBuilder(PrintStream progress) {
        this(progress, RECORDS_PER_PARTITION);
    }

    CorpusBuilder(PrintStream progress, long recordsPerPartition) {
        this.progress = progress;
        this.recordsPerPartition = recordsPerPartition;
    }

    /** What a build produced. */
    public record Report(long entries, long bytes, double seconds) {
        public double entriesPerSecond() {
            return seconds == 0 ? 0 : entries / seconds;
        }
    }

    /**
     * Builds the corpus into a new file next to {@code output} and, once it is complete and checked, moves it
     * over {@code output} in one atomic rename. A server reading the old file keeps reading it, whole, until
     * it opens the new one; a failed build leaves {@code output} as it was.
     */
    public Report build(CorpusInput input, Path output, Path tempDirectory) throws IOException {
        long started = System.nanoTime();
        int partitionBits = partitionBits(input.estimatedEntries(), recordsPerPartition);
        Path target = output.toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".partial");
        Path work = Files.createTempDirectory(tempDirectory, "corpus-build-");
        try {
            long records = partition(input, work, partitionBits, started);
            long entries = write(work, partitionBits, records, partial);
            verify(work, partitionBits, partial);
            keepPermissions(target, partial);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            double seconds = (System.nanoTime() - started) / 1e9;
            long bytes = Files.size(target);
            progress.printf("done: %,d entries, %,d bytes (%.2f bytes per entry) in %.1f s%n", entries, bytes,
                    entries == 0 ? 0 : (double) bytes / entries, seconds);
            return new Report(entries, bytes, seconds);
        } finally {
            Files.deleteIfExists(partial);
            deleteRecursively(work);
        }
    }

    /** A rebuilt corpus keeps the permissions of the file it replaces (its owner is whoever builds it). */
    private static void keepPermissions(Path existing, Path replacement) throws IOException {
        if (Files.exists(existing)
                && Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(existing));
        }
    }

    static int partitionBits(long estimatedEntries, long recordsPerPartition) {
        int bits = 0;
        while (bits < MAX_PARTITION_BITS && (estimatedEntries >> bits) > recordsPerPartition) {
            bits++;
        }
        return bits;
    }

    private static int partitionOf(long h40, int partitionBits) {
        return partitionBits == 0 ? 0 : (int) (h40 >>> (CorpusFormat.HASH_BITS - partitionBits));
    }

    private static Path partitionFile(Path work, int partition) {
        return work.resolve("part-" + partition);
    }

    /** Pass 1: spread the input over partition files; returns how many records were written. */
    private long partition(CorpusInput input, Path work, int partitionBits, long started) throws IOException {
        int partitions = 1 << partitionBits;
        PartitionOutput[] outputs = new PartitionOutput[partitions];
        long[] written = {0};
        try {
            for (int i = 0; i < partitions; i++) {
                outputs[i] = new PartitionOutput(partitionFile(work, i));
            }
            input.read((h40, fingerprint, count) -> {
                try {
                    outputs[partitionOf(h40, partitionBits)].write((h40 << 24) | Math.min(count, MAX_COUNT),
                            fingerprint);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (++written[0] % PROGRESS_EVERY == 0) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    progress.printf("read %,d entries (%.1f M/s)%n", written[0], written[0] / seconds / 1e6);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            for (PartitionOutput out : outputs) {
                if (out != null) {
                    out.close();
                }
            }
        }
        progress.printf("read %,d entries into %d partition(s)%n", written[0], partitions);
        return written[0];
    }

    /** Pass 2: sort each partition and append its entries, deduplicated, to the corpus. */
    private long write(Path work, int partitionBits, long records, Path output) throws IOException {
        long subBuckets = Math.max(1, records);
        long blocks = (subBuckets + CorpusFormat.SUB_BUCKETS_PER_BLOCK - 1) / CorpusFormat.SUB_BUCKETS_PER_BLOCK;
        try (BlockWriter writer = new BlockWriter(output, subBuckets, blocks)) {
            int partitions = 1 << partitionBits;
            for (int p = 0; p < partitions; p++) {
                Partition partition = Partition.read(partitionFile(work, p));
                partition.sort();
                partition.forEachUnique(writer::add);
                if (partitions > 1 && (p + 1) % Math.max(1, partitions / 16) == 0) {
                    progress.printf("wrote partition %d of %d%n", p + 1, partitions);
                }
            }
            return writer.finish();
        }
    }

    /**
     * Pass 3: the finished file is opened with the server's checks, and every input entry must be found in it
     * with at least its count. It is memory-mapped here, which is safe since no one else knows the file yet.
     */
    private void verify(Path work, int partitionBits, Path output) throws IOException {
        long missing = 0;
        long checked = 0;
        try (BreachCorpus corpus = BreachCorpus.openMapped(output)) {
            for (int p = 0; p < 1 << partitionBits; p++) {
                Partition partition = Partition.read(partitionFile(work, p));
                for (int i = 0; i < partition.size; i++) {
                    long h40 = partition.keys[i] >>> 24;
                    int bucket = CorpusFormat.countBucket(partition.keys[i] & MAX_COUNT);
                    if (corpus.countBucket(h40, partition.fingerprints[i]) < bucket) {
                        missing++;
                    }
                    checked++;
                }
            }
        }
        if (missing > 0) {
            throw new IOException("verification failed: " + missing + " of " + checked + " entries not found in"
                    + " the new corpus");
        }
        progress.printf("verified: all %,d input entries are found%n", checked);
    }

    /** One partition's records in memory: key = h40 << 24 | count, and the fingerprint. */
    private static final class Partition {
        long[] keys;
        int[] fingerprints;
        final int size;

        private Partition(int size) {
            this.size = size;
            this.keys = new long[size];
            this.fingerprints = new int[size];
        }

        static Partition read(Path file) throws IOException {
            long records = Files.size(file) / RECORD_BYTES;
            if (records > Integer.MAX_VALUE - 8) {
                throw new IOException("partition " + file + " has too many records; the input is far larger than"
                        + " its size suggested");
            }
            Partition partition = new Partition((int) records);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file),
                    1 << 16))) {
                for (int i = 0; i < partition.size; i++) {
                    partition.keys[i] = in.readLong();
                    partition.fingerprints[i] = in.readInt();
                }
            }
            return partition;
        }

        /** LSD radix sort on the 40 hash bits of the keys, carrying the fingerprints along. */
        void sort() {
            long[] keyBuffer = new long[size];
            int[] fingerprintBuffer = new int[size];
            for (int shift = 24; shift < 64; shift += 8) {
                int[] counts = new int[257];
                for (int i = 0; i < size; i++) {
                    counts[(int) ((keys[i] >>> shift) & 0xFF) + 1]++;
                }
                for (int i = 0; i < 256; i++) {
                    counts[i + 1] += counts[i];
                }
                for (int i = 0; i < size; i++) {
                    int target = counts[(int) ((keys[i] >>> shift) & 0xFF)]++;
                    keyBuffer[target] = keys[i];
                    fingerprintBuffer[target] = fingerprints[i];
                }
                long[] swapKeys = keys;
                keys = keyBuffer;
                keyBuffer = swapKeys;
                int[] swapFingerprints = fingerprints;
                fingerprints = fingerprintBuffer;
                fingerprintBuffer = swapFingerprints;
            }
        }

        /** Calls the writer once per distinct (hash, fingerprint), with the counts of duplicates added up. */
        void forEachUnique(EntryConsumer consumer) throws IOException {
            int i = 0;
            while (i < size) {
                long h40 = keys[i] >>> 24;
                int end = i;
                while (end < size && keys[end] >>> 24 == h40) {
                    end++;
                }
                for (int j = i; j < end; j++) {
                    if (fingerprints[j] == -1) {
                        continue;
                    }
                    long count = keys[j] & MAX_COUNT;
                    for (int k = j + 1; k < end; k++) {
                        if (fingerprints[k] == fingerprints[j]) {
                            count += keys[k] & MAX_COUNT;
                            fingerprints[k] = -1;
                        }
                    }
                    consumer.accept(h40, fingerprints[j], count);
                }
                i = end;
            }
        }
    }

    private interface EntryConsumer {
        void accept(long h40, int fingerprint, long count) throws IOException;
    }

    /** Writes blocks in sub-bucket order, then the index and the header. */
    private static final class BlockWriter implements AutoCloseable {
        private final Path output;
        private final long subBuckets;
        private final long blocks;
        private final long[] blockOffsets;
        private final BitOutput bits;
        private final int[] entriesPerSubBucket = new int[CorpusFormat.SUB_BUCKETS_PER_BLOCK];
        private long[] pending = new long[256];
        private int pendingCount;
        private long currentBlock;
        private long entries;

        BlockWriter(Path output, long subBuckets, long blocks) throws IOException {
            if (blocks + 1 > Integer.MAX_VALUE - 8) {
                throw new IOException("too many entries for one corpus file");
            }
            this.output = output;
            this.subBuckets = subBuckets;
            this.blocks = blocks;
            this.blockOffsets = new long[(int) blocks + 1];
            this.bits = new BitOutput(Files.newOutputStream(output, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
            bits.writeBytes(new byte[CorpusFormat.HEADER_BYTES]);
        }

        void add(long h40, int fingerprint, long count) throws IOException {
            long subBucket = CorpusFormat.subBucket(h40, subBuckets);
            long block = subBucket / CorpusFormat.SUB_BUCKETS_PER_BLOCK;
            while (currentBlock < block) {
                flushBlock();
            }
            if (pendingCount == pending.length) {
                pending = Arrays.copyOf(pending, pendingCount * 2);
            }
            int inBlock = (int) (subBucket % CorpusFormat.SUB_BUCKETS_PER_BLOCK);
            entriesPerSubBucket[inBlock]++;
            // Entries arrive in hash order, so sub-bucket order within the block is kept.
            pending[pendingCount++] = ((long) fingerprint << CorpusFormat.COUNT_BITS) | CorpusFormat.countBucket(count);
            entries++;
        }

        private void flushBlock() throws IOException {
            blockOffsets[(int) currentBlock] = bits.bytePosition();
            for (int i = 0; i < CorpusFormat.SUB_BUCKETS_PER_BLOCK; i++) {
                bits.writeOnes(entriesPerSubBucket[i]);
                bits.write(0, 1);
                entriesPerSubBucket[i] = 0;
            }
            for (int i = 0; i < pendingCount; i++) {
                bits.write(pending[i], CorpusFormat.ENTRY_BITS);
            }
            pendingCount = 0;
            bits.alignToByte();
            currentBlock++;
        }

        long finish() throws IOException {
            while (currentBlock < blocks) {
                flushBlock();
            }
            blockOffsets[(int) blocks] = bits.bytePosition();
            long indexOffset = bits.bytePosition();
            for (long offset : blockOffsets) {
                bits.write(offset, 40);
            }
            bits.writeBytes(new byte[CorpusFormat.TAIL_PADDING]);
            long size = bits.bytePosition();
            bits.close();

            ByteBuffer header = ByteBuffer.allocate(CorpusFormat.HEADER_BYTES);
            header.put(CorpusFormat.MAGIC)
                    .putInt(CorpusFormat.VERSION)
                    .putInt(CorpusFormat.FINGERPRINT_BITS)
                    .putInt(CorpusFormat.COUNT_BITS)
                    .putInt(CorpusFormat.SUB_BUCKETS_PER_BLOCK)
                    .putLong(entries)
                    .putLong(subBuckets)
                    .putLong(blocks)
                    .putLong(indexOffset)
                    .putLong(size)
                    .flip();
            try (FileChannel channel = FileChannel.open(output, StandardOpenOption.WRITE)) {
                channel.write(header, 0);
                // On disk before it is moved over the old corpus, so a crash cannot leave an empty file there.
                channel.force(true);
            }
            return entries;
        }

        @Override
        public void close() throws IOException {
            bits.close();
        }
    }

    /** Writes bit fields most significant bit first, through its own byte buffer. */
    private static final class BitOutput implements AutoCloseable {
        private final OutputStream out;
        private final byte[] bytes = new byte[1 << 20];
        private int filled;
        private long pending;
        private int pendingBits;
        private long bytesWritten;
        private boolean closed;

        BitOutput(OutputStream out) {
            this.out = out;
        }

        /** Appends the low {@code count} bits of {@code value}; {@code count} is at most 56. */
        void write(long value, int count) throws IOException {
            pending = (pending << count) | (value & ((1L << count) - 1));
            pendingBits += count;
            while (pendingBits >= 8) {
                pendingBits -= 8;
                put((byte) (pending >>> pendingBits));
            }
            pending &= (1L << pendingBits) - 1;
        }

        /** Appends {@code count} 1-bits. */
        void writeOnes(int count) throws IOException {
            for (int left = count; left > 0; left -= 56) {
                int chunk = Math.min(left, 56);
                write(-1L, chunk);
            }
        }

        void alignToByte() throws IOException {
            if (pendingBits > 0) {
                write(0, 8 - pendingBits);
            }
        }

        void writeBytes(byte[] data) throws IOException {
            alignToByte();
            for (byte b : data) {
                put(b);
            }
        }

        private void put(byte b) throws IOException {
            if (filled == bytes.length) {
                out.write(bytes, 0, filled);
                filled = 0;
            }
            bytes[filled++] = b;
            bytesWritten++;
        }

        long bytePosition() {
            return bytesWritten;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.write(bytes, 0, filled);
                out.close();
            }
        }
    }

    /** Appends 12-byte records to one partition file. */
    private static final class PartitionOutput implements AutoCloseable {
        private final OutputStream out;
        private final byte[] buffer = new byte[RECORD_BYTES * 4096];
        private int filled;

        PartitionOutput(Path file) throws IOException {
            this.out = Files.newOutputStream(file);
        }

        void write(long key, int fingerprint) throws IOException {
            if (filled == buffer.length) {
                out.write(buffer, 0, filled);
                filled = 0;
            }
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[filled++] = (byte) (key >>> shift);
            }
            for (int shift = 24; shift >= 0; shift -= 8) {
                buffer[filled++] = (byte) (fingerprint >>> shift);
            }
        }

        @Override
        public void close() throws IOException {
            out.write(buffer, 0, filled);
            out.close();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
