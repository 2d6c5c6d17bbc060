package io.github.threatprotection.network;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4AddressTrie;
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
    public Optional<IpRange> match(ClientAddress client) {
        IPAddress address = client.address();
        if (ranges.isEmpty() || address == null) {
            return Optional.empty();
        }
        IPAddress found;
        if (address.isIPv4()) {
            found = ipv4.longestPrefixMatch(address.toIPv4());
        } else {
            found = ipv6.longestPrefixMatch(address.toIPv6());
        }
        return Optional.ofNullable(found).map(rangeByBlock::get);
    }
}
