package io.github.threatprotection.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.support.CapturedLog;

class GeoLocatorTest {

    private static final Duration INTERVAL = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    @RegisterExtension
    final CapturedLog log = CapturedLog.of(GeoLocator.class);

    @Test
    void cityCountryAndPositionForIpv4AndIpv6() throws IOException {
        Path city = write(london().addCity("2400:cb00::/32", "JP", "Japan", "Tokyo", 35.6762, 139.6503, 50),
                "city.mmdb");
        try (GeoLocator locator = locator(city, null, null)) {
            GeoLocation london = locate(locator, "81.2.69.160");
            assertEquals(new GeoLocation("GB", "United Kingdom", "London", 51.5142, -0.0931, 100, null, null, false,
                    false), london);
            assertTrue(london.hasPosition());
            assertEquals(london, locate(locator, "::ffff:81.2.69.160"));
            assertEquals(london, locate(locator, " 81.2.69.1 "));

            GeoLocation tokyo = locate(locator, "2400:cb00:2048::1");
            assertEquals("JP", tokyo.country());
            assertEquals("Tokyo", tokyo.city());
            assertEquals(35.6762, tokyo.latitude());
            assertEquals(139.6503, tokyo.longitude());
            assertEquals(50, tokyo.accuracyRadiusKm());

            assertEquals(GeoLocation.UNKNOWN, locate(locator, "81.2.70.1"));
            assertFalse(GeoLocation.UNKNOWN.hasPosition());
            assertEquals(0, locator.failures());
        }
    }

    @Test
    void cityAsnAndAnonymityAreMerged() throws IOException {
        Path city = write(london().addCity("185.220.101.0/24", "DE", "Germany", "Berlin", 52.5, 13.4, 200),
                "city.mmdb");
        Path asn = write(MaxMindDbWriter.asn()
                .addAsn("185.220.101.0/24", 60_729, "Stiftung Erneuerbare Freiheit")
                .addAsn("8.8.8.0/24", 15_169, "Google LLC"), "asn.mmdb");
        Path anonymous = write(MaxMindDbWriter.anonymousIp()
                .addAnonymous("185.220.101.0/24", true, true)
                .addAnonymous("81.2.69.0/25", true, false), "anonymous.mmdb");
        try (GeoLocator locator = locator(city, asn, anonymous)) {
            assertEquals(new GeoLocation("DE", "Germany", "Berlin", 52.5, 13.4, 200, 60_729L,
                    "Stiftung Erneuerbare Freiheit", true, true), locate(locator, "185.220.101.33"));

            GeoLocation google = locate(locator, "8.8.8.8");
            assertEquals(15_169L, google.asn());
            assertEquals("Google LLC", google.asnOrganization());
            assertNull(google.country());
            assertFalse(google.hasPosition());
            assertFalse(google.anonymous());

            GeoLocation vpn = locate(locator, "81.2.69.100");
            assertEquals("London", vpn.city());
            assertTrue(vpn.anonymous());
            assertFalse(vpn.torExitNode());
            assertFalse(locate(locator, "81.2.69.200").anonymous());
            assertEquals(0, locator.failures());
        }
    }

    @Test
    void databaseTypesUnknownToTheTypedReaderAreReadGenerically() throws IOException {
        Path asn = write(new MaxMindDbWriter("DBIP-ASN-Lite").addAsn("8.8.8.0/24", 15_169, "Google LLC"),
                "dbip-asn.mmdb");
        Path city = write(new MaxMindDbWriter("DBIP-City-Lite")
                .addCity("8.8.8.0/24", "US", "United States", "Mountain View", 37.4, -122.1, 1000), "dbip-city.mmdb");
        try (GeoLocator locator = locator(city, asn, null)) {
            GeoLocation google = locate(locator, "8.8.8.8");
            assertEquals(15_169L, google.asn());
            assertEquals("Mountain View", google.city());
            assertEquals(0, locator.failures());
        }
    }

    @Test
    void ipv6AddressesAreNotInIpv4OnlyDatabasesWithoutThatCountingAsFailure() throws IOException {
        Path asn = write(MaxMindDbWriter.asn().ipv4Only().addAsn("8.8.8.0/24", 15_169, "Google LLC"), "v4.mmdb");
        try (GeoLocator locator = locator(null, asn, null)) {
            assertEquals(15_169L, locate(locator, "8.8.8.8").asn());
            assertEquals(GeoLocation.UNKNOWN, locate(locator, "2001:4860:4860::8888"));
            assertEquals(0, locator.failures());
            assertTrue(log.warnings().isEmpty());
        }
    }

