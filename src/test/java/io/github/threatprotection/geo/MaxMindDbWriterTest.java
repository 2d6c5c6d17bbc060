package io.github.threatprotection.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;

/** The test writer is only useful if the real reader accepts its files; these tests read them back with it. */
class MaxMindDbWriterTest {

    @TempDir
    Path dir;

    @Test
    void metadataIsReadBack() throws IOException {
        Path file = dir.resolve("test.mmdb");
        MaxMindDbWriter.city().addCity("81.2.69.0/24", "GB", "United Kingdom", "London", 51.5, -0.1, 100)
                .write(file);
        try (Reader reader = new Reader(file.toFile())) {
            Metadata metadata = reader.getMetadata();
            assertEquals("GeoLite2-City", metadata.getDatabaseType());
            assertEquals(6, metadata.getIpVersion());
            assertEquals(2, metadata.getBinaryFormatMajorVersion());
            assertEquals(0, metadata.getBinaryFormatMinorVersion());
            assertEquals(List.of("en"), metadata.getLanguages());
            assertEquals("Test data for GeoLite2-City", metadata.getDescription().get("en"));
        }
    }

    @Test
    void everyValueTypeRoundTrips() throws IOException {
        String longText = "x".repeat(300) + " – ünïcode";
        Map<String, Object> value = Map.of(
                "text", longText,
                "medium", "y".repeat(40),
                "double", -0.0931,
                "uint16", MaxMindDbWriter.uint16(65_535),
                "uint32", 15_169,
                "uint64", 1_700_000_000L,
                "zero", 0,
                "flag", true,
                "list", List.of("a", false, Map.of("nested", 1.5)));
        Path file = dir.resolve("types.mmdb");
        new MaxMindDbWriter("Test-Types").add("198.51.100.0/24", value).write(file);

        try (Reader reader = new Reader(file.toFile())) {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = reader.get(InetAddress.getByName("198.51.100.9"), Map.class);
            assertEquals(longText, read.get("text"));
            assertEquals("y".repeat(40), read.get("medium"));
            assertEquals(-0.0931, read.get("double"));
            assertEquals(65_535, read.get("uint16"));
            assertEquals(15_169L, read.get("uint32"));
            assertEquals(BigInteger.valueOf(1_700_000_000L), read.get("uint64"));
            assertEquals(0L, read.get("zero"));
            assertEquals(true, read.get("flag"));
            assertEquals(List.of("a", false, Map.of("nested", 1.5)), read.get("list"));
        }
    }

    @Test
    void networksAreFoundWithTheirPrefixAndNothingElseIs() throws IOException {
        Path file = dir.resolve("networks.mmdb");
        MaxMindDbWriter.asn()
                .addAsn("8.8.8.0/24", 15_169, "Google LLC")
                .addAsn("9.9.9.9/32", 19_281, "Quad9")
                .addAsn("2001:db8:1::/48", 64_500, "Example v6")
                .write(file);
        try (Reader reader = new Reader(file.toFile())) {
            DatabaseRecord<Map> google = reader.getRecord(InetAddress.getByName("8.8.8.200"), Map.class);
            assertEquals("Google LLC", google.getData().get("autonomous_system_organization"));
            assertEquals(24, google.getNetwork().getPrefixLength());
            assertEquals("Quad9", organization(reader, "9.9.9.9"));
            assertEquals("Example v6", organization(reader, "2001:db8:1:ffff::1"));
            assertNull(reader.get(InetAddress.getByName("8.8.9.1"), Map.class));
            assertNull(reader.get(InetAddress.getByName("9.9.9.8"), Map.class));
            assertNull(reader.get(InetAddress.getByName("2001:db8:2::1"), Map.class));
        }
    }

    @Test
    void ipv4OnlyDatabasesHaveAnIpv4Tree() throws IOException {
        Path file = dir.resolve("v4.mmdb");
        MaxMindDbWriter.asn().ipv4Only().addAsn("8.8.8.0/24", 15_169, "Google LLC").write(file);
        try (Reader reader = new Reader(file.toFile())) {
            assertEquals(4, reader.getMetadata().getIpVersion());
            assertEquals("Google LLC", organization(reader, "8.8.8.8"));
            assertNull(reader.get(InetAddress.getByName("8.8.9.8"), Map.class));
        }
        assertThrows(IllegalArgumentException.class,
                () -> MaxMindDbWriter.asn().ipv4Only().addAsn("2001:db8::/32", 1, "v6"));
    }

    @Test
    void overlappingNetworksAreRejected() {
        MaxMindDbWriter writer = MaxMindDbWriter.asn().addAsn("10.0.0.0/16", 1, "a");
        assertThrows(IllegalArgumentException.class, () -> writer.addAsn("10.0.1.0/24", 2, "inside"));
        assertThrows(IllegalArgumentException.class, () -> writer.addAsn("10.0.0.0/8", 3, "around"));
        assertThrows(IllegalArgumentException.class, () -> writer.addAsn("10.0.0.0/16", 4, "same"));
    }

    private static Object organization(Reader reader, String address) throws IOException {
        return reader.get(InetAddress.getByName(address), Map.class).get("autonomous_system_organization");
    }
}
