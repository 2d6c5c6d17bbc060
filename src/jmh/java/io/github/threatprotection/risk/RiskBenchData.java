package io.github.threatprotection.risk;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;

/**
 * Synthetic, seeded inputs of {@link RiskEvaluationBenchmark}: the networks of the two MaxMind DB files, the
 * IP exception lists and the client addresses the benchmark cycles through.
 *
 * <p>Addresses are kept as two longs (the high and low 64 bits of an IPv6 address; an IPv4 address is just the
 * low 32 bits of {@code lo} with {@code hi == -1} as a marker) so that ranges and addresses inside them can be
 * drawn without any parsing library; they are turned into text only at the end.
 */
final class RiskBenchData {

    /** An IPv4 (hi == -1) or IPv6 network: the first address and the prefix length. */
    record Net(long hi, long lo, int prefix) {

        boolean ipv4() {
            return hi == -1;
        }

        String cidr() {
            return format(hi, lo) + "/" + prefix;
        }

        /** A random address inside the network. */
        String randomAddress(SplittableRandom random) {
            if (ipv4()) {
                long hostBits = 32 - prefix;
                long host = hostBits == 0 ? 0 : random.nextLong() & ((1L << hostBits) - 1);
                return format(-1, lo | host);
            }
            long hostHi = prefix >= 64 ? 0 : random.nextLong() & lowMask(64 - prefix);
            long hostLo = prefix >= 128 ? 0 : random.nextLong() & lowMask(Math.min(64, 128 - prefix));
            return format(hi | hostHi, lo | hostLo);
        }
    }

    private static final String[] COUNTRIES = {"GB", "DE", "FR", "US", "JP", "BR", "IN", "ZA", "AU", "SE", "NO",
        "CA", "MX", "AR", "CN", "KR", "SG", "NL", "ES", "IT", "PL", "UA", "TR", "EG", "NG", "KE", "NZ", "CL", "PE",
        "ID"};

    private RiskBenchData() {
    }

    static long lowMask(int bits) {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }

    static String format(long hi, long lo) {
        if (hi == -1) {
            return (lo >>> 24 & 255) + "." + (lo >>> 16 & 255) + "." + (lo >>> 8 & 255) + "." + (lo & 255);
        }
        StringBuilder text = new StringBuilder(39);
        for (int group = 0; group < 8; group++) {
            long word = group < 4 ? hi : lo;
            int shift = 48 - 16 * (group % 4);
            if (group > 0) {
                text.append(':');
            }
            text.append(Long.toHexString(word >>> shift & 0xFFFF));
        }
        return text.toString();
    }

    /** Whether an IPv4 address is one that GeoLocator would not look up (private, loopback, multicast...). */
    static boolean ipv4NotPublic(long address) {
        long a = address >>> 24;
        long b = address >>> 16 & 255;
        return a == 0 || a == 10 || a == 127 || a >= 224 || (a == 169 && b == 254) || (a == 172 && b >= 16 && b < 32)
                || (a == 192 && b == 168);
    }

    /** Distinct public IPv4 /24 networks. */
    static List<Net> ipv4Slash24s(int count, SplittableRandom random) {
        Set<Long> seen = new HashSet<>();
        List<Net> nets = new ArrayList<>(count);
        while (nets.size() < count) {
            long network = (long) random.nextInt(1 << 24) << 8;
            if (!ipv4NotPublic(network) && seen.add(network)) {
                nets.add(new Net(-1, network, 24));
            }
        }
        return nets;
    }

    /** Distinct IPv6 /48 networks in 2001::/16 … 2fff::/16. */
    static List<Net> ipv6Slash48s(int count, SplittableRandom random) {
        Set<Long> seen = new HashSet<>();
        List<Net> nets = new ArrayList<>(count);
        while (nets.size() < count) {
            long first = 0x2001 + random.nextInt(0x2fff - 0x2001 + 1);
            long hi = first << 48 | (random.nextLong() & 0xFFFF_FFFFL) << 16;
            if (seen.add(hi)) {
                nets.add(new Net(hi, 0, 48));
            }
        }
        return nets;
    }