    @Test
    void addressesOffThePublicInternetAreNotLookedUp() throws IOException {
        MaxMindDbWriter everywhere = london();
        // The database knows all these blocks, so only skipping the lookup can make them unknown
        List<String> blocks = List.of("0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                "192.168.0.0/16", "224.0.0.0/4", "1.1.1.0/24", "fc00::/7", "fe80::/10", "ff00::/8");
        blocks.forEach(block -> everywhere.addCity(block, "XX", "Nowhere", "Nowhere", 1.0, 1.0, 1));
        try (GeoLocator locator = locator(write(everywhere, "city.mmdb"), null, null)) {
            assertEquals("London", locate(locator, "81.2.69.1").city());
            assertEquals("Nowhere", locate(locator, "1.1.1.1").city());
            for (String address : List.of("0.0.0.0", "::", "127.0.0.1", "::1", "10.1.2.3", "::ffff:10.1.2.3",
                    "172.20.0.5", "192.168.1.1", "169.254.169.254", "fe80::1", "fe80::1%eth0", "fd12:3456::1",
                    "fc00::1", "224.0.0.251", "ff02::1")) {
                assertEquals(GeoLocation.UNKNOWN, locate(locator, address), address);
            }
            // Never resolved: one.one.one.one is 1.1.1.1, which the database knows
            for (String text : List.of("one.one.one.one", "localhost", "", "not an address", "81.2.69.1/24",
                    "81.2.69", "999.2.69.1", "81.2.69.1.5")) {
                assertEquals(GeoLocation.UNKNOWN, locate(locator, text), text);
            }
            assertEquals(GeoLocation.UNKNOWN, locate(locator, null));
            assertEquals(0, locator.failures());
        }
    }

    @Test
    void withoutDatabasesEverythingIsUnknown() {
        try (GeoLocator locator = locator(null, null, null)) {
            assertEquals(GeoLocation.UNKNOWN, locate(locator, "81.2.69.160"));
            assertEquals(0, locator.failures());
            assertTrue(log.warnings().isEmpty());
        }
    }

    @Test
    void aFileMissingAtStartIsCountedAndWarnedOnceThenPickedUpWhenItAppears() throws IOException {
        Path city = dir.resolve("GeoLite2-City.mmdb");
        try (GeoLocator locator = locator(city, null, null)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(GeoLocation.UNKNOWN, locate(locator, "81.2.69.160"));
                clock.advance(INTERVAL);
            }
            assertEquals(1, locator.failures());
            assertEquals(1, log.warnings().size());
            assertTrue(log.warnings().get(0).contains(city.toString()), log.warnings().get(0));

            london().write(city);
            clock.advance(INTERVAL);
            assertEquals("London", locate(locator, "81.2.69.160").city());
            assertEquals(1, locator.failures());
        }
    }

    @Test
    void aReplacedFileIsPickedUpAfterTheInterval() throws IOException {
        Path city = write(london(), "city.mmdb");
        try (GeoLocator locator = locator(city, null, null)) {
            assertEquals("London", locate(locator, "81.2.69.160").city());

            replace(city, MaxMindDbWriter.city()
                    .addCity("81.2.69.0/24", "FR", "France", "Paris", 48.8566, 2.3522, 20).toBytes());
            clock.advance(INTERVAL.minusSeconds(1));
            assertEquals("London", locate(locator, "81.2.69.160").city(), "checked before the interval was up");

            clock.advance(Duration.ofSeconds(1));
            GeoLocation paris = locate(locator, "81.2.69.160");
            assertEquals("Paris", paris.city());
            assertEquals("FR", paris.country());
            assertEquals(0, locator.failures());
            assertTrue(log.warnings().isEmpty());
        }
    }

    @Test
    void aFileReplacedByGarbageLeavesTheVersionOpenedBeforeInUse() throws IOException {
        Path city = write(london(), "city.mmdb");
        try (GeoLocator locator = locator(city, null, null)) {
            assertEquals("London", locate(locator, "81.2.69.160").city());

            replace(city, "this is not a MaxMind database".getBytes());
            for (int i = 0; i < 3; i++) {
                clock.advance(INTERVAL);
                assertEquals("London", locate(locator, "81.2.69.160").city(), "the replaced file is still whole");
            }
            assertEquals(List.of(), locator.problems());
            assertEquals(1, locator.failures());
            assertEquals(1, log.warnings().size());
            assertTrue(log.warnings().get(0).contains(city.toString()), log.warnings().get(0));

            replace(city, "other garbage, broken the same way".getBytes());
            clock.advance(INTERVAL);
            assertEquals("London", locate(locator, "81.2.69.160").city());
            assertEquals(2, locator.failures(), "each new version that fails to open counts");
            assertEquals(1, log.warnings().size(), "the same problem again is not a new warning");

            replace(city, MaxMindDbWriter.city()
                    .addCity("81.2.69.0/24", "FR", "France", "Paris", 48.8566, 2.3522, 20).toBytes());
            clock.advance(INTERVAL);
            assertEquals("Paris", locate(locator, "81.2.69.160").city());
            assertEquals(2, locator.failures());
        }
    }

