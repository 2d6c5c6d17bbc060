package io.github.threatprotection.geo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import com.maxmind.db.Reader.FileMode;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;

import io.github.threatprotection.files.ReloadingFile;

/**
 * One opened, memory-mapped MaxMind DB file. {@link DatabaseReader} serves only the database types it knows by
 * name, so a file with the same record layout under another name (DB-IP lite, an in-house build) is decoded by
 * the generic reader into the same model class instead.
 */
final class MaxMindDatabase<T> {

    private static final InetAddress PROBE = InetAddress.getLoopbackAddress();

    private final DatabaseKind<T> kind;
    private final DatabaseReader typed;
    private final Reader generic;
    private final AtomicBoolean lookupFailureReported = new AtomicBoolean();

    private MaxMindDatabase(DatabaseKind<T> kind, DatabaseReader typed, Reader generic) {
        this.kind = kind;
        this.typed = typed;
        this.generic = generic;
    }

    /** Database files of one kind as a {@link ReloadingFile} reads them. */
    static <T> ReloadingFile.Loader<MaxMindDatabase<T>> loader(DatabaseKind<T> kind) {
        return new ReloadingFile.Loader<>() {
            @Override
            public MaxMindDatabase<T> load(Path path) throws IOException, GeoIp2Exception {
                return open(path.toFile(), kind);
            }

            @Override
            public String describe(MaxMindDatabase<T> database) {
                return "type " + database.databaseType();
            }

            @Override
            public boolean keepsReadingFile() {
                return true;
            }

            @Override
            public void release(MaxMindDatabase<T> database) throws IOException {
                database.close();
            }
        };
    }

    private static <T> MaxMindDatabase<T> open(File file, DatabaseKind<T> kind) throws IOException, GeoIp2Exception {
        DatabaseReader typed = null;
        try {
            typed = new DatabaseReader.Builder(file).fileMode(FileMode.MEMORY_MAPPED).build();
            // The typed methods check the database type before anything else, so one lookup tells whether it fits
            kind.typedLookup().find(typed, PROBE);
            return new MaxMindDatabase<>(kind, typed, null);
        } catch (UnsupportedOperationException wrongType) {
            if (typed != null) {
                typed.close();
            }
            return new MaxMindDatabase<>(kind, null, new Reader(file, FileMode.MEMORY_MAPPED));
        }
    }

    /** The record for the address, or null when the database has none. */
    T find(InetAddress address) throws IOException, GeoIp2Exception {
        if (typed != null) {
            return kind.typedLookup().find(typed, address).orElse(null);
        }
        return generic.get(address, kind.model());
    }

    String databaseType() {
        Metadata metadata = typed != null ? typed.getMetadata() : generic.getMetadata();
        return metadata.getDatabaseType();
    }

    /** True the first time only, so that a version whose lookups fail logs one warning, not one per sign-in. */
    boolean firstLookupFailure() {
        return lookupFailureReported.compareAndSet(false, true);
    }

    void close() throws IOException {
        if (typed != null) {
            typed.close();
        } else {
            generic.close();
        }
    }
}
