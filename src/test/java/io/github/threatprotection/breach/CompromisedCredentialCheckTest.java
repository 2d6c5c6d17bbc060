package io.github.threatprotection.breach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.threatprotection.breach.CompromisedCredentialCheck.FailurePolicy;
import io.github.threatprotection.breach.CompromisedCredentialCheck.Result;
import io.github.threatprotection.breach.CompromisedCredentialCheck.Status;
import io.github.threatprotection.support.CapturedLog;

/**
 * Corpus files replaced, damaged and missing under a running check: every lookup gets an answer or
 * "unavailable" under the corpus failure policy, never an exception; the log says when a corpus stops and
 * starts answering, not at every lookup.
 */
class CompromisedCredentialCheckTest {

    private static final int ENTRIES = 20_000;

    @TempDir
    Path dir;

    /** The check's clock; tests move it past the reload interval. */
    private final AtomicLong millis = new AtomicLong(1_000_000);

    @RegisterExtension
    final CapturedLog log = CapturedLog.of(CompromisedCredentialCheck.class);

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** A corpus holding {@code prefix + i} for i below {@code entries}, seen 10 + i times. */
    private Path corpus(String name, String prefix, int entries) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            lines.add(PasswordHash.hex(PasswordHash.sha1(prefix + i)) + ":" + (10 + i));
        }
        Path input = Files.write(dir.resolve(name + ".txt"), lines);
        Path output = dir.resolve(name);
        new CorpusBuilder(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .build(CorpusInput.of(input, "hibp-sha1"), output, dir);
        return output;
    }

    private CompromisedCredentialCheck check(Path corpus, FailurePolicy policy) {
        return new CompromisedCredentialCheck(null, List.of(corpus), policy, null, FailurePolicy.OPEN, millis::get);
    }

    /** Moves a file over another in one rename, as docs/operations.md tells operators to replace a corpus. */
    private static void moveOver(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void truncateInPlace(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 4);
        }
    }

    private void laterThanTheReloadInterval() {
        millis.addAndGet(CompromisedCredentialCheck.RELOAD_ATTEMPT_MILLIS);
    }

    private long logged(Level atLeast, Level below) {
        return log.records().stream().filter(r -> r.getLevel().intValue() >= atLeast.intValue()
                && r.getLevel().intValue() < below.intValue()).count();
    }

    @Test
    void aCorpusTruncatedUnderTheServerMakesLookupsUnavailableNeverThrows() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);
        assertEquals(Status.FOUND, check.check("first-7", 1).status());

        truncateInPlace(file);
        for (int i = 0; i < 2_000; i++) {
            Result result = check.check("first-" + i, 1);
            assertEquals(Status.UNAVAILABLE, result.status(), "lookup " + i);
            assertFalse(result.compromised(), "open policy");
            assertTrue(result.detail().contains("live.corpus: "), result.detail());
            assertFalse(result.detail().contains(dir.toString()), "no server path in an event: " + result.detail());
        }
        assertEquals(2_000, check.corpusFailures(), "every unanswered lookup is counted");
        assertEquals(1, logged(Level.SEVERE, Level.OFF), "logged once, not per lookup: " + log);
    }

    @Test
    void aCorpusOverwrittenInPlaceWithGarbageMakesLookupsUnavailable() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);
        byte[] garbage = new byte[(int) Files.size(file)];
        new Random(3).nextBytes(garbage);
        Files.write(file, garbage);
        for (int i = 0; i < 2_000; i++) {
            assertEquals(Status.UNAVAILABLE, check.check("first-" + i, 1).status(), "lookup " + i);
            if (i % 500 == 0) {
                laterThanTheReloadInterval();
            }
        }
        assertTrue(check.check("first-1", 1).detail().contains("not a breach corpus"),
                "a reload was tried and refused");
    }

    @Test
    void theClosedPolicyTreatsUnavailableAsCompromised() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        CompromisedCredentialCheck check = check(file, FailurePolicy.CLOSED);
        truncateInPlace(file);

        Result result = check.check("anything at all", 1);

        assertEquals(Status.UNAVAILABLE, result.status());
        assertTrue(result.compromised());
        assertTrue(result.detail().contains("corpus failure policy closed: treated as compromised"), result.detail());
    }

    @Test
    void aCorpusReplacedByABrokenFileKeepsTheVersionLoadedBefore() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);
        Path broken = Files.writeString(dir.resolve("broken"), "not a corpus at all".repeat(10));

        moveOver(broken, file);
        laterThanTheReloadInterval();
        for (int i = 0; i < 100; i++) {
            assertEquals(Status.FOUND, check.check("first-" + i, 1).status(), "lookup " + i);
        }
        assertEquals(1, check.corpusFailures(), "the refused file, once; every lookup was answered");
        assertEquals(1, logged(Level.SEVERE, Level.OFF), log.messages().toString());

        // The same file is tried again now and then, in case what stood in the way has passed.
        millis.addAndGet(CompromisedCredentialCheck.RETRY_REFUSED_MILLIS);
        assertEquals(Status.FOUND, check.check("first-1", 1).status());
        assertEquals(2, check.corpusFailures());
        assertEquals(1, logged(Level.SEVERE, Level.OFF), "the same refusal is not logged again: " + log.messages());
    }

    @Test
    void aCorpusMovedIntoPlaceIsUsedFromTheFirstLookupAfterTheReloadInterval() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);
        Path next = corpus("next.corpus", "second-", 3_000);

        moveOver(next, file);
        assertEquals(Status.FOUND, check.check("first-1", 1).status(), "too soon: the old version answers");
        laterThanTheReloadInterval();
        // This lookup's answer comes from the old version; it notices the new file and opens it.
        assertEquals(Status.FOUND, check.check("first-2", 1).status());

        assertEquals(Status.FOUND, check.check("second-1", 1).status());
        assertEquals(Status.NOT_FOUND, check.check("first-1", 1).status());
        assertEquals(0, check.corpusFailures());
    }

    @Test
    void aDamagedCorpusAnswersAgainOnceACompleteOneIsMovedOverIt() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        Path copy = Files.copy(file, dir.resolve("copy"));
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);
        truncateInPlace(file);
        for (int i = 0; i < 50; i++) {
            assertEquals(Status.UNAVAILABLE, check.check("first-" + i, 1).status());
        }

        moveOver(copy, file);
        laterThanTheReloadInterval();

        assertEquals(Status.FOUND, check.check("first-1", 1).status(), "answered by the version it opened");
        assertEquals(1, logged(Level.SEVERE, Level.OFF), "one error when it stopped answering: " + log.messages());
        List<String> messages = log.messages();
        assertTrue(messages.get(messages.size() - 1).contains("answers lookups again"), messages.toString());
    }

    @Test
    void aDamagedBlockFoundByALookupTakesTheWholeFileOutOfUseUntilItChanges() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        byte[] bytes = Files.readAllBytes(file);
        // Block 0's sub-bucket counts become all 1-bits: header and index still pass the checks at open.
        java.util.Arrays.fill(bytes, 64, 64 + 16, (byte) 0xFF);
        Files.write(file, bytes);
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);

        int firstUnavailable = -1;
        for (int i = 0; i < ENTRIES; i++) {
            Result result = check.check("first-" + i, 1);
            if (firstUnavailable < 0 && result.status() == Status.UNAVAILABLE) {
                firstUnavailable = i;
                assertTrue(result.detail().contains("damaged block 0"), result.detail());
            }
            assertEquals(firstUnavailable < 0 ? Status.FOUND : Status.UNAVAILABLE, result.status(), "lookup " + i);
            if (i % 1000 == 0) {
                laterThanTheReloadInterval();
            }
        }
        assertTrue(firstUnavailable >= 0, "some entry is in block 0");
        assertEquals(1, logged(Level.SEVERE, Level.OFF), log.messages().toString());

        moveOver(corpus("repaired.corpus", "first-", ENTRIES), file);
        laterThanTheReloadInterval();
        assertEquals(Status.FOUND, check.check("first-" + firstUnavailable, 1).status());
    }

    @Test
    void aCorpusMissingAtStartIsUnavailableUntilItAppears() throws IOException {
        Path file = dir.resolve("live.corpus");
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);
        Result missing = check.check("first-1", 1);
        assertEquals(Status.UNAVAILABLE, missing.status());
        assertTrue(missing.detail().contains("live.corpus: no such file"), missing.detail());

        moveOver(corpus("built.corpus", "first-", 100), file);
        laterThanTheReloadInterval();

        assertEquals(Status.FOUND, check.check("first-1", 1).status());
    }

    @Test
    void aLookupInAnInterruptedThreadIsUnavailableAndTheCorpusIsReopenedAfterwards() throws IOException {
        Path file = corpus("live.corpus", "first-", ENTRIES);
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);

        Thread.currentThread().interrupt();
        Result interrupted = check.check("first-1", 1);
        assertTrue(Thread.interrupted(), "the interrupt is left for the caller");

        assertEquals(Status.UNAVAILABLE, interrupted.status());
        laterThanTheReloadInterval();
        assertEquals(Status.FOUND, check.check("first-3", 1).status());
    }

    @Test
    void aClosedCheckOpensNoCorpusAgain() throws IOException {
        Path file = corpus("live.corpus", "first-", 100);
        CompromisedCredentialCheck check = check(file, FailurePolicy.OPEN);
        assertEquals(Status.FOUND, check.check("first-1", 1).status());

        check.close();
        laterThanTheReloadInterval();
        assertEquals(Status.UNAVAILABLE, check.check("first-1", 1).status());
        millis.addAndGet(CompromisedCredentialCheck.RETRY_REFUSED_MILLIS);
        assertEquals(Status.UNAVAILABLE, check.check("first-1", 1).status());
    }

    @Test
    void aPasswordFoundInOneCorpusIsFoundWhileAnotherCannotBeRead() throws IOException {
        Path good = corpus("good.corpus", "first-", 1_000);
        Path bad = corpus("bad.corpus", "second-", 1_000);
        CompromisedCredentialCheck check = new CompromisedCredentialCheck(null, List.of(good, bad),
                FailurePolicy.CLOSED, null, FailurePolicy.OPEN, millis::get);
        truncateInPlace(bad);

        assertEquals(Status.FOUND, check.check("first-5", 1).status());
        Result other = check.check("neither", 1);
        assertEquals(Status.UNAVAILABLE, other.status());
        assertTrue(other.detail().contains("bad.corpus"), other.detail());
        assertFalse(other.detail().contains("good.corpus"), other.detail());
    }

    @Test
    void theBuiltInListAloneIsBreachDataAndIgnoresTheMinimumCount() {
        CompromisedCredentialCheck check = new CompromisedCredentialCheck(CommonPasswords.builtIn(), List.of(),
                FailurePolicy.OPEN, null, FailurePolicy.OPEN, millis::get);
        assertTrue(check.isConfigured());
        Result common = check.check("password123", 1_000_000);
        assertEquals(Status.FOUND, common.status());
        assertTrue(common.compromised());
        assertEquals("on the built-in list of the 30000 most common passwords", common.detail());
        Result other = check.check("correct horse battery staple", 1);
        assertEquals(Status.NOT_FOUND, other.status());
        assertEquals("not on the built-in list of common passwords", other.detail());
    }

    @Test
    void theBuiltInListAnswersBeforeADamagedCorpusAndTheCorpusStillAnswersForTheRest() throws IOException {
        Path file = corpus("live.corpus", "first-", 1_000);
        CompromisedCredentialCheck check = new CompromisedCredentialCheck(CommonPasswords.builtIn(), List.of(file),
                FailurePolicy.OPEN, null, FailurePolicy.OPEN, millis::get);
        assertEquals(Status.FOUND, check.check("first-5", 1).status());
        truncateInPlace(file);
        assertEquals(Status.FOUND, check.check("letmein", 1).status());
        assertEquals(Status.UNAVAILABLE, check.check("first-6", 1).status());
    }

    @Test
    void withoutTheBuiltInListACommonPasswordIsOnlyWhatTheCorporaSay() throws IOException {
        CompromisedCredentialCheck check = check(corpus("live.corpus", "first-", 100), FailurePolicy.OPEN);
        assertEquals(Status.NOT_FOUND, check.check("password123", 1).status());
        CompromisedCredentialCheck none = new CompromisedCredentialCheck(null, List.of(), FailurePolicy.OPEN, null,
                FailurePolicy.OPEN, millis::get);
        assertFalse(none.isConfigured());
    }
}
