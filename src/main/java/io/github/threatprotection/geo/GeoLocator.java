package io.github.threatprotection.geo;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.maxmind.geoip2.model.AnonymousIpResponse;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import org.jboss.logging.Logger;

import io.github.threatprotection.files.ReloadingFile;
import io.github.threatprotection.network.ClientAddress;

/**
 * Locates client addresses with MaxMind DB files (GeoLite2, GeoIP2, DB-IP lite): a City database for the
 * position, an ASN database for the network operator and an Anonymous-IP database for VPN and Tor flags. Each
 * is optional, and each is a {@link ReloadingFile} looked at again after the recheck interval: a replaced file is
 * picked up without a restart, a new version that cannot be opened leaves the one opened before in use, and a
 * file changed in place is dropped, since its reader is memory-mapped and would read the new bytes. A missing or
 * broken file only means less is known: {@link #locate} never throws.
 */
public final class GeoLocator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GeoLocator.class);
    private static final double EARTH_RADIUS_KM = 6371;

    /** A configured database file and what it should hold. */
    private record Database<T>(DatabaseKind<T> kind, ReloadingFile<MaxMindDatabase<T>> file) {
    }

    private final AtomicLong failures = new AtomicLong();
    private final List<Database<?>> databases = new ArrayList<>();
    private final Database<CityResponse> cities;
    private final Database<AsnResponse> networks;
    private final Database<AnonymousIpResponse> anonymizers;

    /**
     * @param cityDatabase        City database file, or null
     * @param asnDatabase         ASN database file, or null
     * @param anonymousIpDatabase Anonymous-IP database file, or null
     * @param reloadCheckInterval how long to trust that the files have not changed
     */
    public GeoLocator(Path cityDatabase, Path asnDatabase, Path anonymousIpDatabase, Duration reloadCheckInterval,
            Clock clock) {
        this.cities = configure(cityDatabase, DatabaseKind.CITY, reloadCheckInterval, clock);
        this.networks = configure(asnDatabase, DatabaseKind.ASN, reloadCheckInterval, clock);
        this.anonymizers = configure(anonymousIpDatabase, DatabaseKind.ANONYMOUS_IP, reloadCheckInterval, clock);
    }

    private <T> Database<T> configure(Path file, DatabaseKind<T> kind, Duration reloadCheckInterval, Clock clock) {
        if (file == null) {
            return null;
        }
        Database<T> database = new Database<>(kind, new ReloadingFile<>(file, MaxMindDatabase.loader(kind),
                ReloadingFile.Timing.every(reloadCheckInterval),
                new ReloadingFile.Reports(LOG, Logger.Level.WARN, kind.label() + " database",
                        "locations get no " + kind.label() + " data until the file is fixed",
                        failures::incrementAndGet),
                clock::millis));
        databases.add(database);
        return database;
    }

    /**
     * What the databases know about the address; {@link GeoLocation#UNKNOWN} when the client's text is not an IP
     * address and for addresses that cannot be on the public internet, which are not looked up at all.
     */
    public GeoLocation locate(ClientAddress client) {
        InetAddress address = publicAddress(client);
        if (address == null || databases.isEmpty()) {
            return GeoLocation.UNKNOWN;
        }
        databases.forEach(database -> database.file().lookIfDue());
        CityResponse city = find(cities, address);
        AsnResponse network = find(networks, address);
        AnonymousIpResponse anonymity = find(anonymizers, address);
        if (city == null && network == null && anonymity == null) {
            return GeoLocation.UNKNOWN;
        }
        return new GeoLocation(
                city == null ? null : city.getCountry().getIsoCode(),
                city == null ? null : city.getCountry().getName(),
                city == null ? null : city.getCity().getName(),
                city == null ? null : city.getLocation().getLatitude(),
                city == null ? null : city.getLocation().getLongitude(),
                city == null ? null : city.getLocation().getAccuracyRadius(),
                network == null ? null : network.getAutonomousSystemNumber(),
                network == null ? null : network.getAutonomousSystemOrganization(),
                anonymity != null && anonymity.isAnonymous(),
                anonymity != null && anonymity.isTorExitNode());
    }

    /**
     * The configured databases with nothing to answer from now (no version could be opened, or the one opened
     * was changed in place), for the event.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Database<?> database : databases) {
            if (database.file().problem() != null) {
                problems.add(database.kind().label() + " database " + database.file().path().getFileName()
                        + " cannot be used");
            }
        }
        return problems;
    }

    /** Database files that could not be opened and lookups that failed, since start, for metrics. */
    public long failures() {
        return failures.get();
    }

    /** Great-circle distance between two points, on a sphere the mean size of the Earth. */
    public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double sinHalfLat = Math.sin((phi2 - phi1) / 2);
        double sinHalfLon = Math.sin(Math.toRadians(lon2 - lon1) / 2);
        double h = sinHalfLat * sinHalfLat + Math.cos(phi1) * Math.cos(phi2) * sinHalfLon * sinHalfLon;
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    @Override
    public void close() {
        databases.forEach(database -> database.file().close());
    }

    /** The record for the address, or null when there is none or the database cannot be read. */
    private <T> T find(Database<T> database, InetAddress address) {
        ReloadingFile.Loaded<MaxMindDatabase<T>> loaded = database == null ? null : database.file().current();
        if (loaded == null) {
            return null;
        }
        MaxMindDatabase<T> reader = loaded.contents();
        try {
            return reader.find(address);
        } catch (Exception | InternalError e) {
            // InternalError is how the JVM reports a memory-mapped file truncated under a reader
            failures.incrementAndGet();
            if (reader.firstLookupFailure()) {
                LOG.warnf("%s database %s failed a lookup (%s); further failures of this version are only counted",
                        database.kind().label(), database.file().path(), ReloadingFile.describe(e));
            }
            return null;
        }
    }

    /**
     * The address to look up, or null when there is none or it is private, loopback, link-local, unique-local,
     * unspecified or multicast. IPv4-mapped IPv6 addresses come as IPv4 ({@link ClientAddress}).
     */
    static InetAddress publicAddress(ClientAddress client) {
        InetAddress address = client.inetAddress();
        if (address == null) {
            return null;
        }
        boolean uniqueLocal = address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress() || uniqueLocal) {
            return null;
        }
        return address;
    }
}
