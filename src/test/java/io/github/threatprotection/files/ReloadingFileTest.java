package io.github.threatprotection.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.threatprotection.support.CapturedLog;

/**
 * The rules every followed file shares, on text files whose contents are refused when they start with "bad":
 * when a file is read again, which contents stay in use, and what is logged and counted.
 */
class ReloadingFileTest {

    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final String LOGGER = ReloadingFileTest.class.getName();

    @TempDir
    Path dir;

    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private final List<String> released = new ArrayList<>();

    @RegisterExtension
    final CapturedLog log = CapturedLog.named(LOGGER);

    /** Text contents; {@code mapped} stands for contents that go on reading the file, like a mapped database. */
    private ReloadingFile.Loader<String> text(boolean mapped) {
        return new ReloadingFile.Loader<>() {
            @Override
            public String load(Path path) throws IOException {
                reads.incrementAndGet();
                String text = Files.readString(path);
                if (text.startsWith("bad")) {
                    throw new IOException("not a good file: " + text);
                }
                return text;
            }

            @Override
            public String describe(String contents) {
                return contents.length() + " characters";
            }

            @Override
            public boolean keepsReadingFile() {
                return mapped;
            }

            @Override
            public void release(String contents) {
                released.add(contents);
            }
        };
    }

    private ReloadingFile<String> follow(Path file, boolean mapped, ReloadingFile.Timing timing) {
        return new ReloadingFile<>(file, text(mapped), timing, new ReloadingFile.Reports(Logger.getLogger(LOGGER),
                Logger.Level.WARN, "Test file", "nothing is read from it", failures::incrementAndGet), millis::get);
    }

    private ReloadingFile<String> everyInterval(Path file) {
        return follow(file, false, ReloadingFile.Timing.every(INTERVAL));
    }

    /** Contents after the lookup that is due once the interval has passed. */
    private String afterInterval(ReloadingFile<String> file) {
        millis.addAndGet(INTERVAL.toMillis());
        file.lookIfDue();
        return contents(file);
    }

    private static String contents(ReloadingFile<String> file) {
        ReloadingFile.Loaded<String> loaded = file.current();
        return loaded == null ? null : loaded.contents();
    }

    /** Puts a new file in place in one rename, with a later modification time than the one it replaces. */
    private void replace(Path file, String text) throws IOException {
        Path staged = Files.writeString(dir.resolve(file.getFileName() + ".new"), text);
        Files.setLastModifiedTime(staged, later(file));
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes through the file's own name, keeping its identity. */
    private static void overwriteInPlace(Path file, String text) throws IOException {
        FileTime modified = later(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, modified);
    }

    /** Later than the file's time by more than any file system's timestamp resolution. */
    private static FileTime later(Path file) throws IOException {
        return Files.exists(file)
                ? FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 10_000)
                : FileTime.fromMillis(System.currentTimeMillis());
    }

    private long logged(Level level) {
        return log.records().stream().filter(r -> r.getLevel().equals(level)).count();
    }

    @Test
    void aReplacedFileIsReadAgainOnceTheIntervalHasPassed() throws IOException {
        Path path = Files.writeString(dir.resolve("list.txt"), "first");
        ReloadingFile<String> file = everyInterval(path);
        assertEquals("first", contents(file));

        replace(path, "second");
        millis.addAndGet(INTERVAL.toMillis() - 1);
        file.lookIfDue();
        assertEquals("first", contents(file), "not looked at before the interval is up");

        millis.addAndGet(1);
        file.lookIfDue();
        assertEquals("second", contents(file));
        assertEquals(2, reads.get());
        assertEquals("second", afterInterval(file));
        assertEquals(2, reads.get(), "an unchanged file is not read again");
        assertEquals(0, failures.get());
        assertEquals(0, logged(Level.WARNING), log.messages().toString());
    }

    @Test
    void aChangedSizeAloneIsANewVersion() throws IOException {
        Path path = Files.writeString(dir.resolve("list.txt"), "first");
        FileTime modified = Files.getLastModifiedTime(path);
        ReloadingFile<String> file = everyInterval(path);

        Files.writeString(path, "first, longer");
        Files.setLastModifiedTime(path, modified);
        assertEquals("first, longer", afterInterval(file));
    }

    @Test
    void aBadNewVersionLeavesTheContentsReadBeforeInUse() throws IOException {
        Path path = Files.writeString(dir.resolve("list.txt"), "good");
        ReloadingFile<String> file = everyInterval(path);

        replace(path, "bad one");
        assertEquals("good", afterInterval(file));
        assertEquals("good", afterInterval(file));
        assertNull(file.problem(), "there are contents to use");
        assertEquals(1, failures.get(), "counted once: an unchanged file is not read again");

        overwriteInPlace(path, "bad two");
        assertEquals("good", afterInterval(file), "contents read into memory do not depend on the file");
        assertEquals(2, failures.get(), "each new version that cannot be read counts");

        Files.delete(path);
        assertEquals("good", afterInterval(file));
        assertEquals(3, failures.get());
    }