    @Test
    void aFileChangedInPlaceStopsAnsweringAloneAndRecovers() throws IOException {
        Path city = write(london(), "city.mmdb");
        Path asn = write(MaxMindDbWriter.asn().addAsn("81.2.69.0/24", 20_712, "Andrews & Arnold"), "asn.mmdb");
        try (GeoLocator locator = locator(city, asn, null)) {
            assertEquals("London", locate(locator, "81.2.69.160").city());

            overwriteInPlace(city, "this is not a MaxMind database".getBytes());
            clock.advance(INTERVAL);
            GeoLocation degraded = locate(locator, "81.2.69.160");
            assertNull(degraded.city(), "the reader of the changed file is dropped, not kept");
            assertNull(degraded.country());
            assertEquals(20_712L, degraded.asn(), "the other database still answers");
            assertEquals(List.of("City database city.mmdb cannot be used"), locator.problems());
            for (int i = 0; i < 3; i++) {
                clock.advance(INTERVAL);
                locate(locator, "81.2.69.160");
            }
            assertEquals(1, locator.failures(), "the garbage now in the file, refused once");
            assertEquals(1, log.warnings().size());
            assertTrue(log.warnings().get(0).contains(city.toString()), log.warnings().get(0));

            replace(city, london().toBytes());
            clock.advance(INTERVAL);
            assertEquals("London", locate(locator, "81.2.69.160").city());
            assertEquals(List.of(), locator.problems());
            assertEquals(1, locator.failures());
            assertEquals(1, log.warnings().size());
        }
    }

    @Test
    void aDeletedFileLeavesTheVersionOpenedBeforeInUse() throws IOException {
        Path city = write(london(), "city.mmdb");
        try (GeoLocator locator = locator(city, null, null)) {
            assertEquals("London", locate(locator, "81.2.69.160").city());
            Files.delete(city);
            clock.advance(INTERVAL);
            assertEquals("London", locate(locator, "81.2.69.160").city());
            clock.advance(INTERVAL);
            assertEquals("London", locate(locator, "81.2.69.160").city());
            assertEquals(1, locator.failures());
            assertEquals(1, log.warnings().size());
        }
    }

    @Test
    void nothingIsLocatedOnceClosed() throws IOException {
        GeoLocator locator = locator(write(london(), "city.mmdb"), null, null);
        assertEquals("London", locate(locator, "81.2.69.160").city());
        locator.close();
        assertEquals(GeoLocation.UNKNOWN, locate(locator, "81.2.69.160"));
        clock.advance(INTERVAL);
        assertEquals(GeoLocation.UNKNOWN, locate(locator, "81.2.69.160"), "not opened again");
    }

    @Test
    void aLookupThatFailsInsideTheReaderIsCountedEachTimeAndWarnedOnce() throws IOException {
        // accuracy_radius must be a number; the reader fails to decode this record when it is looked up
        Path city = write(london().add("203.0.113.0/24", Map.of("location", Map.of("accuracy_radius", "far"))),
                "city.mmdb");
        try (GeoLocator locator = locator(city, null, null)) {
            assertEquals(GeoLocation.UNKNOWN, locate(locator, "203.0.113.7"));
            assertEquals(GeoLocation.UNKNOWN, locate(locator, "203.0.113.8"));
            assertEquals("London", locate(locator, "81.2.69.160").city());
            assertEquals(2, locator.failures());
            assertEquals(1, log.warnings().size());
            assertTrue(log.warnings().get(0).contains(city.toString()), log.warnings().get(0));
        }
    }

    @Test
    void greatCircleDistance() {
        double londonTokyo = GeoLocator.distanceKm(51.5074, -0.1278, 35.6762, 139.6503);
        assertEquals(9_560, londonTokyo, 9_560 * 0.01);
        assertEquals(0, GeoLocator.distanceKm(51.5074, -0.1278, 51.5074, -0.1278), 1e-9);
        assertEquals(Math.PI * 6371, GeoLocator.distanceKm(0, 0, 0, 180), 1e-6);
        assertEquals(GeoLocator.distanceKm(35.6762, 139.6503, 51.5074, -0.1278), londonTokyo, 1e-9);
    }

    private GeoLocator locator(Path city, Path asn, Path anonymous) {
        return new GeoLocator(city, asn, anonymous, INTERVAL, clock);
    }

    /** Each request's address is parsed once, into a {@link ClientAddress}, before it is located. */
    private static GeoLocation locate(GeoLocator locator, String remoteAddress) {
        return locator.locate(ClientAddress.of(remoteAddress));
    }

    private static MaxMindDbWriter london() {
        return MaxMindDbWriter.city()
                .addCity("81.2.69.0/24", "GB", "United Kingdom", "London", 51.5142, -0.0931, 100);
    }

    private Path write(MaxMindDbWriter writer, String name) throws IOException {
        Path file = dir.resolve(name);
        writer.write(file);
        return file;
    }

    /**
     * Moves a new version into place, as operators should, with a later modification time: a test runs faster
     * than the file system's timestamp resolution.
     */
    private void replace(Path file, byte[] content) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Path staged = Files.write(dir.resolve(file.getFileName() + ".new"), content);
        Files.setLastModifiedTime(staged, FileTime.fromMillis(before.toMillis() + 10_000));
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes through the file's own name, as operators should not, with a later modification time. */
    private static void overwriteInPlace(Path file, byte[] content) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 10_000));
    }

    /** A clock the test moves forward by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
