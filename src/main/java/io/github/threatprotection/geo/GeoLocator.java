package io.github.threatprotection.geo;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.maxmind.geoip2.model.AnonymousIpResponse;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;

import io.github.threatprotection.network.ClientAddress;

/**
 * Locates client addresses with MaxMind DB files (GeoLite2, GeoIP2, DB-IP lite): a City database for the
 * position, an ASN database for the network operator and an Anonymous-IP database for VPN and Tor flags. Each
 * is optional. Files replaced on disk are picked up without a restart, and a missing or broken file only means
 * less is known: {@link #locate} never throws.
 */
public final class GeoLocator implements AutoCloseable {

    private static final double EARTH_RADIUS_KM = 6371;

    private final ReloadingDatabase<CityResponse> cities;
    private final ReloadingDatabase<AsnResponse> networks;
    private final ReloadingDatabase<AnonymousIpResponse> anonymizers;
    private final List<ReloadingDatabase<?>> databases = new ArrayList<>();
    private final Duration reloadCheckInterval;
    private final Clock clock;
    private final AtomicReference<Instant> nextReloadCheck;
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param cityDatabase        City database file, or null
     * @param asnDatabase         ASN database file, or null
     * @param anonymousIpDatabase Anonymous-IP database file, or null
     * @param reloadCheckInterval how long to trust that the files have not changed
     */
    public GeoLocator(Path cityDatabase, Path asnDatabase, Path anonymousIpDatabase, Duration reloadCheckInterval,
            Clock clock) {
        this.cities = configure(cityDatabase, DatabaseKind.CITY);
        this.networks = configure(asnDatabase, DatabaseKind.ASN);
        this.anonymizers = configure(anonymousIpDatabase, DatabaseKind.ANONYMOUS_IP);
        this.reloadCheckInterval = reloadCheckInterval;
        this.clock = clock;
        databases.forEach(ReloadingDatabase::reloadIfChanged);
        this.nextReloadCheck = new AtomicReference<>(clock.instant().plus(reloadCheckInterval));
    }

    private <T> ReloadingDatabase<T> configure(Path file, DatabaseKind<T> kind) {
        if (file == null) {
            return null;
        }
        ReloadingDatabase<T> database = new ReloadingDatabase<>(file, kind, failures);
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
        reloadIfDue();
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

    /** The configured databases that cannot be used now (missing or unreadable files), for the event. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (ReloadingDatabase<?> database : databases) {
            String problem = database.problem();
            if (problem != null) {
                problems.add(problem);
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
        databases.forEach(ReloadingDatabase::close);
    }

    private void reloadIfDue() {
        Instant now = clock.instant();
        Instant due = nextReloadCheck.get();
        // Only the thread that moves the deadline checks the files; the others go on with the readers they have
        if (!now.isBefore(due) && nextReloadCheck.compareAndSet(due, now.plus(reloadCheckInterval))) {
            databases.forEach(ReloadingDatabase::reloadIfChanged);
        }
    }

    private static <T> T find(ReloadingDatabase<T> database, InetAddress address) {
        return database == null ? null : database.find(address);
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
