package io.github.threatprotection.network;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv6.IPv6Address;

/**
 * One CIDR block as an operator wrote it ({@code 203.0.113.0/24}, {@code 2001:db8::/32}) or a bare address
 * (a /32 or /128).
 */
public final class IpRange {

    private static final int IPV4_MAPPED_PREFIX_BITS = 96;

    /**
     * Only the usual notations: no empty string (which the library would read as loopback), no "all", no masks
     * and no inet_aton shorthands such as {@code 10.1} for {@code 10.0.0.1}, which surprise operators.
     */
    static final IPAddressStringParameters STRICT = new IPAddressStringParameters.Builder()
            .allowEmpty(false)
            .allowAll(false)
            .allowSingleSegment(false)
            .allowMask(false)
            .allowPrefixOnly(false)
            .allow_inet_aton(false)
            .toParams();

    private final String text;
    private final IPAddress block;

    private IpRange(String text, IPAddress block) {
        this.text = text;
        this.block = block;
    }

    /**
     * Parses a range. Host bits set after the prefix ({@code 10.1.2.3/8}) are rejected rather than silently
     * widened, so an operator never blocks more than they meant to; the message names the block they may mean.
     *
     * @throws IllegalArgumentException with a message fit to show the operator
     */
    public static IpRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be an IP address or CIDR block, got an empty value");
        }
        String trimmed = text.trim();
        IPAddress address;
        try {
            address = new IPAddressString(trimmed, STRICT).toAddress();
        } catch (AddressStringException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is not an IP address or CIDR block");
        }
        if (address == null || trimmed.indexOf('%') >= 0) {
            throw new IllegalArgumentException("'" + trimmed + "' is not an IP address or CIDR block");
        }
        Integer prefix = address.getNetworkPrefixLength();
        if (prefix == null && address.isMultiple()) {
            throw new IllegalArgumentException("'" + trimmed + "' is a wildcard or range; write it as a CIDR block");
        }
        if (prefix != null && !address.isPrefixBlock()) {
            throw new IllegalArgumentException("'" + trimmed + "' has host bits set after the /" + prefix
                    + " prefix; did you mean " + address.toPrefixBlock().toCanonicalString() + "?");
        }
        return new IpRange(trimmed, unmapIPv4(address));
    }

    /** IPv4-mapped IPv6 ranges ({@code ::ffff:192.0.2.0/120}) are kept as the IPv4 range they stand for. */
    private static IPAddress unmapIPv4(IPAddress address) {
        if (!address.isIPv6()) {
            return address;
        }
        IPv6Address v6 = address.toIPv6();
        Integer prefix = v6.getNetworkPrefixLength();
        boolean mapped = prefix == null ? v6.isIPv4Mapped()
                : prefix >= IPV4_MAPPED_PREFIX_BITS && v6.getLower().withoutPrefixLength().isIPv4Mapped();
        if (!mapped) {
            return address;
        }
        IPAddress v4 = v6.getLower().withoutPrefixLength().toIPv6().getEmbeddedIPv4Address();
        return prefix == null ? v4 : v4.setPrefixLength(prefix - IPV4_MAPPED_PREFIX_BITS, false).toPrefixBlock();
    }

    IPAddress block() {
        return block;
    }

    /** Whether the entry names one address ({@code 198.51.100.7}, {@code 198.51.100.7/32}) rather than a block. */
    public boolean isSingleAddress() {
        return !block.isMultiple();
    }

    /** The text the operator wrote, as shown in event details. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
