package io.github.threatprotection.breach;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Breach data to build a corpus from, streamed entry by entry:
 * <ul>
 *   <li>{@code hibp-sha1}: Have I Been Pwned's Pwned Passwords as SHA-1 {@code HASH:COUNT} lines, either one
 *   file or a folder of the 16^5 range files its downloader writes ({@code 5A3F1.txt} holding
 *   {@code SUFFIX:COUNT} lines);</li>
 *   <li>{@code plaintext}: one password per line, UTF-8; a password listed n times counts n.</li>
 * </ul>
 */
public abstract class CorpusInput {

    /**
     * Receives one entry: the top 40 bits of a SHA-1 ({@link CorpusFormat#hash40}), its fingerprint, the next 30
     * bits ({@link CorpusFormat#fingerprint}), and how often it was seen.
     */
    public interface Sink {
        void accept(long h40, int fingerprint, long count);
    }

    /** Entries kept somewhere other than text files, such as the ranges {@code corpus download} keeps. */
    public interface Entries {
        void read(Sink sink) throws IOException;
    }

    private static final int BUFFER_BYTES = 1 << 20;

    final List<Path> files;

    private CorpusInput(List<Path> files) {
        this.files = files;
    }

    public static CorpusInput of(Path input, String format) throws IOException {
        List<Path> files;
        if (Files.isDirectory(input)) {
            try (Stream<Path> list = Files.list(input)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            }
        } else if (Files.isRegularFile(input)) {
            files = List.of(input);
        } else {
            throw new IOException("no such file or folder: " + input);
        }
        return switch (format) {
            case "hibp-sha1" -> new HibpSha1(files);
            case "plaintext" -> new Plaintext(files);
            default -> throw new IllegalArgumentException("unknown format " + format
                    + "; expected hibp-sha1 or plaintext");
        };
    }

    /** Entries read from {@code entries}; {@code estimatedEntries} sizes the build's partitions. */
    public static CorpusInput ofEntries(long estimatedEntries, Entries entries) {
        return new CorpusInput(List.of()) {
            @Override
            long estimatedEntries() {
                return estimatedEntries;
            }

            @Override
            void read(Sink sink) throws IOException {
                entries.read(sink);
            }
        };
    }

    /** A rough entry count from the input's size, to size the build's partitions. */
    abstract long estimatedEntries() throws IOException;

    abstract void read(Sink sink) throws IOException;

    long totalBytes() throws IOException {
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        return total;
    }

    /** Calls {@code line} with each line of the file, without its line break, from a reused buffer. */
    static void forEachLine(Path file, LineHandler line) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        int filled = 0;
        long lineNumber = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int read = in.read(buffer, filled, buffer.length - filled);
                if (read < 0) {
                    break;
                }
                filled += read;
                int start = 0;
                for (int i = 0; i < filled; i++) {
                    if (buffer[i] == '\n') {
                        int end = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                        line.accept(buffer, start, end - start, ++lineNumber);
                        start = i + 1;
                    }
                }
                if (start == 0 && filled == buffer.length) {
                    throw new IOException(file + " line " + (lineNumber + 1) + " is longer than " + BUFFER_BYTES
                            + " bytes");
                }
                System.arraycopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
            }
            if (filled > 0) {
                int end = buffer[filled - 1] == '\r' ? filled - 1 : filled;
                line.accept(buffer, 0, end, ++lineNumber);
            }
        }
    }

    interface LineHandler {
        void accept(byte[] buffer, int start, int length, long lineNumber) throws IOException;
    }

    private static final class HibpSha1 extends CorpusInput {

        HibpSha1(List<Path> files) {
            super(files);
        }

        @Override
        long estimatedEntries() throws IOException {
            return totalBytes() / 40 + 1;
        }

        @Override
        void read(Sink sink) throws IOException {
            for (Path file : files) {
                String prefix = rangePrefix(file);
                int hexDigits = prefix == null ? 40 : 35;
                byte[] hash = new byte[20];
                if (prefix != null) {
                    for (int i = 0; i < 5; i++) {
                        hash[i / 2] |= (byte) (hexValue(prefix.charAt(i)) << (i % 2 == 0 ? 4 : 0));
                    }
                }
                int offset = 40 - hexDigits;
                forEachLine(file, (buffer, start, length, lineNumber) -> {
                    if (length == 0) {
                        return;
                    }
                    if (length < hexDigits + 2 || buffer[start + hexDigits] != ':') {
                        throw malformed(file, lineNumber, "expected " + hexDigits + " hex digits, ':' and a count");
                    }
                    if (prefix != null) {
                        hash[2] &= (byte) 0xF0;
                        for (int i = 3; i < 20; i++) {
                            hash[i] = 0;
                        }
                    } else {
                        Arrays.fill(hash, (byte) 0);
                    }
                    for (int i = 0; i < hexDigits; i++) {
                        int value = hexValue(buffer[start + i]);
                        if (value < 0) {
                            throw malformed(file, lineNumber, "not a hex digit at column " + (i + 1));
                        }
                        int nibble = offset + i;
                        hash[nibble / 2] |= (byte) (value << (nibble % 2 == 0 ? 4 : 0));
                    }
                    long count = 0;
                    try {
                        for (int i = start + hexDigits + 1; i < start + length; i++) {
                            int digit = buffer[i] - '0';
                            if (digit < 0 || digit > 9) {
                                throw new NumberFormatException();
                            }
                            count = Math.addExact(Math.multiplyExact(count, 10), digit);
                        }
                    } catch (NumberFormatException | ArithmeticException e) {
                        throw malformed(file, lineNumber, "the count is not a whole number");
                    }
                    // Padding rows of the range API carry count 0: they are not breached passwords.
                    if (count > 0) {
                        sink.accept(CorpusFormat.hash40(hash), CorpusFormat.fingerprint(hash), count);
                    }
                });
            }
        }

        /** The 5-hex-digit prefix of a range file ({@code 5A3F1.txt}), or null for a whole-hash file. */
        private static String rangePrefix(Path file) {
            String name = file.getFileName().toString();
            int dot = name.indexOf('.');
            String stem = dot < 0 ? name : name.substring(0, dot);
            if (stem.length() != 5) {
                return null;
            }
            for (int i = 0; i < 5; i++) {
                if (hexValue(stem.charAt(i)) < 0) {
                    return null;
                }
            }
            return stem;
        }
    }

    private static final class Plaintext extends CorpusInput {

        Plaintext(List<Path> files) {
            super(files);
        }

        @Override
        long estimatedEntries() throws IOException {
            return totalBytes() / 9 + 1;
        }

        @Override
        void read(Sink sink) throws IOException {
            MessageDigest sha1 = sha1();
            for (Path file : files) {
                forEachLine(file, (buffer, start, length, lineNumber) -> {
                    if (length == 0) {
                        return;
                    }
                    sha1.update(buffer, start, length);
                    byte[] hash = sha1.digest();
                    sink.accept(CorpusFormat.hash40(hash), CorpusFormat.fingerprint(hash), 1);
                });
            }
        }
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }

    private static int hexValue(int c) {
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

    private static IOException malformed(Path file, long lineNumber, String what) {
        return new IOException(file + " line " + lineNumber + ": " + what);
    }
}
