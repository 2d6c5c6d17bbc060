package io.github.threatprotection.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property tests of the CIDR parser and client-address handling: any text gives a range or the documented
 * IllegalArgumentException (with a message for the operator), client addresses never throw, and every
 * address inside a generated block matches it while the addresses just outside do not.
 */
class IpRangePropertyTest {

    @Property(tries = 5000)
    void anyTextIsARangeOrAnIllegalArgument(@ForAll("addressLikeText") String text) {
        try {
            IpRange range = IpRange.parse(text);
            assertEquals(text.trim(), range.text());
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }

    @Property(tries = 2000)
    void anyUnicodeTextIsARangeOrAnIllegalArgument(@ForAll String text) {
        try {
            IpRange.parse(text);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }

    @Property(tries = 3000)
    void clientAddressesAndTheirNetworksNeverThrow(@ForAll("addressLikeText") String text) {
        IpRangeSet.parseClientAddress(text);
        IpNetworks.networkOf(text);
    }

    @Property(tries = 3000)
    void anIpv4BlockMatchesItsOwnAddressesAndNotItsNeighbours(@ForAll int address,
                                                             @ForAll @IntRange(min = 1, max = 32) int prefix,
                                                             @ForAll int offset) {
        long size = 1L << (32 - prefix);
        long first = Integer.toUnsignedLong(address) & ~(size - 1) & 0xFFFFFFFFL;
        IpRangeSet set = IpRangeSet.of(List.of(IpRange.parse(dotted(first) + "/" + prefix)));
        long inside = first + Math.floorMod(offset, size);
        assertTrue(set.match(dotted(inside)).isPresent(), dotted(inside) + " in " + dotted(first) + "/" + prefix);
        if (first > 0) {
            assertTrue(set.match(dotted(first - 1)).isEmpty());
        }
        if (first + size <= 0xFFFFFFFFL) {
            assertTrue(set.match(dotted(first + size)).isEmpty());
        }
    }

    @Property(tries = 2000)
    void hostBitsAfterThePrefixAreRejectedNamingTheBlockMeant(@ForAll int address,
                                                              @ForAll @IntRange(min = 0, max = 31) int prefix) {
        long value = Integer.toUnsignedLong(address);
        long hostMask = (1L << (32 - prefix)) - 1;
        String text = dotted(value) + "/" + prefix;
        if ((value & hostMask) == 0) {
            IpRange.parse(text);
            return;
        }
        try {
            IpRange.parse(text);
            throw new AssertionError(text + " was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("did you mean " + dotted(value & ~hostMask & 0xFFFFFFFFL) + "/" + prefix),
                    e.getMessage());
        }
    }

    @Provide
    Arbitrary<String> addressLikeText() {
        Arbitrary<String> soup = Arbitraries.strings().withChars("0123456789abcdefABCDEF:./%-[] ,x").ofMaxLength(45);
        Arbitrary<String> octets = Combinators.combine(Arbitraries.integers().between(-1, 300).list().ofMinSize(1)
                        .ofMaxSize(6), Arbitraries.integers().between(-1, 140), Arbitraries.of("", "/", "/x"))
                .as((parts, prefix, slash) -> String.join(".", parts.stream().map(String::valueOf).toList())
                        + (slash.isEmpty() ? "" : slash + prefix));
        Arbitrary<String> ipv6 = Combinators.combine(Arbitraries.integers().between(0, 0x1ffff).list().ofMinSize(1)
                        .ofMaxSize(10), Arbitraries.of(":", "::"), Arbitraries.integers().between(-1, 140))
                .as((groups, separator, prefix) -> String.join(separator, groups.stream()
                        .map(Integer::toHexString).toList()) + (prefix < 0 ? "" : "/" + prefix));
        return Arbitraries.oneOf(soup, octets, ipv6);
    }

    private static String dotted(long value) {
        return (value >>> 24 & 255) + "." + (value >>> 16 & 255) + "." + (value >>> 8 & 255) + "." + (value & 255);
    }
}