    @Test
    void oneWarningWhenTheFileGoesBadAndOneInfoWhenItIsGoodAgain() throws IOException {
        Path path = Files.writeString(dir.resolve("list.txt"), "good");
        ReloadingFile<String> file = everyInterval(path);
        log.clear();

        replace(path, "bad one");
        afterInterval(file);
        replace(path, "bad two");
        afterInterval(file);
        Files.delete(path);
        afterInterval(file);
        assertEquals(3, failures.get());
        assertEquals(1, logged(Level.WARNING), log.messages().toString());
        assertTrue(log.records().get(0).getMessage().contains("Test file " + path + ": the file now at this path cannot be"
                + " used (not a good file: bad one); keeping the version loaded before"), log.messages().toString());

        replace(path, "good again");
        assertEquals("good again", afterInterval(file));
        assertEquals(1, logged(Level.WARNING));
        assertEquals(1, logged(Level.INFO), log.messages().toString());
        assertTrue(log.records().get(1).getMessage().contains("loaded: 10 characters"), log.messages().toString());

        replace(path, "bad three");
        afterInterval(file);
        assertEquals(2, logged(Level.WARNING), "going bad again is a new change: " + log.messages());
    }

    @Test
    void aFileMissingAtStartIsCountedAndWarnedOnceAndReadWhenItAppears() throws IOException {
        Path path = dir.resolve("list.txt");
        ReloadingFile<String> file = everyInterval(path);

        assertNull(file.current());
        assertEquals("no such file", file.problem());
        for (int i = 0; i < 5; i++) {
            assertNull(afterInterval(file));
        }
        assertEquals(1, failures.get(), "a file still missing is not tried again");
        assertEquals(0, reads.get(), "nor handed to the loader, whose messages may hold the path");
        assertEquals(List.of("WARN Test file " + path + " cannot be used (no such file); nothing is read from it"),
                log.messages());

        replace(path, "appeared");
        assertEquals("appeared", afterInterval(file));
        assertNull(file.problem());
        assertEquals(1, failures.get());
        assertTrue(log.messages().get(1).endsWith("loaded: 8 characters; it answers lookups again"), log.messages().toString());
    }

    @Test
    void contentsThatReadTheFileAreDroppedWhenItChangesInPlaceAndTheFileIsReadAgain() throws IOException {
        Path path = Files.writeString(dir.resolve("db.mmdb"), "good");
        ReloadingFile<String> file = follow(path, true, ReloadingFile.Timing.every(INTERVAL));
        ReloadingFile.Loaded<String> used = file.current();

        overwriteInPlace(path, "bad, written in place");
        millis.addAndGet(INTERVAL.toMillis());
        assertFalse(file.lookIfDue(used), "what was read from them cannot be trusted");
        assertNull(file.current());
        assertEquals("not a good file: bad, written in place", file.problem(), "the file was read again");
        assertEquals(1, failures.get());
        assertEquals(1, logged(Level.WARNING), log.messages().toString());
        assertTrue(log.messages().contains("WARN Test file " + path + " cannot be used ("
                + ReloadingFile.CHANGED_IN_PLACE + "); nothing is read from it"), log.messages().toString());

        overwriteInPlace(path, "good, written in place");
        assertEquals("good, written in place", afterInterval(file));
        assertEquals(1, logged(Level.WARNING));
    }

    @Test
    void contentsThatReadTheFileStayInUseWhenItIsReplacedOrDeleted() throws IOException {
        Path path = Files.writeString(dir.resolve("db.mmdb"), "good");
        ReloadingFile<String> file = follow(path, true, ReloadingFile.Timing.every(INTERVAL));
        ReloadingFile.Loaded<String> used = file.current();

        replace(path, "bad replacement");
        millis.addAndGet(INTERVAL.toMillis());
        assertTrue(file.lookIfDue(used), "a replaced file leaves the one read whole");
        assertSame(used, file.current());

        Files.delete(path);
        millis.addAndGet(INTERVAL.toMillis());
        assertTrue(file.lookIfDue(used));
        assertSame(used, file.current());
        assertEquals(2, failures.get());
    }

