package io.github.threatprotection.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.RandomCases;
import io.github.threatprotection.RandomInputs;

/**
 * Property tests of the CIDR parser and client-address handling: any text gives a range or the documented
 * IllegalArgumentException (with a message for the operator), client addresses never throw, and every
 * address inside a generated block matches it while the addresses just outside do not. Each property runs a
 * fixed number of generated cases from a fixed seed ({@link RandomCases}).
 */
class IpRangePropertyTest {

    @Test
    void anyTextIsARangeOrAnIllegalArgument() {
        RandomCases.check(2101L, 5000, IpRangePropertyTest::addressLikeText, text -> {
            try {
                IpRange range = IpRange.parse(text);
                assertEquals(text.trim(), range.text());
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
        });
    }

    @Test
    void anyUnicodeTextIsARangeOrAnIllegalArgument() {
        RandomCases.check(2102L, 2000, RandomInputs::anyString, text -> {
            try {
                IpRange.parse(text);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
        });
    }

    @Test
    void clientAddressesAndTheirNetworksNeverThrow() {
        RandomCases.check(2103L, 3000, IpRangePropertyTest::addressLikeText, text -> {
            ClientAddress.of(text);
        });
    }

    /** An IPv4 block given by any address in it and its prefix length, and an offset picking an address in it. */
    private record Ipv4Block(int address, int prefix, int offset) {
    }

    @Test
    void anIpv4BlockMatchesItsOwnAddressesAndNotItsNeighbours() {
        RandomCases.check(2104L, 3000, random -> new Ipv4Block(RandomInputs.anyInt(random),
                RandomInputs.intBetween(random, 1, 32), RandomInputs.anyInt(random)), block -> {
            long size = 1L << (32 - block.prefix());
            long first = Integer.toUnsignedLong(block.address()) & ~(size - 1) & 0xFFFFFFFFL;
            IpRangeSet set = IpRangeSet.of(List.of(IpRange.parse(dotted(first) + "/" + block.prefix())));
            long inside = first + Math.floorMod(block.offset(), size);
            assertTrue(set.match(ClientAddress.of(dotted(inside))).isPresent(),
                    dotted(inside) + " in " + dotted(first) + "/" + block.prefix());
            if (first > 0) {
                assertTrue(set.match(ClientAddress.of(dotted(first - 1))).isEmpty());
            }
            if (first + size <= 0xFFFFFFFFL) {
                assertTrue(set.match(ClientAddress.of(dotted(first + size))).isEmpty());
            }
        });
    }

    /** Any IPv4 address with a prefix length short enough to leave host bits. */
    private record PrefixedAddress(int address, int prefix) {
    }

    @Test
    void hostBitsAfterThePrefixAreRejectedNamingTheBlockMeant() {
        RandomCases.check(2105L, 2000, random -> new PrefixedAddress(RandomInputs.anyInt(random),
                RandomInputs.intBetween(random, 0, 31)), input -> {
            long value = Integer.toUnsignedLong(input.address());
            long hostMask = (1L << (32 - input.prefix())) - 1;
            String text = dotted(value) + "/" + input.prefix();
            if ((value & hostMask) == 0) {
                IpRange.parse(text);
                return;
            }
            try {
                IpRange.parse(text);
                throw new AssertionError(text + " was accepted");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("did you mean " + dotted(value & ~hostMask & 0xFFFFFFFFL) + "/"
                        + input.prefix()), e.getMessage());
            }
        });
    }

    /**
     * Text that looks like an address, in three equally likely kinds: a soup of the characters addresses are made
     * of; dotted numbers around the octet range with an optional (possibly bad) prefix; hex groups around the
     * IPv6 group range joined by {@code :} or {@code ::} with an optional prefix. One in four gets blanks
     * around it, as pasted lists do.
     */
    private static String addressLikeText(Random random) {
        String text = addressLikeCore(random);
        return random.nextInt(4) == 0 ? RandomInputs.oneOf(random, " ", "\t", "  ") + text
                + RandomInputs.oneOf(random, "", " ", "\n") : text;
    }

    private static String addressLikeCore(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> RandomInputs.stringOf(random, "0123456789abcdefABCDEF:./%-[] ,x", 45);
            case 1 -> {
                List<Integer> parts = RandomInputs.listOf(random, 1, 6, r -> RandomInputs.intBetween(r, -1, 300));
                int prefix = RandomInputs.intBetween(random, -1, 140);
                String slash = RandomInputs.oneOf(random, "", "/", "/x");
                yield String.join(".", parts.stream().map(String::valueOf).toList())
                        + (slash.isEmpty() ? "" : slash + prefix);
            }
            default -> {
                List<Integer> groups = RandomInputs.listOf(random, 1, 10, r -> RandomInputs.intBetween(r, 0, 0x1ffff));
                String separator = RandomInputs.oneOf(random, ":", "::");
                int prefix = RandomInputs.intBetween(random, -1, 140);
                yield String.join(separator, groups.stream().map(Integer::toHexString).toList())
                        + (prefix < 0 ? "" : "/" + prefix);
            }
        };
    }

    private static String dotted(long value) {
        return (value >>> 24 & 255) + "." + (value >>> 16 & 255) + "." + (value >>> 8 & 255) + "." + (value & 255);
    }
}
