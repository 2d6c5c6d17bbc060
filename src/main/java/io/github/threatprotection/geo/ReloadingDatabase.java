package io.github.threatprotection.geo;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * One configured database file, reopened when its last-modified time (or size) changes. Operators should
 * replace the file by moving a complete copy into place; a file caught half-written fails to open and is
 * retried when it changes again.
 *
 * <p>When the file is deleted or its new version cannot be opened, the database stops answering instead of
 * keeping the reader it had: readers are memory-mapped, so after an in-place overwrite the old reader would
 * walk the new, broken bytes, and a deleted file is taken as the operator switching the database off.
 */
final class ReloadingDatabase<T> {

    // Under the locator's name, so that one log category covers geolocation
    private static final Logger LOG = Logger.getLogger(GeoLocator.class);

    /** Stands for a file whose attributes cannot be read, so that it reads as changed once it reappears. */
    private static final FileVersion ABSENT = new FileVersion(null, -1);

    private record FileVersion(FileTime modified, long size) {
    }

    private final Path path;
    private final DatabaseKind<T> kind;
    private final AtomicLong failures;
    private volatile MaxMindDatabase<T> database;
    // Both guarded by this; the problem last warned about, so that a lasting problem is warned about once
    private FileVersion seenVersion;
    private String reportedProblem;

    ReloadingDatabase(Path path, DatabaseKind<T> kind, AtomicLong failures) {
        this.path = path;
        this.kind = kind;
        this.failures = failures;
    }

    /** The record for the address, or null when there is none or the database cannot be read. */
    T find(InetAddress address) {
        MaxMindDatabase<T> current = database;
        if (current == null) {
            return null;
        }
        try {
            return current.find(address);
        } catch (Exception | InternalError e) {
            // InternalError is how the JVM reports a memory-mapped file truncated under a reader
            failures.incrementAndGet();
            if (current.firstLookupFailure()) {
                LOG.warnf("%s database %s failed a lookup (%s); further failures of this file are only counted",
                        kind.label(), path, reason(e));
            }
            return null;
        }
    }

    /** Null while the file is in use, else what a sign-in's event should say about it. */
    String problem() {
        return database == null ? kind.label() + " database " + path.getFileName() + " cannot be used" : null;
    }

    synchronized void reloadIfChanged() {
        FileVersion version = versionOf(path);
        if (version.equals(seenVersion)) {
            return;
        }
        seenVersion = version;
        // The reader replaced here is not closed: closing frees nothing for a mapped file and would fail
        // lookups still running on it
        try {
            database = MaxMindDatabase.open(path.toFile(), kind);
            reportedProblem = null;
            LOG.infof("%s database %s loaded (type %s)", kind.label(), path, database.databaseType());
        } catch (Exception e) {
            database = null;
            failures.incrementAndGet();
            String problem = reason(e);
            if (!problem.equals(reportedProblem)) {
                reportedProblem = problem;
                LOG.warnf("%s database %s cannot be used (%s); locations get no %s data until the file is fixed",
                        kind.label(), path, problem, kind.label());
            }
        }
    }

    synchronized void close() {
        MaxMindDatabase<T> current = database;
        database = null;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                LOG.debugf("Closing %s: %s", path, e.getMessage());
            }
        }
    }

    private static FileVersion versionOf(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new FileVersion(attributes.lastModifiedTime(), attributes.size());
        } catch (IOException e) {
            return ABSENT;
        }
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
