package io.github.threatprotection.breach;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Baseline 2: a classic (unblocked) Bloom filter sized for a false-positive rate of 1e-9: m = n ln(1/p) / ln(2)^2
 * bits (about 43.1 bits per entry, rounded up to whole 64-bit words) and k = 30 probes. The probe positions come
 * from the SHA-1 itself by enhanced double hashing: start with h1 = bytes 4..11 and h2 = bytes 12..19; probe i
 * tests bit floor(h1 * m / 2^64) (h1 unsigned), then h1 += h2 and h2 += i. The bit array is written to a file of
 * big-endian words and memory-mapped for lookups, like the corpus.
 */
final class BloomFilter {

    static final int K = 30;
    static final double TARGET_FPR = 1e-9;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BloomFilter() {
    }

    static long words(long entries) {
        double bits = Math.ceil(entries * -Math.log(TARGET_FPR) / (Math.log(2) * Math.log(2)));
        return ((long) bits + 63) / 64;
    }

    /** The expected false-positive rate of k probes into m bits holding n entries. */
    static double theoreticalFpr(long entries, long bits) {
        return Math.pow(1 - Math.exp(-(double) K * entries / bits), K);
    }

    /** floor(x * m / 2^64) for x read as unsigned and m below 2^63. */
    private static long reduce(long x, long m) {
        return Math.multiplyHigh(x, m) + ((x >> 63) & m);
    }

    /** An in-heap filter being built. */
    static final class Builder {
        final long[] words;
        final long bits;

        Builder(long entries) {
            long w = words(entries);
            if (w > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("too many entries for one long[]");
            }
            words = new long[(int) w];
            bits = w * 64;
        }

        void add(byte[] sha1) {
            long h1 = (long) LONG.get(sha1, 4);
            long h2 = (long) LONG.get(sha1, 12);
            for (int i = 0; i < K; i++) {
                long bit = reduce(h1, bits);
                words[(int) (bit >>> 6)] |= 1L << bit;
                h1 += h2;
                h2 += i;
            }
        }

        void write(Path path) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
                for (long word : words) {
                    if (!chunk.hasRemaining()) {
                        chunk.flip();
                        while (chunk.hasRemaining()) {
                            channel.write(chunk);
                        }
                        chunk.clear();
                    }
                    chunk.putLong(word);
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
            }
        }
    }

    /** A built filter, memory-mapped. */
    static final class Mapped {
        private final MappedByteBuffer buffer;
        final long bits;

        Mapped(Path path) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size > Integer.MAX_VALUE || size % 8 != 0) {
                    throw new IOException(path + ": expected whole words below 2 GiB, got " + size);
                }
                buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                bits = size * 8;
            }
        }

        long sizeBytes() {
            return bits / 8;
        }

        boolean mightContain(byte[] sha1) {
            long h1 = (long) LONG.get(sha1, 4);
            long h2 = (long) LONG.get(sha1, 12);
            for (int i = 0; i < K; i++) {
                long bit = reduce(h1, bits);
                if ((buffer.getLong((int) (bit >>> 6) << 3) & (1L << bit)) == 0) {
                    return false;
                }
                h1 += h2;
                h2 += i;
            }
            return true;
        }

        long touch() {
            long sum = 0;
            for (int pos = 0; pos < buffer.capacity(); pos += 4096) {
                sum += buffer.get(pos);
            }
            return sum;
        }
    }
}
