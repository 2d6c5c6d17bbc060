package io.github.threatprotection.geo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import com.maxmind.db.Reader.FileMode;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;

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

    static <T> MaxMindDatabase<T> open(File file, DatabaseKind<T> kind) throws IOException, GeoIp2Exception {
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

    /** True the first time only, so that a broken file logs one warning rather than one per sign-in. */
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
