package io.github.threatprotection.breach;

import java.io.EOFException;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file mapped into memory in 1 GiB segments (a single mapping is limited to 2 GiB). Only for files
 * no one else writes while they are mapped: the builder's check of the corpus it has just written, and the
 * benchmarks. The server reads corpora with {@link PositionalCorpusFile}, since a mapped file truncated under
 * it cannot be read safely.
 */
final class MappedCorpusFile implements CorpusFile {

    private static final int SEGMENT_BITS = 30;
    private static final long SEGMENT_SIZE = 1L << SEGMENT_BITS;
    private static final long SEGMENT_MASK = SEGMENT_SIZE - 1;

    private final MappedByteBuffer[] segments;
    private final long size;

    MappedCorpusFile(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            size = channel.size();
            int count = (int) ((size + SEGMENT_SIZE - 1) >>> SEGMENT_BITS);
            segments = new MappedByteBuffer[count];
            for (int i = 0; i < count; i++) {
                long start = (long) i << SEGMENT_BITS;
                segments[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(SEGMENT_SIZE, size - start));
            }
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, byte[] into, int length) throws IOException {
        if (position < 0 || position > size - length) {
            throw new EOFException("the file is shorter than its index says: it was truncated");
        }
        int done = 0;
        while (done < length) {
            long at = position + done;
            MappedByteBuffer segment = segments[(int) (at >>> SEGMENT_BITS)];
            int offset = (int) (at & SEGMENT_MASK);
            int count = Math.min(length - done, segment.limit() - offset);
            segment.get(offset, into, done, count);
            done += count;
        }
    }

    /** Nothing to release: the mapping goes when it is no longer referenced. */
    @Override
    public void close() {
    }

    // Absolute accessors for the benchmarks' WordDecodeProbe, which decodes straight from the mapping.

    int getByte(long position) {
        return segments[(int) (position >>> SEGMENT_BITS)].get((int) (position & SEGMENT_MASK)) & 0xFF;
    }

    long getLong(long position) {
        int offset = (int) (position & SEGMENT_MASK);
        MappedByteBuffer segment = segments[(int) (position >>> SEGMENT_BITS)];
        if (offset + 8 <= segment.limit()) {
            return segment.getLong(offset);
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | getByte(position + i);
        }
        return value;
    }

    /** An unsigned 40-bit number. */
    long getUnsigned40(long position) {
        return getLong(position) >>> 24;
    }

    /** {@code count} (at most 57) bits starting at a bit position, as an unsigned number. */
    long getBits(long bitPosition, int count) {
        long word = getLong(bitPosition >>> 3) << (bitPosition & 7);
        return word >>> (64 - count);
    }
}
