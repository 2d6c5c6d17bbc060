package io.github.threatprotection.network;

import java.net.InetAddress;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;

/**
 * The address a request came from, as Keycloak saw it, parsed once per request: the IP lists, geolocation and
 * the risk signals all read this one value. Also decides, in one place, what of it an event keeps and shows.
 *
 * <p>Text that is not a single IP address (a proxy may forward anything) gives a value that is no
 * {@linkplain #isAddress() address}: it matches no range, is located nowhere, has no network, and only its text
 * is kept, unless the realm stores networks only, which then keeps nothing of it.
 *
 * <p>Only {@link #of} makes one, so the networks always belong to the address.
 */
public final class ClientAddress {

    private static final int IPV4_NETWORK_BITS = 24;
    private static final int IPV6_NETWORK_BITS = 64;
    private static final int IPV4_PRIVACY_BITS = 24;
    private static final int IPV6_PRIVACY_BITS = 48;

    private final String text;
    private final IPAddress address;
    // Worked out when first asked: a what-if replay reads many addresses and needs neither network.
    private String network;
    private String privacyNetwork;

    private ClientAddress(String text, IPAddress address) {
        this.text = text;
        this.address = address;
    }

    /**
     * @param remoteAddress the request's address as Keycloak gives it (leading and trailing blanks are ignored,
     *                      an IPv6 zone is dropped, an IPv4-mapped IPv6 address is its IPv4 address); may be null
     */
    public static ClientAddress of(String remoteAddress) {
        return new ClientAddress(remoteAddress, parse(remoteAddress));
    }

    private static IPAddress parse(String text) {
        if (text == null) {
            return null;
        }
        IPAddress parsed = new IPAddressString(text.trim(), IpRange.STRICT).getAddress();
        if (parsed == null || parsed.isMultiple() || parsed.getNetworkPrefixLength() != null) {
            return null;
        }
        if (parsed.isIPv6()) {
            IPv6Address v6 = parsed.toIPv6().removeZone();
            return v6.isIPv4Mapped() ? v6.getEmbeddedIPv4Address() : v6;
        }
        return parsed;
    }

    private static String block(IPAddress address, int ipv4Bits, int ipv6Bits) {
        int bits = address.isIPv4() ? ipv4Bits : ipv6Bits;
        return address.setPrefixLength(bits, false).toPrefixBlock().toCanonicalString();
    }

    /** The text as Keycloak gave it, possibly null. */
    public String text() {
        return text;
    }

    /** Whether the text is a single IPv4 or IPv6 address. */
    public boolean isAddress() {
        return address != null;
    }

    /** The address for lookups that take the JDK's type, or null when there is none. Never resolved by DNS. */
    public InetAddress inetAddress() {
        return address == null ? null : address.toInetAddress();
    }

    /** The parsed address, or null. */
    IPAddress address() {
        return address;
    }

    /**
     * The network the risk signals compare and failed sign-ins are counted by, in CIDR notation: the IPv4 /24
     * ({@code 198.51.100.0/24}) or IPv6 /64 ({@code 2001:db8:1:2::/64}); null when there is no address.
     */
    public String network() {
        if (network == null && address != null) {
            network = block(address, IPV4_NETWORK_BITS, IPV6_NETWORK_BITS);
        }
        return network;
    }

    /**
     * The address as one client is known by, for counting its failures: an IPv4 address in canonical form, or
     * the IPv6 /64 around it (a host picks its own addresses within the /64 it is given, so one IPv6 address
     * says less than one IPv4 address); null when there is no address.
     */
    public String host() {
        if (address == null) {
            return null;
        }
        return address.isIPv4() ? address.toCanonicalString() : network();
    }

    /**
     * What a realm that stores networks only keeps of the address: its IPv4 /24 or IPv6 /48 in CIDR notation;
     * null when there is no address.
     */
    public String privacyNetwork() {
        if (privacyNetwork == null && address != null) {
            privacyNetwork = block(address, IPV4_PRIVACY_BITS, IPV6_PRIVACY_BITS);
        }
        return privacyNetwork;
    }

    /**
     * The address as an event keeps and shows it, in its context and in the reasons that name it: the text, or
     * with {@code privacy.storeNetworkOnly} the privacy network (null when there is no address).
     */
    public String recorded(boolean storeNetworkOnly) {
        return storeNetworkOnly ? privacyNetwork() : text;
    }

    /** The network an event keeps for the signals to compare: with {@code storeNetworkOnly}, the privacy network. */
    public String recordedNetwork(boolean storeNetworkOnly) {
        return storeNetworkOnly ? privacyNetwork() : network();
    }

    /**
     * How an event names the entry of an operator's list (IP exceptions, a reputation list) that this address
     * matched. An entry of a single address is the address itself, so with {@code storeNetworkOnly} it is named
     * as the address is; a wider block tells no more than the operator wrote.
     */
    public String recordedEntry(IpRange entry, boolean storeNetworkOnly) {
        return storeNetworkOnly && entry.isSingleAddress() ? recorded(true) : entry.text();
    }

    @Override
    public String toString() {
        return String.valueOf(text);
    }
}
