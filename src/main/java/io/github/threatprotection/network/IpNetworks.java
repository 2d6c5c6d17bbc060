package io.github.threatprotection.network;

import inet.ipaddr.IPAddress;

/** The network an address belongs to for risk purposes: its IPv4 /24 or IPv6 /64. */
public final class IpNetworks {

    private static final int IPV4_NETWORK_BITS = 24;
    private static final int IPV6_NETWORK_BITS = 64;
    private static final int IPV4_PRIVACY_BITS = 24;
    private static final int IPV6_PRIVACY_BITS = 48;

    private IpNetworks() {
    }

    /** The network in CIDR notation ({@code 198.51.100.0/24}, {@code 2001:db8:1:2::/64}), or null for non-addresses. */
    public static String networkOf(String address) {
        IPAddress parsed = IpRangeSet.parseClientAddress(address);
        if (parsed == null) {
            return null;
        }
        int bits = parsed.isIPv4() ? IPV4_NETWORK_BITS : IPV6_NETWORK_BITS;
        return parsed.setPrefixLength(bits, false).toPrefixBlock().toCanonicalString();
    }

    /**
     * What a realm that stores networks only keeps of an address: its IPv4 /24 or IPv6 /48 in CIDR notation, or
     * null for non-addresses.
     */
    public static String privacyNetworkOf(String address) {
        IPAddress parsed = IpRangeSet.parseClientAddress(address);
        if (parsed == null) {
            return null;
        }
        int bits = parsed.isIPv4() ? IPV4_PRIVACY_BITS : IPV6_PRIVACY_BITS;
        return parsed.setPrefixLength(bits, false).toPrefixBlock().toCanonicalString();
    }
}