    /**
     * An IP exception list of the given size: 80 % IPv4 (mostly /32 and /24, the rest /16, /20 or /28), 20 % IPv6
     * (mostly /128, /64 and /48). About a third of the entries lie inside the geolocated networks, the rest
     * anywhere in public space, so a listed address is sometimes also located.
     */
    static List<Net> exceptionList(int size, List<Net> geoNets, SplittableRandom random) {
        List<Net> nets = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            boolean insideGeo = random.nextInt(3) == 0;
            if (random.nextInt(10) < 8) {
                int prefix = pick(random, new int[] {32, 32, 32, 32, 24, 24, 24, 16, 20, 28});
                long base;
                if (insideGeo) {
                    Net geo = ipv4Of(geoNets, random);
                    base = geo.lo() | (random.nextLong() & 255);
                } else {
                    do {
                        base = random.nextLong() & 0xFFFF_FFFFL;
                    } while (ipv4NotPublic(base));
                }
                long mask = ~lowMask(32 - prefix) & 0xFFFF_FFFFL;
                nets.add(new Net(-1, base & mask, prefix));
            } else {
                int prefix = pick(random, new int[] {128, 128, 128, 64, 64, 64, 64, 48, 48, 56});
                long hi;
                if (insideGeo) {
                    Net geo = ipv6Of(geoNets, random);
                    hi = geo.hi() | (random.nextLong() & 0xFFFF);
                } else {
                    hi = (0x2001L + random.nextInt(0x0ffe)) << 48 | (random.nextLong() & lowMask(48));
                }
                long lo = random.nextLong();
                long hiMask = prefix >= 64 ? -1L : ~lowMask(64 - prefix);
                long loMask = prefix >= 128 ? -1L : prefix <= 64 ? 0 : ~lowMask(128 - prefix);
                nets.add(new Net(hi & hiMask, lo & loMask, prefix));
            }
        }
        return nets;
    }

    static IpRangeSet rangeSet(List<Net> nets) {
        List<IpRange> ranges = new ArrayList<>(nets.size());
        for (Net net : nets) {
            ranges.add(IpRange.parse(net.cidr()));
        }
        return IpRangeSet.of(ranges);
    }

    private static Net ipv4Of(List<Net> nets, SplittableRandom random) {
        Net net;
        do {
            net = nets.get(random.nextInt(nets.size()));
        } while (!net.ipv4());
        return net;
    }

    private static Net ipv6Of(List<Net> nets, SplittableRandom random) {
        Net net;
        do {
            net = nets.get(random.nextInt(nets.size()));
        } while (net.ipv4());
        return net;
    }

    private static int pick(SplittableRandom random, int[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /**
     * Client addresses, shuffled: 55 % IPv4 and 15 % IPv6 inside the geolocated networks, 10 % inside
     * alwaysBlock entries, 10 % inside alwaysAllow entries, 5 % public IPv4 outside the databases and 5 %
     * private addresses (10/8, 192.168/16, fd00::/8), which GeoLocator does not look up.
     */
    static String[] clientAddresses(int count, List<Net> geoNets, List<Net> block, List<Net> allow,
                                    Set<Long> geoIpv4Networks, SplittableRandom random) {
        String[] addresses = new String[count];
        for (int i = 0; i < count; i++) {
            int slot = random.nextInt(100);
            String address;
            if (slot < 55) {
                address = ipv4Of(geoNets, random).randomAddress(random);
            } else if (slot < 70) {
                address = ipv6Of(geoNets, random).randomAddress(random);
            } else if (slot < 80) {
                address = block.get(random.nextInt(block.size())).randomAddress(random);
            } else if (slot < 90) {
                address = allow.get(random.nextInt(allow.size())).randomAddress(random);
            } else if (slot < 95) {
                long a;
                do {
                    a = random.nextLong() & 0xFFFF_FFFFL;
                } while (ipv4NotPublic(a) || geoIpv4Networks.contains(a & ~255L));
                address = format(-1, a);
            } else {
                address = switch (random.nextInt(3)) {
                    case 0 -> format(-1, 10L << 24 | (random.nextLong() & 0xFF_FFFFL));
                    case 1 -> format(-1, 192L << 24 | 168L << 16 | (random.nextLong() & 0xFFFFL));
                    default -> format(0xFD00_0000_0000_0000L | (random.nextLong() & lowMask(56)), random.nextLong());
                };
            }
            addresses[i] = address;
        }
        return addresses;
    }

    /**
     * Writes a City database with one record per network of {@code cityNets} and an ASN database with one per
     * network of {@code asnNets}, through the test-only {@code geo.MaxMindDbWriter}. That class is
     * package-private in another package, so it is driven by reflection (the benchmark runs on the class path,
     * where this is allowed).
     */
    static void writeGeoDatabases(List<Net> cityNets, List<Net> asnNets, Path city, Path asn,
                                  SplittableRandom random) throws IOException {
        try {
            Class<?> writerClass = Class.forName("io.github.threatprotection.geo.MaxMindDbWriter");
            Constructor<?> constructor = writerClass.getDeclaredConstructor(String.class);
            constructor.setAccessible(true);
            Method addCity = writerClass.getDeclaredMethod("addCity", String.class, String.class, String.class,
                    String.class, double.class, double.class, int.class);
            Method addAsn = writerClass.getDeclaredMethod("addAsn", String.class, int.class, String.class);
            Method write = writerClass.getDeclaredMethod("write", Path.class);
            addCity.setAccessible(true);
            addAsn.setAccessible(true);
            write.setAccessible(true);
            Object cities = constructor.newInstance("GeoLite2-City");
            for (Net net : cityNets) {
                String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
                addCity.invoke(cities, net.cidr(), country, "Country " + country, "Town " + random.nextInt(500),
                        -60 + random.nextDouble() * 130, -180 + random.nextDouble() * 360, pickRadius(random));
            }
            Object networks = constructor.newInstance("GeoLite2-ASN");
            for (Net net : asnNets) {
                int number = 1000 + random.nextInt(60_000);
                addAsn.invoke(networks, net.cidr(), number, "Operator " + number);
            }
            Files.createDirectories(city.getParent());
            write.invoke(cities, city);
            write.invoke(networks, asn);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("MaxMindDbWriter failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the test classes (geo.MaxMindDbWriter) must be on the class path", e);
        }
    }

    private static int pickRadius(SplittableRandom random) {
        return new int[] {5, 10, 20, 50, 100, 200, 500, 1000}[random.nextInt(8)];
    }

    static String describe(String label, long part, long whole) {
        return String.format(Locale.ROOT, "%s %d of %d (%.1f %%)", label, part, whole, 100.0 * part / whole);
    }
}
