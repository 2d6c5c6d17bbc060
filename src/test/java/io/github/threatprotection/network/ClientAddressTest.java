package io.github.threatprotection.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void aHostIsItsIpv4AddressOrItsIpv6Slash64() {
        assertEquals("198.51.100.77", ClientAddress.of(" 198.51.100.77 ").host());
        assertEquals("198.51.100.1", ClientAddress.of("::ffff:198.51.100.1").host());
        assertEquals("2001:db8:c17:1::/64", ClientAddress.of("2001:db8:c17:1:2:3:4:5").host());
        assertEquals(ClientAddress.of("2001:db8:c17:1::9").host(), ClientAddress.of("2001:db8:c17:1:2:3:4:5").host());
        assertNull(ClientAddress.of("unknown").host());
    }

    @Test
    void ipv4HasItsSlash24AsNetworkAndAsPrivacyNetwork() {
        ClientAddress client = ClientAddress.of("198.51.100.77");
        assertTrue(client.isAddress());
        assertEquals("198.51.100.77", client.text());
        assertEquals("198.51.100.0/24", client.network());
        assertEquals("198.51.100.0/24", client.privacyNetwork());
        assertEquals("198.51.100.77", client.inetAddress().getHostAddress());
        assertInstanceOf(Inet4Address.class, client.inetAddress());
    }

    @Test
    void ipv6HasItsSlash64AsNetworkAndItsSlash48AsPrivacyNetwork() {
        ClientAddress client = ClientAddress.of("2001:db8:c17:1:2:3:4:5");
        assertTrue(client.isAddress());
        assertEquals("2001:db8:c17:1::/64", client.network());
        assertEquals("2001:db8:c17::/48", client.privacyNetwork());
        assertInstanceOf(Inet6Address.class, client.inetAddress());
        assertEquals(client.network(), ClientAddress.of("2001:db8:c17:1:ffff::9").network());
        assertEquals(client.privacyNetwork(), ClientAddress.of("2001:db8:c17:ffff::9").privacyNetwork());
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4AddressButKeepsItsText() {
        ClientAddress client = ClientAddress.of("::ffff:198.51.100.1");
        assertEquals("198.51.100.0/24", client.network());
        assertEquals("198.51.100.0/24", client.privacyNetwork());
        assertInstanceOf(Inet4Address.class, client.inetAddress());
        assertEquals("198.51.100.1", client.inetAddress().getHostAddress());
        assertEquals("::ffff:198.51.100.1", client.recorded(false));
        assertEquals("198.51.100.0/24", ClientAddress.of("0:0:0:0:0:ffff:c633:6401").network());
    }

    @Test
    void blanksAroundAndAnIpv6ZoneAreIgnored() {
        ClientAddress padded = ClientAddress.of(" 81.2.69.1 ");
        assertEquals("81.2.69.0/24", padded.network());
        assertEquals(" 81.2.69.1 ", padded.text(), "kept as Keycloak gave it");
        ClientAddress zoned = ClientAddress.of("fe80::1%eth0");
        assertTrue(zoned.isAddress());
        assertEquals("fe80::/64", zoned.network());
    }

    @Test
    void textThatIsNotOneAddressHasNoAddressAndNoNetworkButKeepsItsText() {
        for (String text : Arrays.asList(null, "", " ", "unknown", "not-an-address", "10.1", "10.0.0.0/8",
                "10.0.0.*", "1.2.3.4, 5.6.7.8", "999.1.1.1", "one.one.one.one", "::ffff:zz", "0x7f.1")) {
            ClientAddress client = ClientAddress.of(text);
            assertFalse(client.isAddress(), text);
            assertNull(client.inetAddress(), text);
            assertNull(client.network(), text);
            assertNull(client.privacyNetwork(), text);
            assertEquals(text, client.text());
            assertEquals(text, client.recorded(false), "without the privacy setting the text is kept");
            assertNull(client.recorded(true), "a realm that stores networks only keeps nothing of it: " + text);
            assertNull(client.recordedNetwork(false), text);
            assertNull(client.recordedNetwork(true), text);
        }
    }

    @Test
    void theRecordedFormIsTheAddressOrWithStoreNetworkOnlyThePrivacyNetwork() {
        ClientAddress v4 = ClientAddress.of("81.2.69.160");
        assertEquals("81.2.69.160", v4.recorded(false));
        assertEquals("81.2.69.0/24", v4.recordedNetwork(false));
        assertEquals("81.2.69.0/24", v4.recorded(true));
        assertEquals("81.2.69.0/24", v4.recordedNetwork(true));

        ClientAddress v6 = ClientAddress.of("2001:db8:c17:ffff::9");
        assertEquals("2001:db8:c17:ffff::9", v6.recorded(false));
        assertEquals("2001:db8:c17:ffff::/64", v6.recordedNetwork(false));
        assertEquals("2001:db8:c17::/48", v6.recorded(true));
        assertEquals("2001:db8:c17::/48", v6.recordedNetwork(true), "the /48 in place of the /64 too");
    }

    @Test
    void aMatchedEntryOfOneAddressIsNamedAsTheAddressIsRecorded() {
        ClientAddress client = ClientAddress.of("203.0.113.7");
        for (String single : List.of("203.0.113.7", "203.0.113.7/32", "::ffff:203.0.113.7")) {
            IpRange entry = IpRange.parse(single);
            assertTrue(entry.isSingleAddress(), single);
            assertEquals(single, client.recordedEntry(entry, false));
            assertEquals("203.0.113.0/24", client.recordedEntry(entry, true), single);
        }
        for (String block : List.of("203.0.113.0/24", "203.0.113.0/30", "0.0.0.0/0")) {
            IpRange entry = IpRange.parse(block);
            assertFalse(entry.isSingleAddress(), block);
            assertEquals(block, client.recordedEntry(entry, true), "a block tells no more than the operator wrote");
        }
        IpRange host6 = IpRange.parse("2001:db8:c17:1::5/128");
        assertTrue(host6.isSingleAddress());
        assertEquals("2001:db8:c17::/48", ClientAddress.of("2001:db8:c17:1::5").recordedEntry(host6, true));
    }
}
