package io.github.threatprotection.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class IpRangeSetTest {

    private static IpRangeSet set(String... ranges) {
        return IpRangeSet.of(Arrays.stream(ranges).map(IpRange::parse).toList());
    }

    private static String match(IpRangeSet set, String address) {
        return set.match(ClientAddress.of(address)).map(IpRange::text).orElse(null);
    }

    @Test
    void ipv4BlocksAndBareAddressesMatch() {
        IpRangeSet set = set("203.0.113.0/24", "198.51.100.7");
        assertEquals("203.0.113.0/24", match(set, "203.0.113.200"));
        assertEquals("198.51.100.7", match(set, "198.51.100.7"));
        assertEquals(null, match(set, "198.51.100.8"));
        assertEquals(null, match(set, "203.0.114.1"));
    }

    @Test
    void theMostSpecificRangeIsReported() {
        IpRangeSet set = set("10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24");
        assertEquals("10.1.2.0/24", match(set, "10.1.2.3"));
        assertEquals("10.1.0.0/16", match(set, "10.1.9.9"));
        assertEquals("10.0.0.0/8", match(set, "10.200.0.1"));
    }

    @Test
    void ipv6BlocksMatchIpv6AddressesOnly() {
        IpRangeSet set = set("2001:db8::/32", "::/0");
        assertEquals("2001:db8::/32", match(set, "2001:db8:abcd::1"));
        assertEquals("::/0", match(set, "2001:db9::1"));
        assertEquals(null, match(set, "192.0.2.1"), "an IPv6 catch-all says nothing about IPv4");
    }

    @Test
    void ipv4MappedAddressesMatchIpv4Rules() {
        IpRangeSet set = set("198.51.100.0/24");
        assertEquals("198.51.100.0/24", match(set, "::ffff:198.51.100.9"));
        assertEquals("198.51.100.0/24", match(set, "0:0:0:0:0:ffff:c633:6409"));
    }

    @Test
    void ipv4MappedRulesMatchIpv4Addresses() {
        IpRangeSet set = set("::ffff:192.0.2.0/120", "::ffff:198.51.100.7");
        assertEquals("::ffff:192.0.2.0/120", match(set, "192.0.2.77"));
        assertEquals("::ffff:198.51.100.7", match(set, "198.51.100.7"));
        assertEquals(null, match(set, "192.0.3.1"));
    }

    @Test
    void textThatIsNotOneAddressMatchesNothing() {
        IpRangeSet set = set("0.0.0.0/0", "::/0");
        for (String text : List.of("", " ", "unknown", "10.1", "10.0.0.0/8", "10.0.0.*", "1.2.3.4, 5.6.7.8")) {
            assertEquals(Optional.empty(), set.match(ClientAddress.of(text)), text);
        }
        assertEquals(Optional.empty(), set.match(ClientAddress.of(null)));
    }

    @Test
    void hostBitsAfterThePrefixAreRejectedNamingTheIntendedBlock() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> IpRange.parse("10.1.2.3/8"));
        assertTrue(error.getMessage().contains("10.0.0.0/8"), error.getMessage());
        IllegalArgumentException v6 = assertThrows(IllegalArgumentException.class,
                () -> IpRange.parse("2001:db8::1/32"));
        assertTrue(v6.getMessage().contains("2001:db8::/32"), v6.getMessage());
    }

    @Test
    void wildcardsRangesZonesAndGarbageAreRejected() {
        for (String text : List.of("", " ", "10.1", "*", "10.0.0.*", "10.0.0.1-20", "fe80::1%eth0", "300.1.1.1", "host.example",
                "10.0.0.0/33")) {
            assertThrows(IllegalArgumentException.class, () -> IpRange.parse(text), text);
        }
        assertThrows(IllegalArgumentException.class, () -> IpRange.parse(null));
    }

    @Test
    void surroundingSpaceIsIgnoredAndTheWrittenTextKept() {
        IpRange range = IpRange.parse(" 192.0.2.0/24 ");
        assertEquals("192.0.2.0/24", range.text());
        assertEquals("192.0.2.0/24", match(set(" 192.0.2.0/24 "), "192.0.2.1"));
    }

    @Test
    void tenThousandRangesStillMatchExactly() {
        List<IpRange> ranges = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ranges.add(IpRange.parse("10." + (i / 256) + "." + (i % 256) + ".0/24"));
        }
        IpRangeSet set = IpRangeSet.of(ranges);
        assertEquals("10.39.15.0/24", match(set, "10.39.15.77"));
        assertEquals(null, match(set, "10.40.0.1"));
    }
}
