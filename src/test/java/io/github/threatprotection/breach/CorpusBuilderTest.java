package io.github.threatprotection.breach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusBuilderTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    private BreachCorpus build(Path input, String format, long recordsPerPartition) throws IOException {
        Path output = dir.resolve("corpus.bin");
        new CorpusBuilder(new PrintStream(progress, true, StandardCharsets.UTF_8), recordsPerPartition)
                .build(CorpusInput.of(input, format), output, dir);
        return BreachCorpus.open(output);
    }

    /** Writes an HIBP-format file: upper-case SHA-1, a colon, the count. */
    private Path hibpFile(Map<String, Long> passwords) throws IOException {
        List<String> lines = new ArrayList<>();
        passwords.forEach((password, count) -> lines.add(PasswordHash.hex(PasswordHash.sha1(password)) + ":" + count));
        Path file = dir.resolve("pwned-passwords-sha1.txt");
        Files.write(file, lines);
        return file;
    }

    private static Map<String, Long> generated(int n, long seed) {
        Random random = new Random(seed);
        Map<String, Long> passwords = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            passwords.put("breached-" + i + "-" + random.nextInt(1_000_000), 1L + random.nextInt(200_000));
        }
        return passwords;
    }

    @Test
    void everyEntryIsFoundWithTheLowerBoundOfItsCountBucket() throws IOException {
        Map<String, Long> passwords = generated(20_000, 1);
        BreachCorpus corpus = build(hibpFile(passwords), "hibp-sha1", CorpusBuilder.RECORDS_PER_PARTITION);

        assertEquals(passwords.size(), corpus.entries());
        for (Map.Entry<String, Long> entry : passwords.entrySet()) {
            long found = corpus.count(PasswordHash.sha1(entry.getKey()));
            assertEquals(CorpusFormat.countOfBucket(CorpusFormat.countBucket(entry.getValue())), found, entry.getKey());
            assertTrue(found <= entry.getValue());
        }
        assertTrue(progress.toString().contains("verified: all 20,000 input entries are found"), progress.toString());
    }

    @Test
    void passwordsThatAreNotInTheCorpusAreNotFound() throws IOException {
        BreachCorpus corpus = build(hibpFile(generated(50_000, 2)), "hibp-sha1", CorpusBuilder.RECORDS_PER_PARTITION);
        int falsePositives = 0;
        for (int i = 0; i < 1_000_000; i++) {
            if (corpus.count(PasswordHash.sha1("never-breached-" + i)) > 0) {
                falsePositives++;
            }
        }
        // The format's rate is below 1e-9, so a million lookups should find nothing.
        assertEquals(0, falsePositives);
        assertTrue(corpus.falsePositiveRate() < 1e-9, "rate " + corpus.falsePositiveRate());
        assertTrue(corpus.bytesPerEntry() < 4.5, "bytes per entry " + corpus.bytesPerEntry());
    }

    @Test
    void manyPartitionsGiveTheSameCorpusAsOne() throws IOException {
        Map<String, Long> passwords = generated(5_000, 3);
        Path input = hibpFile(passwords);
        BreachCorpus single = build(input, "hibp-sha1", CorpusBuilder.RECORDS_PER_PARTITION);
        byte[] singleBytes = Files.readAllBytes(single.path());
        BreachCorpus partitioned = build(input, "hibp-sha1", 100);
        assertTrue(progress.toString().contains("partition(s)"));
        assertArrayEquals(singleBytes, Files.readAllBytes(partitioned.path()));
    }

    @Test
    void rangeFilesAsTheDownloaderWritesThemAreRead() throws IOException {
        Map<String, Long> passwords = generated(3_000, 4);
        Map<String, List<String>> byPrefix = new TreeMap<>();
        passwords.forEach((password, count) -> {
            String hex = PasswordHash.hex(PasswordHash.sha1(password));
            byPrefix.computeIfAbsent(hex.substring(0, 5), k -> new ArrayList<>()).add(hex.substring(5) + ":" + count);
        });
        Path folder = Files.createDirectory(dir.resolve("ranges"));
        for (Map.Entry<String, List<String>> range : byPrefix.entrySet()) {
            List<String> lines = new ArrayList<>(range.getValue());
            lines.add("0123456789ABCDEF0123456789ABCDEF012:0"); // padding row: ignored
            Files.write(folder.resolve(range.getKey() + ".txt"), lines);
        }
        BreachCorpus corpus = build(folder, "hibp-sha1", CorpusBuilder.RECORDS_PER_PARTITION);
        assertEquals(passwords.size(), corpus.entries());
        for (String password : passwords.keySet()) {
            assertTrue(corpus.count(PasswordHash.sha1(password)) > 0, password);
        }
    }

    @Test
    void aPlaintextListCountsRepeatedPasswords() throws IOException {
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "123456\r\npassword\n\n123456\nqwerty\n123456\nsommarsol\u00e4\n");
        BreachCorpus corpus = build(list, "plaintext", CorpusBuilder.RECORDS_PER_PARTITION);
        assertEquals(4, corpus.entries());
        assertEquals(3, corpus.count(PasswordHash.sha1("123456")));
        assertEquals(1, corpus.count(PasswordHash.sha1("qwerty")));
        assertEquals(1, corpus.count(PasswordHash.sha1("sommarsol\u00e4")));
        assertEquals(0, corpus.count(PasswordHash.sha1("correct horse battery staple")));
    }

    @Test
    void malformedLinesStopTheBuildNamingTheLine() throws IOException {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, PasswordHash.hex(PasswordHash.sha1("a")) + ":3\nnot-a-hash:4\n");
        IOException error = assertThrows(IOException.class, () -> build(file, "hibp-sha1", 1000));
        assertTrue(error.getMessage().contains("line 2"), error.getMessage());
    }

    @Test
    void aCountTooLargeForALongIsMalformedNotSkipped() throws IOException {
        Path file = dir.resolve("huge.txt");
        Files.writeString(file, PasswordHash.hex(PasswordHash.sha1("a")) + ":9223372036854775808\n");
        IOException error = assertThrows(IOException.class, () -> build(file, "hibp-sha1", 1000));
        assertTrue(error.getMessage().contains("line 1"), error.getMessage());
    }

    @Test
    void anEmptyInputGivesAnEmptyCorpus() throws IOException {
        Path file = Files.writeString(dir.resolve("empty.txt"), "");
        BreachCorpus corpus = build(file, "hibp-sha1", 1000);
        assertEquals(0, corpus.entries());
        assertEquals(0, corpus.count(PasswordHash.sha1("anything")));
    }

    @Test
    void rebuildingOntoAnOpenCorpusLeavesTheOpenOneIntact() throws IOException {
        Map<String, Long> first = generated(30_000, 5);
        BreachCorpus open = build(hibpFile(first), "hibp-sha1", CorpusBuilder.RECORDS_PER_PARTITION);
        Map<String, Long> second = generated(2_000, 6);

        BreachCorpus rebuilt = build(hibpFile(second), "hibp-sha1", CorpusBuilder.RECORDS_PER_PARTITION);

        // The server's open file is never written: the new one is moved over its name once complete.
        assertEquals(open.path(), rebuilt.path());
        assertEquals(2_000, rebuilt.entries());
        for (String password : first.keySet()) {
            assertTrue(open.count(PasswordHash.sha1(password)) > 0, password);
        }
        for (String password : second.keySet()) {
            assertTrue(rebuilt.count(PasswordHash.sha1(password)) > 0, password);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("corpus.bin", "pwned-passwords-sha1.txt"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left");
        }
    }

    @Test
    void aFailedBuildLeavesTheExistingCorpusAndNoTemporaryFile() throws IOException {
        BreachCorpus existing = build(hibpFile(generated(1_000, 7)), "hibp-sha1", CorpusBuilder.RECORDS_PER_PARTITION);
        byte[] before = Files.readAllBytes(existing.path());
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, PasswordHash.hex(PasswordHash.sha1("a")) + ":3\nnot-a-hash:4\n");

        assertThrows(IOException.class, () -> build(file, "hibp-sha1", 1000));

        assertArrayEquals(before, Files.readAllBytes(existing.path()));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("bad.txt", "corpus.bin", "pwned-passwords-sha1.txt"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aFileThatIsNotACorpusIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("x.bin"), "x".repeat(200));
        IOException error = assertThrows(IOException.class, () -> BreachCorpus.open(file));
        assertTrue(error.getMessage().contains("not a breach corpus"));
    }
}