    @Test
    void replacedContentsAreReleasedOnceNoLookupCanStillReadThemAndAllAtClose() throws IOException {
        Path path = Files.writeString(dir.resolve("db.mmdb"), "first");
        ReloadingFile<String> file = follow(path, true,
                ReloadingFile.Timing.atEachUse(Duration.ofSeconds(1), Duration.ofSeconds(30)));

        replace(path, "second");
        millis.addAndGet(1_000);
        file.lookIfDue();
        assertEquals("second", contents(file));
        assertEquals(List.of(), released, "a lookup may still be reading the first version");

        millis.addAndGet(ReloadingFile.RELEASE_AFTER_MILLIS);
        file.lookIfDue();
        assertEquals(List.of("first"), released);

        file.close();
        assertEquals(List.of("first", "second"), released);
        assertNull(file.current());
        replace(path, "third");
        millis.addAndGet(INTERVAL.toMillis());
        file.lookIfDue();
        assertNull(file.current(), "never read again once closed");
    }

    @Test
    void atEachUseAChangedFileIsReadAtMostOnceAMinimumIntervalAndARefusedOneRetriedLater() throws IOException {
        Path path = Files.writeString(dir.resolve("corpus"), "first");
        ReloadingFile<String> file = follow(path, true,
                ReloadingFile.Timing.atEachUse(Duration.ofSeconds(1), Duration.ofSeconds(30)));

        replace(path, "bad");
        file.lookIfDue();
        assertEquals(1, reads.get(), "too soon after the last read");
        millis.addAndGet(1_000);
        file.lookIfDue();
        file.lookIfDue();
        assertEquals(2, reads.get(), "read once when due");
        assertEquals(1, failures.get());

        millis.addAndGet(29_999);
        file.lookIfDue();
        assertEquals(2, reads.get());
        millis.addAndGet(1);
        file.lookIfDue();
        assertEquals(3, reads.get(), "an unchanged refused file is tried again now and then");
        assertEquals(2, failures.get());
        assertEquals(1, logged(Level.WARNING), log.messages().toString());
        assertEquals("first", contents(file));
    }

    @Test
    void contentsDroppedUntilTheFileChangesAreNotReadAgainBeforeThat() throws IOException {
        Path path = Files.writeString(dir.resolve("corpus"), "damaged");
        ReloadingFile<String> file = follow(path, true,
                ReloadingFile.Timing.atEachUse(Duration.ofSeconds(1), Duration.ofSeconds(30)));

        file.drop(file.current(), "damaged block", true);
        millis.addAndGet(60_000);
        file.lookIfDue();
        assertNull(file.current());
        assertEquals("damaged block", file.problem());
        assertEquals(1, reads.get());

        replace(path, "repaired");
        millis.addAndGet(1_000);
        file.lookIfDue();
        assertEquals("repaired", contents(file));
    }

    @Test
    void aFileReplacedWhileItIsBeingReadIsReadAgainRatherThanTakenForTheNewVersion() throws IOException {
        Path path = Files.writeString(dir.resolve("list.txt"), "first");
        ReloadingFile.Loader<String> racing = new ReloadingFile.Loader<>() {
            @Override
            public String load(Path file) throws IOException {
                String text = Files.readString(file);
                if (text.equals("half")) {
                    replace(file, "whole");
                }
                return text;
            }

            @Override
            public String describe(String contents) {
                return contents;
            }
        };
        ReloadingFile<String> file = new ReloadingFile<>(path, racing, ReloadingFile.Timing.every(INTERVAL),
                new ReloadingFile.Reports(Logger.getLogger(LOGGER), Logger.Level.WARN, "Test file", "none",
                        failures::incrementAndGet), millis::get);

        replace(path, "half");
        assertEquals("first", afterInterval(file), "what was read is not the version that was looked at");
        assertEquals(1, failures.get());
        assertEquals("whole", afterInterval(file));
    }

    @Test
    void failedLookupsAreEachCountedAndLoggedOnceUntilOneIsAnswered() throws IOException {
        Path path = Files.writeString(dir.resolve("corpus"), "good");
        ReloadingFile<String> file = follow(path, true,
                ReloadingFile.Timing.atEachUse(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        log.clear();

        for (int i = 0; i < 5; i++) {
            file.lookupFailed("an I/O error");
        }
        file.answered(file.current());
        file.answered(file.current());
        file.lookupFailed("another I/O error");

        assertEquals(6, failures.get());
        assertEquals(List.of(
                "WARN Test file " + path + " cannot be used (an I/O error); nothing is read from it",
                "INFO Test file " + path + " answers lookups again",
                "WARN Test file " + path + " cannot be used (another I/O error); nothing is read from it"),
                log.messages().stream().filter(m -> !m.startsWith("FINE")).toList());
    }
}
