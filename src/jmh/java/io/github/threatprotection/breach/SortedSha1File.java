package io.github.threatprotection.breach;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Baseline 1: every SHA-1 stored whole (20 bytes per entry) in a file sorted in unsigned byte order,
 * memory-mapped and searched by plain binary search. One mapping, so the file must stay below 2 GiB
 * (1e8 entries = 2.0e9 bytes fits).
 */
final class SortedSha1File {

    static final int RECORD = 20;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final MappedByteBuffer buffer;
    private final long entries;
    private final long size;

    SortedSha1File(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            size = channel.size();
            if (size > Integer.MAX_VALUE || size % RECORD != 0) {
                throw new IOException(path + ": expected a multiple of 20 bytes below 2 GiB, got " + size);
            }
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        entries = size / RECORD;
    }

    long entries() {
        return entries;
    }

    long sizeBytes() {
        return size;
    }

    /** The 20 bytes of record {@code index}, into {@code out}. */
    void read(long index, byte[] out) {
        buffer.get((int) (index * RECORD), out, 0, RECORD);
    }

    /** Index of the record equal to {@code sha1}, or -1. */
    long find(byte[] sha1) {
        long a = (long) LONG.get(sha1, 0);
        long b = (long) LONG.get(sha1, 8);
        int c = (int) INT.get(sha1, 16);
        long lo = 0;
        long hi = entries - 1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            int pos = (int) (mid * RECORD);
            int cmp = Long.compareUnsigned(buffer.getLong(pos), a);
            if (cmp == 0) {
                cmp = Long.compareUnsigned(buffer.getLong(pos + 8), b);
                if (cmp == 0) {
                    cmp = Integer.compareUnsigned(buffer.getInt(pos + 16), c);
                }
            }
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Reads one byte per page so the mapping's pages are resident before timing starts. */
    long touch() {
        long sum = 0;
        for (int pos = 0; pos < size; pos += 4096) {
            sum += buffer.get(pos);
        }
        return sum;
    }
}
