package io.github.threatprotection.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.threatprotection.geo.MaxMindDbWriter;

/**
 * Geolocation data the tests make themselves: small City and ASN databases in MaxMind DB format for a few
 * networks, and an IP reputation list. Returns the server options that point at them.
 */
public final class TestGeoData {

    public static final String LONDON = "81.2.69.142";
    public static final String LINKOPING = "89.160.20.113";
    public static final String CHANGCHUN = "175.16.199.1";
    /** A network in London whose neighbours 100.64.1.0/24, .2 and .3 lie 3, 5 and 14 km east. */
    public static final String LONDON_WEST = "100.64.0.0/24";
    /** On the test reputation list. */
    public static final String LISTED = "203.0.113.200";

    private TestGeoData() {
    }

    public static List<String> write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path city = directory.resolve("test-city.mmdb");
        Path asn = directory.resolve("test-asn.mmdb");
        Path reputation = directory.resolve("bad-addresses.txt");
        MaxMindDbWriter.city()
                .addCity("81.2.69.0/24", "GB", "United Kingdom", "London", 51.5142, -0.0931, 10)
                .addCity("89.160.20.0/24", "SE", "Sweden", "Linköping", 58.4167, 15.6167, 20)
                .addCity("175.16.199.0/24", "CN", "China", "Changchun", 43.88, 125.3228, 50)
                .addCity("2001:db8:c17::/48", "US", "United States", "Milton", 47.2513, -122.3149, 20)
                // Four places in and around London, 1 km accurate, about 3, 5 and 14 km east of the first: a second
                // or two between sign-ins makes travel speeds between the limits settings allow (SimulationIT)
                .addCity(LONDON_WEST, "GB", "United Kingdom", "London", 51.5, -0.1, 1)
                .addCity("100.64.1.0/24", "GB", "United Kingdom", "London", 51.5, -0.0568, 1)
                .addCity("100.64.2.0/24", "GB", "United Kingdom", "London", 51.5, -0.028, 1)
                .addCity("100.64.3.0/24", "GB", "United Kingdom", "London", 51.5, 0.1017, 1)
                .write(city);
        MaxMindDbWriter.asn()
                .addAsn("81.2.69.0/24", 20712, "Andrews & Arnold Ltd")
                .addAsn("89.160.20.0/24", 29518, "Bredband2 AB")
                .addAsn("175.16.199.0/24", 4837, "China Unicom")
                .write(asn);
        Files.writeString(reputation, "# test list\n203.0.113.128/25  # upper half of TEST-NET-3\n");
        return List.of(
                "--spi-threat-protection--default--geoip-city-database=" + city,
                "--spi-threat-protection--default--geoip-asn-database=" + asn,
                "--spi-threat-protection--default--ip-reputation-lists=" + reputation);
    }
}
