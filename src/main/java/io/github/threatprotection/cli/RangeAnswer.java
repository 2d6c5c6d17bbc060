package io.github.threatprotection.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.github.threatprotection.breach.CorpusInput;

/**
 * One answer of the Pwned Passwords range API ({@code GET …/range/5A3F1}): {@code SUFFIX:COUNT} lines, the 35 hex
 * digits of a SHA-1 after the range's five, CRLF between lines. Kept in the form the download's state folder
 * stores: per entry the 50 hash bits after the range's 20 that a corpus uses (the rest of its 40-bit prefix and
 * its 30-bit fingerprint) and the count, 7 bytes when the count is below 63, then the rest of larger counts as a
 * varint, instead of about 40 bytes of text. Count-0 rows are the padding a server adds on request
 * ({@code Add-Padding}); they are no passwords and are skipped.
 */
final class RangeAnswer {

    /** Ranges in the API: every five-hex-digit prefix. */
    static final int RANGES = 1 << 20;

    private static final int SUFFIX_DIGITS = 35;
    private static final int SMALL_COUNT = 63;
    private static final long TAIL_MASK = (1L << 50) - 1;
    private static final int FINGERPRINT_MASK = (1 << 30) - 1;

    final int range;
    final int entries;
    final int paddingRows;
    /** The packed entries, {@link #packedLength} bytes of it. */
    final byte[] packed;
    final int packedLength;

    private RangeAnswer(int range, int entries, int paddingRows, byte[] packed, int packedLength) {
        this.range = range;
        this.entries = entries;
        this.paddingRows = paddingRows;
        this.packed = packed;
        this.packedLength = packedLength;
    }

    /** A body that is not a range answer: a garbage line, or one cut off in the middle. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    static String prefix(int range) {
        return String.format("%05X", range);
    }

    /** Reads an answer; {@code text}, when not null, gets its breached rows as {@code SUFFIX:COUNT} lines. */
    static RangeAnswer parse(int range, byte[] body, int length, StringBuilder text) throws MalformedException {
        byte[] packed = new byte[Math.max(64, length / 4)];
        int packedLength = 0;
        int entries = 0;
        int padding = 0;
        int line = 0;
        int start = 0;
        while (start < length) {
            int end = start;
            while (end < length && body[end] != '\n') {
                end++;
            }
            int stop = end > start && body[end - 1] == '\r' ? end - 1 : end;
            line++;
            if (stop > start) {
                long count = 0;
                long head = 0;
                if (stop - start < SUFFIX_DIGITS + 2 || body[start + SUFFIX_DIGITS] != ':') {
                    throw malformed(range, line, "expected 35 hex digits, ':' and a count");
                }
                for (int i = 0; i < SUFFIX_DIGITS; i++) {
                    int digit = hex(body[start + i]);
                    if (digit < 0) {
                        throw malformed(range, line, "not a hex digit at column " + (i + 1));
                    }
                    if (i < 13) {
                        head = (head << 4) | digit;
                    }
                }
                if (stop - start - SUFFIX_DIGITS - 1 > 18) {
                    throw malformed(range, line, "the count is too long");
                }
                for (int i = start + SUFFIX_DIGITS + 1; i < stop; i++) {
                    int digit = body[i] - '0';
                    if (digit < 0 || digit > 9) {
                        throw malformed(range, line, "the count is not a whole number");
                    }
                    count = count * 10 + digit;
                }
                if (count == 0) {
                    padding++;
                } else {
                    if (packed.length - packedLength < 17) {
                        packed = Arrays.copyOf(packed, packed.length * 2);
                    }
                    // 13 hex digits are 52 bits; the top 50 follow the range's 20 bits of the hash.
                    long tail = (head >>> 2) & TAIL_MASK;
                    packedLength = putEntry(packed, packedLength, tail, count);
                    entries++;
                    if (text != null) {
                        text.append(new String(body, start, stop - start, StandardCharsets.US_ASCII)).append("\r\n");
                    }
                }
            }
            start = end + 1;
        }
        return new RangeAnswer(range, entries, padding, packed, packedLength);
    }

    private static int putEntry(byte[] to, int at, long tail, long count) {
        long word = (tail << 6) | Math.min(count, SMALL_COUNT);
        for (int shift = 48; shift >= 0; shift -= 8) {
            to[at++] = (byte) (word >>> shift);
        }
        if (count >= SMALL_COUNT) {
            long rest = count - SMALL_COUNT;
            while (rest >= 0x80) {
                to[at++] = (byte) ((rest & 0x7F) | 0x80);
                rest >>>= 7;
            }
            to[at++] = (byte) rest;
        }
        return at;
    }

    /**
     * Hands {@code entries} packed entries of {@code range}, from {@code from} at {@code at}, to the corpus
     * builder; returns the position after them.
     */
    static int readEntries(int range, byte[] from, int at, int entries, CorpusInput.Sink sink) throws IOException {
        for (int e = 0; e < entries; e++) {
            if (at + 7 > from.length) {
                throw new IOException("range " + prefix(range) + ": its stored entries end early");
            }
            long word = 0;
            for (int i = 0; i < 7; i++) {
                word = (word << 8) | (from[at++] & 0xFF);
            }
            long count = word & SMALL_COUNT;
            if (count == SMALL_COUNT) {
                long rest = 0;
                int shift = 0;
                byte b;
                do {
                    if (at >= from.length || shift > 56) {
                        throw new IOException("range " + prefix(range) + ": a stored count is damaged");
                    }
                    b = from[at++];
                    rest |= (long) (b & 0x7F) << shift;
                    shift += 7;
                } while (b < 0);
                count += rest;
            }
            long tail = word >>> 6;
            sink.accept(((long) range << 20) | (tail >>> 30), (int) (tail & FINGERPRINT_MASK), count);
        }
        return at;
    }

    private static MalformedException malformed(int range, int line, String what) {
        return new MalformedException("range " + prefix(range) + " line " + line + ": " + what);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
