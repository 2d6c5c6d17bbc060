package io.github.threatprotection.load;

import java.util.SplittableRandom;

/**
 * A breach-like list of the stuffing run, seeded: a share of the usernames name members of the realm (tried with
 * a wrong password), the rest name nobody. Entry {@code i} is sent from network {@code i mod networks}, its host
 * moving through the /24 as the list goes on, so no address repeats within 254 rounds of the networks. Indexes
 * past the end wrap.
 */
final class BreachList {

    private final String[] usernames;
    private final long[] networks;

    /**
     * @param members       the realm's members, {@code member-0} to {@code member-(members-1)}
     * @param knownPercent  how many entries in 100 name a member
     * @param networks      the sending /24 networks, as IPv4 addresses with the last byte 0
     */
    BreachList(int size, int members, int knownPercent, long[] networks, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        this.usernames = new String[size];
        this.networks = networks.clone();
        for (int i = 0; i < size; i++) {
            usernames[i] = random.nextInt(100) < knownPercent ? StuffingRealm.member(random.nextInt(members))
                    : "leaked-" + Long.toString(random.nextLong() >>> 20, 36) + "@example.net";
        }
    }

    int size() {
        return usernames.length;
    }

    String username(long i) {
        return usernames[(int) (i % usernames.length)];
    }

    /** Never a member's password. */
    String password(long i) {
        return "Summer" + (i % usernames.length) + "!";
    }

    String address(long i) {
        long network = networks[(int) (i % networks.length)];
        return LoadData.ipv4(network | (1 + (i / networks.length) % 254));
    }

    /** {@code count} consecutive /24 networks starting at {@code first} (an address with last byte 0). */
    static long[] networks(long first, int count) {
        long[] networks = new long[count];
        for (int i = 0; i < count; i++) {
            networks[i] = first + ((long) i << 8);
        }
        return networks;
    }
}
