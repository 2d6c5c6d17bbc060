package io.github.threatprotection.breach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a corpus checks all of it that a lookup relies on: the header and the whole index. */
class BreachCorpusTest {

    private static final int ENTRIES = 6_000;

    @TempDir
    Path dir;

    private Path corpus;
    private byte[] pristine;

    @BeforeEach
    void build() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            lines.add(PasswordHash.hex(PasswordHash.sha1("entry-" + i)) + ":" + (1 + i % 5000));
        }
        Path input = Files.write(dir.resolve("input.txt"), lines);
        corpus = dir.resolve("corpus.bin");
        new CorpusBuilder(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .build(CorpusInput.of(input, "hibp-sha1"), corpus, dir);
        pristine = Files.readAllBytes(corpus);
    }

    private ByteBuffer header() {
        return ByteBuffer.wrap(pristine);
    }

    private long blocks() {
        return header().getLong(40);
    }

    private long indexOffset() {
        return header().getLong(48);
    }

    private long indexEntry(byte[] bytes, long block) {
        long value = 0;
        int position = (int) (indexOffset() + block * 5);
        for (int i = 0; i < 5; i++) {
            value = (value << 8) | (bytes[position + i] & 0xFF);
        }
        return value;
    }

    private void setIndexEntry(byte[] bytes, long block, long value) {
        int position = (int) (indexOffset() + block * 5);
        for (int i = 4; i >= 0; i--) {
            bytes[position + i] = (byte) value;
            value >>>= 8;
        }
    }

    /** Writes a damaged copy of the corpus and returns the message of the refusal to open it. */
    private String refusal(Consumer<byte[]> damage) throws IOException {
        byte[] bytes = pristine.clone();
        damage.accept(bytes);
        Path damaged = Files.write(dir.resolve("damaged.bin"), bytes);
        IOException error = assertThrows(IOException.class, () -> BreachCorpus.open(damaged));
        assertFalse(error.getMessage().contains("\n"), "one line: " + error.getMessage());
        return error.getMessage();
    }

    @Test
    void anUndamagedCorpusOpensAndFindsEveryEntry() throws IOException {
        BreachCorpus opened = BreachCorpus.open(corpus);
        assertEquals(ENTRIES, opened.entries());
        for (int i = 0; i < ENTRIES; i++) {
            assertTrue(opened.count(PasswordHash.sha1("entry-" + i)) > 0, "entry " + i);
        }
    }

    @Test
    void anIndexThatGoesBackwardsIsRefused() throws IOException {
        long middle = blocks() / 2;
        String message = refusal(bytes -> setIndexEntry(bytes, middle, indexEntry(bytes, middle - 1) - 8));
        assertTrue(message.contains("before it starts"), message);
    }

    @Test
    void twoIndexEntriesSwappedAreRefused() throws IOException {
        long middle = blocks() / 2;
        String message = refusal(bytes -> {
            long a = indexEntry(bytes, middle);
            setIndexEntry(bytes, middle, indexEntry(bytes, middle + 1));
            setIndexEntry(bytes, middle + 1, a);
        });
        assertTrue(message.contains("index"), message);
    }

    @Test
    void anIndexEntryPointingPastTheDataIsRefused() throws IOException {
        String message = refusal(bytes -> setIndexEntry(bytes, blocks() / 2, indexOffset() + 1_000_000));
        assertTrue(message.contains("index"), message);
    }

    @Test
    void anIndexEntryPointingIntoTheHeaderIsRefused() throws IOException {
        String message = refusal(bytes -> setIndexEntry(bytes, 0, 10));
        assertTrue(message.contains("index"), message);
    }

    @Test
    void anIndexWhoseLastEntryIsNotTheEndOfTheDataIsRefused() throws IOException {
        String message = refusal(bytes -> setIndexEntry(bytes, blocks(), indexEntry(bytes, blocks()) - 1));
        assertTrue(message.contains("index"), message);
    }

    @Test
    void aBlockBoundaryMovedByOneByteIsRefused() throws IOException {
        // Still monotone and inside the data, but the two blocks' lengths no longer hold whole entries.
        long middle = blocks() / 2;
        String message = refusal(bytes -> setIndexEntry(bytes, middle, indexEntry(bytes, middle) + 1));
        assertTrue(message.contains("block"), message);
    }

    @Test
    void blocksHoldingMoreOrFewerEntriesThanTheHeaderSaysAreRefused() throws IOException {
        String message = refusal(bytes -> ByteBuffer.wrap(bytes).putLong(24, ENTRIES - 1));
        assertTrue(message.contains("entries"), message);
    }

    @Test
    void headerDamageIsRefused() throws IOException {
        // Blocks that do not match the sub-buckets.
        refusal(bytes -> ByteBuffer.wrap(bytes).putLong(40, blocks() + 1));
        // An index offset that does not match the file size.
        refusal(bytes -> ByteBuffer.wrap(bytes).putLong(48, indexOffset() - 5));
        // Fewer sub-buckets than entries.
        refusal(bytes -> ByteBuffer.wrap(bytes).putLong(32, ENTRIES - 1));
        // Numbers so large that sizes computed from them overflow.
        refusal(bytes -> ByteBuffer.wrap(bytes).putLong(32, Long.MAX_VALUE).putLong(40, Long.MAX_VALUE / 128 + 1));
        refusal(bytes -> ByteBuffer.wrap(bytes).putLong(24, -1));
        // The zero bytes at the end.
        refusal(bytes -> bytes[bytes.length - 1] = 1);
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        byte[] shorter = java.util.Arrays.copyOf(pristine, pristine.length - 1);
        Path truncated = Files.write(dir.resolve("truncated.bin"), shorter);
        IOException error = assertThrows(IOException.class, () -> BreachCorpus.open(truncated));
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    }

    @Test
    void aLookupInAFileTruncatedAfterOpeningFailsWithAnIOException() throws IOException {
        BreachCorpus opened = BreachCorpus.open(corpus);
        try (FileChannel channel = FileChannel.open(corpus, StandardOpenOption.WRITE)) {
            channel.truncate(pristine.length / 3);
        }
        int failed = 0;
        for (int i = 0; i < ENTRIES; i++) {
            try {
                assertTrue(opened.count(PasswordHash.sha1("entry-" + i)) > 0, "entry " + i);
            } catch (Exception e) {
                assertTrue(e instanceof IOException, e.toString());
                failed++;
            }
        }
        // Lookups whose block was cut off say so; the others still answer, from the part that is left.
        assertTrue(failed > ENTRIES / 2, failed + " of " + ENTRIES + " lookups failed");
    }
}
