package io.github.threatprotection.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * A configured file followed as operators replace it, and the contents read from the version in use.
 * <ul>
 * <li>The file is read again when its identity (file key), size or modification time differs from the version
 * that was read, as often as its {@link Timing} allows. It is read once at construction.</li>
 * <li>A new version that cannot be read (missing, unreadable, refused by the {@link Loader}) is counted, and the
 * contents read before stay in use: a replaced file leaves the old one whole. A file changed in place (same
 * identity, other size or time) does not, for contents that go on reading it
 * ({@link Loader#keepsReadingFile}): those are dropped at once and the file is read again once it is due.</li>
 * <li>The log says once when the file can no longer be used and once when it can again, not at every look or
 * lookup.</li>
 * </ul>
 * Lookups never wait for a file being read: one thread reads it, the others go on with the contents they have.
 */
public final class ReloadingFile<T> implements AutoCloseable {

    /** Why contents were dropped whose file changed in place; events show it to realm admins. */
    public static final String CHANGED_IN_PLACE = "it was changed in place after it was opened; replace it by"
            + " moving a complete copy over it";

    /** How long replaced contents stay open for lookups that may still be reading them. */
    static final long RELEASE_AFTER_MILLIS = 10_000;

    /** How a version of the file becomes contents, and how they are described and released. */
    public interface Loader<T> {

        /** Reads and checks the file; throws when it cannot be used. */
        T load(Path path) throws Exception;

        /** What the log line for a version read says about it, such as how many entries it has. */
        String describe(T contents);

        /**
         * Whether the contents go on reading the file after {@link #load} (memory-mapped or positional reads), so
         * that a change in place makes them unreliable, and they hold the file until {@link #release}.
         */
        default boolean keepsReadingFile() {
            return false;
        }

        default void release(T contents) throws IOException {
        }
    }

    /**
     * When the file is looked at.
     *
     * @param lookEveryMillis           0 to look at every {@link #lookIfDue}, else at the first one this long after
     *                                  the last look
     * @param loadAtMostEveryMillis     a changed file is read at most once this often
     * @param retryUnchangedAfterMillis a version that could not be read is tried again after this long even though
     *                                  it did not change (a permission fixed, a transient error), or -1 for never
     */
    public record Timing(long lookEveryMillis, long loadAtMostEveryMillis, long retryUnchangedAfterMillis) {

        /** Looks at the first use after each interval; a version that could not be read waits for a change. */
        public static Timing every(Duration interval) {
            return new Timing(interval.toMillis(), 0, -1);
        }

        /** Looks at every use (one {@code stat}), so that a change in place is noticed by the next lookup. */
        public static Timing atEachUse(Duration loadAtMostEvery, Duration retryUnchangedAfter) {
            return new Timing(0, loadAtMostEvery.toMillis(), retryUnchangedAfter.toMillis());
        }
    }

    /**
     * How the file is named and its problems reported.
     *
     * @param log         the owner's logger, so that one log category covers one capability
     * @param level       for the line that says the file cannot be used
     * @param what        what the file is to an operator, such as {@code City database}
     * @param consequence what it means while nothing can be read from the file
     * @param failure     run for each version that could not be read and each failed lookup, for metrics
     */
    public record Reports(Logger log, Logger.Level level, String what, String consequence, Runnable failure) {
    }

    /** Contents and the version of the file they were read from. */
    public static final class Loaded<T> {
        private final T contents;
        private final FileVersion version;

        private Loaded(T contents, FileVersion version) {
            this.contents = contents;
            this.version = version;
        }

        public T contents() {
            return contents;
        }
    }

    /** Which file was read, as far as a {@code stat} can tell. */
    private record FileVersion(Object key, long size, FileTime modified) {

        /** Stands for a file that cannot be stat'ed, so that it reads as changed once it is back. */
        static final FileVersion ABSENT = new FileVersion(null, -1, null);

        static FileVersion of(Path path) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new FileVersion(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
            } catch (IOException | RuntimeException e) {
                return ABSENT;
            }
        }

        /**
         * Whether this is {@code read} changed through its own name. Without file keys (not every platform has
         * them) any other version counts, which drops contents that were only replaced: the safe mistake.
         */
        boolean changedInPlaceFrom(FileVersion read) {
            return this != ABSENT && read != ABSENT && !equals(read)
                    && (key == null || read.key == null || key.equals(read.key));
        }
    }

    private final Path path;
    private final Loader<T> loader;
    private final Timing timing;
    private final Reports reports;
    private final LongSupplier clock;
    private final AtomicLong nextLook;
    /** Held by the thread that reads a new version or releases an old one; lookups never wait for it. */
    private final ReentrantLock maintenance = new ReentrantLock();
    /** Whether the log last said that the file cannot be used. */
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile Loaded<T> current;
    /** Why there are no contents; set before {@link #current} is cleared. */
    private volatile String problem;
    private volatile boolean releasePending;
    // Guarded by maintenance.
    private FileVersion attempted;
    private long attemptedAtMillis;
    private FileVersion condemned;
    private boolean refusalLogged;
    private Loaded<T> replaced;
    private long replacedAtMillis;
    private boolean closed;

    /**
     * Reads the file.
     *
     * @param clock milliseconds, for the {@link Timing}
     */
    public ReloadingFile(Path path, Loader<T> loader, Timing timing, Reports reports, LongSupplier clock) {
        this.path = path;
        this.loader = loader;
        this.timing = timing;
        this.reports = reports;
        this.clock = clock;
        maintenance.lock();
        try {
            attemptLoad(FileVersion.of(path), clock.getAsLong());
        } finally {
            maintenance.unlock();
        }
        this.nextLook = new AtomicLong(clock.getAsLong() + timing.lookEveryMillis());
    }

    public Path path() {
        return path;
    }

    /** The contents lookups use now, or null when there are none. */
    public Loaded<T> current() {
        return current;
    }

    /** Why there are no contents, in one line without the file's path; null while there are. */
    public String problem() {
        return current == null ? problem : null;
    }

    /**
     * Looks at the file when the timing says so: drops {@code used} if its file changed in place, reads a changed
     * version when allowed, and releases replaced contents that no lookup can still be reading.
     *
     * @param used the contents a lookup used or is about to use, or null
     * @return false when {@code used} was found changed in place: what was read from it cannot be trusted
     */
    public boolean lookIfDue(Loaded<T> used) {
        if (!due()) {
            return true;
        }
        FileVersion now = FileVersion.of(path);
        boolean keepsReading = loader.keepsReadingFile();
        boolean unchanged = used == null || !keepsReading || !now.changedInPlaceFrom(used.version);
        Loaded<T> latest = current;
        if (latest != null && keepsReading && now.changedInPlaceFrom(latest.version)) {
            drop(latest, CHANGED_IN_PLACE, false);
        } else if (used != null && used == latest && now.equals(used.version) && !releasePending) {
            return true;
        }
        maintain(now);
        return unchanged;
    }

    /** {@link #lookIfDue(Loaded)} for lookups that look first and then read {@link #current}. */
    public void lookIfDue() {
        lookIfDue(current);
    }

    /**
     * Stops using contents a lookup found unusable, unless that happened already.
     *
     * @param untilItChanges not to read the same version again, however long it stays
     */
    public void drop(Loaded<T> used, String why, boolean untilItChanges) {
        maintenance.lock();
        try {
            if (used == null || current != used) {
                return;
            }
            problem = why;
            current = null;
            attempted = null;
            condemned = untilItChanges ? used.version : null;
            replace(used, clock.getAsLong());
            failing(why);
        } finally {
            maintenance.unlock();
        }
    }

    /** A lookup could not be answered: counted, and logged if it is the first since the file was usable. */
    public void lookupFailed(String why) {
        reports.failure().run();
        failing(why);
    }

    /** A lookup in {@code used} was answered: logged if lookups were failing. */
    public void answered(Loaded<T> used) {
        if (failing.get() && used == current && failing.compareAndSet(true, false)) {
            reports.log().infof("%s %s answers lookups again", reports.what(), path);
        }
    }

    /** Releases the contents for good; lookups find none afterwards. */
    @Override
    public void close() {
        maintenance.lock();
        try {
            closed = true;
            Loaded<T> last = current;
            problem = "it is closed";
            current = null;
            if (last != null) {
                release(last);
            }
            if (replaced != null) {
                release(replaced);
                replaced = null;
            }
            releasePending = false;
        } finally {
            maintenance.unlock();
        }
    }

    private boolean due() {
        if (timing.lookEveryMillis() == 0) {
            return true;
        }
        long now = clock.getAsLong();
        long due = nextLook.get();
        // Only the thread that moves the deadline looks; the others go on with the contents they have
        return now >= due && nextLook.compareAndSet(due, now + timing.lookEveryMillis());
    }

    private void maintain(FileVersion now) {
        // An interrupted thread would close the channels it opens; it leaves the file to the next lookup
        if (Thread.currentThread().isInterrupted() || !maintenance.tryLock()) {
            return;
        }
        try {
            if (closed) {
                return;
            }
            long millis = clock.getAsLong();
            if (replaced != null && millis - replacedAtMillis >= RELEASE_AFTER_MILLIS) {
                release(replaced);
                replaced = null;
                releasePending = false;
            }
            Loaded<T> loaded = current;
            if (now.equals(condemned) || (loaded != null && now.equals(loaded.version))) {
                return;
            }
            long sinceAttempt = millis - attemptedAtMillis;
            if (sinceAttempt < timing.loadAtMostEveryMillis()) {
                return;
            }
            if (now.equals(attempted) && (now == FileVersion.ABSENT || timing.retryUnchangedAfterMillis() < 0
                    || sinceAttempt < timing.retryUnchangedAfterMillis())) {
                return;
            }
            attemptLoad(now, millis);
        } finally {
            maintenance.unlock();
        }
    }

    /** Called with maintenance held. */
    private void attemptLoad(FileVersion version, long millis) {
        attempted = version;
        attemptedAtMillis = millis;
        T contents = null;
        try {
            if (version == FileVersion.ABSENT) {
                // Said the same way for every loader, without the path some libraries put in their messages
                throw Files.exists(path) ? new AccessDeniedException(path.toString())
                        : new NoSuchFileException(path.toString());
            }
            contents = loader.load(path);
            if (!version.equals(FileVersion.of(path))) {
                throw new IOException("it changed while it was being read");
            }
        } catch (Exception | InternalError e) {
            // InternalError is how the JVM reports a memory-mapped file truncated under a reader
            if (contents != null) {
                releaseQuietly(contents);
            }
            reports.failure().run();
            refused(describe(e));
            return;
        }
        Loaded<T> previous = current;
        current = new Loaded<>(contents, version);
        problem = null;
        refusalLogged = false;
        if (previous != null) {
            replace(previous, millis);
        }
        boolean wasFailing = failing.getAndSet(false);
        reports.log().infof("%s %s loaded: %s%s", reports.what(), path, loader.describe(contents),
                wasFailing ? "; it answers lookups again" : "");
    }

    /** Called with maintenance held. */
    private void refused(String why) {
        if (current == null) {
            problem = why;
            failing(why);
        } else if (!refusalLogged) {
            refusalLogged = true;
            reports.log().logf(reports.level(), "%s %s: the file now at this path cannot be used (%s); keeping the"
                    + " version loaded before", reports.what(), path, why);
        }
    }

    private void failing(String why) {
        if (failing.compareAndSet(false, true)) {
            reports.log().logf(reports.level(), "%s %s cannot be used (%s); %s", reports.what(), path, why,
                    reports.consequence());
        } else {
            reports.log().debugf("%s %s still cannot be used (%s)", reports.what(), path, why);
        }
    }

    /** Called with maintenance held: keeps replaced contents open a while for lookups still reading them. */
    private void replace(Loaded<T> old, long millis) {
        if (!loader.keepsReadingFile()) {
            return;
        }
        if (replaced != null) {
            release(replaced);
        }
        replaced = old;
        replacedAtMillis = millis;
        releasePending = true;
    }

    private void release(Loaded<T> loaded) {
        releaseQuietly(loaded.contents);
    }

    private void releaseQuietly(T contents) {
        try {
            loader.release(contents);
        } catch (IOException | RuntimeException e) {
            reports.log().debugf("%s %s: releasing a version read before failed (%s)", reports.what(), path, e);
        }
    }

    /** What went wrong, in one line and without the file's path (events show it to realm admins). */
    public static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "no permission to read it";
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return oneLine(e.getMessage());
        }
        return e.getClass().getName() + (e.getMessage() == null ? "" : " (" + oneLine(e.getMessage()) + ")");
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
