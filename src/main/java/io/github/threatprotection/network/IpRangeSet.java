package io.github.threatprotection.network;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4AddressTrie;
import inet.ipaddr.ipv6.IPv6Address;
import inet.ipaddr.ipv6.IPv6AddressTrie;

/**
 * A list of IP ranges with a lookup that costs one walk down a prefix trie, whatever the number of ranges.
 * Immutable once built, so one instance is shared by all threads.
 */
public final class IpRangeSet {

    public static final IpRangeSet EMPTY = of(List.of());

    private final IPv4AddressTrie ipv4 = new IPv4AddressTrie();
    private final IPv6AddressTrie ipv6 = new IPv6AddressTrie();
    private final Map<IPAddress, IpRange> rangeByBlock = new HashMap<>();
    private final List<IpRange> ranges;

    private IpRangeSet(List<IpRange> ranges) {
        this.ranges = List.copyOf(ranges);
        for (IpRange range : ranges) {
            IPAddress block = range.block();
            if (block.isIPv4()) {
                ipv4.add(block.toIPv4());
            } else {
                ipv6.add(block.toIPv6());
            }
            rangeByBlock.putIfAbsent(block, range);
        }
    }

    public static IpRangeSet of(List<IpRange> ranges) {
        return new IpRangeSet(ranges);
    }

    public List<IpRange> ranges() {
        return ranges;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * The most specific range that contains the address, or empty. IPv4-mapped IPv6 addresses
     * ({@code ::ffff:198.51.100.7}) match IPv4 ranges. Text that is not a single address matches nothing.
     */
    public Optional<IpRange> match(String address) {
        if (ranges.isEmpty()) {
            return Optional.empty();
        }
        IPAddress parsed = parseClientAddress(address);
        if (parsed == null) {
            return Optional.empty();
        }
        IPAddress found;
        if (parsed.isIPv4()) {
            found = ipv4.longestPrefixMatch(parsed.toIPv4());
        } else {
            found = ipv6.longestPrefixMatch(parsed.toIPv6());
        }
        return Optional.ofNullable(found).map(rangeByBlock::get);
    }

    /** A client's address as a single IPv4 or IPv6 address, or null when the text is not one. */
    public static IPAddress parseClientAddress(String address) {
        if (address == null) {
            return null;
        }
        IPAddress parsed = new IPAddressString(address.trim(), IpRange.STRICT).getAddress();
        if (parsed == null || parsed.isMultiple() || parsed.getNetworkPrefixLength() != null) {
            return null;
        }
        if (parsed.isIPv6()) {
            IPv6Address v6 = parsed.toIPv6().removeZone();
            if (v6.isIPv4Mapped()) {
                return v6.getEmbeddedIPv4Address();
            }
            return v6;
        }
        return parsed;
    }
}
