package io.github.threatprotection.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.threatprotection.breach.BreachCorpus;
import io.github.threatprotection.breach.CorpusBuilder;
import io.github.threatprotection.breach.CorpusInput;
import io.github.threatprotection.breach.PasswordHash;

/** A range answer as the state folder packs it, read back into a corpus, for ranges across the whole space. */
class RangeAnswerTest {

    @TempDir
    Path dir;

    @Test
    void packedEntriesGiveTheCorpusTheSameHashesAndCountsAsTheText() throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        long[] sample = {1, 2, 9, 62, 63, 64, 127, 128, 16_383, 16_384, 99_999, 100_000, 52_256_179, 5_000_000_000L};
        for (int i = 0; i < 400; i++) {
            counts.put("password-" + i, sample[i % sample.length]);
        }
        List<RangeAnswer> answers = new ArrayList<>();
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            String sha1 = RangeServer.sha1Hex(entry.getKey());
            int range = Integer.parseInt(sha1.substring(0, 5), 16);
            // lower-case hex, LF line ends, a padding row, an empty last line: all as a mirror might send
            String body = sha1.substring(5).toLowerCase() + ":" + entry.getValue() + "\n"
                    + "0123456789ABCDEF0123456789ABCDEF012:0\n";
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            RangeAnswer answer = RangeAnswer.parse(range, bytes, bytes.length, null);
            assertEquals(1, answer.entries);
            assertEquals(1, answer.paddingRows);
            answers.add(answer);
        }
        Path corpus = dir.resolve("packed.corpus");
        new CorpusBuilder(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build(
                CorpusInput.ofEntries(answers.size(), sink -> {
                    for (RangeAnswer answer : answers) {
                        RangeAnswer.readEntries(answer.range, answer.packed, 0, answer.entries, sink);
                    }
                }), corpus, dir);
        try (BreachCorpus file = BreachCorpus.open(corpus)) {
            assertEquals(counts.size(), file.entries());
            for (Map.Entry<String, Long> entry : counts.entrySet()) {
                long found = file.count(PasswordHash.sha1(entry.getKey()));
                long expected = entry.getValue() >= 100_000 ? 100_000 : entry.getValue() >= 10_000 ? 10_000
                        : entry.getValue() >= 1_000 ? 1_000 : entry.getValue() >= 100 ? 100
                        : entry.getValue() >= 10 ? 10 : entry.getValue() >= 3 ? 3 : entry.getValue();
                assertEquals(expected, found, entry.toString());
            }
            assertEquals(0, file.count(PasswordHash.sha1("not one of them")));
        }
    }

    @Test
    void theLastRangeIsFFFFF() {
        assertEquals("FFFFF", RangeAnswer.prefix(RangeAnswer.RANGES - 1));
        assertEquals("00000", RangeAnswer.prefix(0));
        assertEquals("0A3F1", RangeAnswer.prefix(0x0A3F1));
    }

    @Test
    void bodiesThatAreNoRangeAnswerAreRefusedNamingTheLine() {
        for (String body : List.of("0123456789ABCDEF0123456789ABCDEF012:1\r\n<html>", "0123456789ABCDEF0123456789ABCDEF0",
                "0123456789ABCDEF0123456789ABCDEF01G:1", "0123456789ABCDEF0123456789ABCDEF012:1x",
                "0123456789ABCDEF0123456789ABCDEF012;1", "0123456789ABCDEF0123456789ABCDEF012:1234567890123456789")) {
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            RangeAnswer.MalformedException e = assertThrows(RangeAnswer.MalformedException.class,
                    () -> RangeAnswer.parse(0xABCDE, bytes, bytes.length, null), body);
            assertTrue(e.getMessage().startsWith("range ABCDE line "), e.getMessage());
        }
    }
}
