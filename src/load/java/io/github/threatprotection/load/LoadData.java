package io.github.threatprotection.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.github.threatprotection.geo.MaxMindDbWriter;

/**
 * Synthetic, seeded data of the load run: the breach corpus (built once with the JAR's own command line and kept
 * under {@code target/}), City and ASN databases, IP lists and the home addresses the signing-in users come from.
 * No list entry covers a home address, so every protected sign-in goes through the whole risk score.
 */
final class LoadData {

    private static final String[] COUNTRIES = {"GB", "DE", "FR", "US", "JP", "BR", "IN", "ZA", "AU", "SE", "NO",
        "CA", "MX", "AR", "KR", "SG", "NL", "ES", "IT", "PL"};

    /** One geolocated IPv4 /24 network. */
    record Place(long network, String country, String city, int asn, double latitude, double longitude) {

        String address(int host) {
            return ipv4(network | host);
        }

        String cidr() {
            return ipv4(network) + "/24";
        }
    }

    /** Everything written to disk plus what the driver needs to know about it. */
    record Data(Path corpus, Path city, Path asn, Path reputation, List<String> alwaysAllow, List<String> alwaysBlock,
                List<Place> homes) {
    }

    private LoadData() {
    }

    static Data write(Path jar, Path directory, long corpusEntries, int geoNetworks, int listSize, int homes)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path corpus = corpus(jar, directory.resolve("corpus"), corpusEntries);
        SplittableRandom random = new SplittableRandom(8);
        List<Place> places = places(geoNetworks, random);
        Path city = directory.resolve("city.mmdb");
        Path asn = directory.resolve("asn.mmdb");
        MaxMindDbWriter cityWriter = MaxMindDbWriter.city();
        MaxMindDbWriter asnWriter = MaxMindDbWriter.asn();
        for (Place place : places) {
            cityWriter.addCity(place.cidr(), place.country(), "Country " + place.country(), place.city(),
                    place.latitude(), place.longitude(), 20);
            asnWriter.addAsn(place.cidr(), place.asn(), "Network " + place.asn());
        }
        cityWriter.write(city);
        asnWriter.write(asn);
        List<Place> homePlaces = places.subList(0, homes);
        Set<Long> homeAddresses = new HashSet<>();
        for (Place home : homePlaces) {
            homeAddresses.add(home.network() | 10);
        }
        List<String> allow = ipList(listSize, places, homeAddresses, random);
        List<String> block = ipList(listSize, places, homeAddresses, random);
        Path reputation = directory.resolve("reputation.txt");
        List<String> reputationLines = new ArrayList<>();
        reputationLines.add("# synthetic reputation list of the load run");
        reputationLines.addAll(ipList(listSize, places, homeAddresses, random));
        Files.write(reputation, reputationLines);
        return new Data(corpus, city, asn, reputation, allow, block, List.copyOf(homePlaces));
    }

    /**
     * A corpus of the given size from a generated HIBP-format file (random SHA-1s, none of them a test
     * password's), built with {@code java -jar <jar> corpus build}; kept and reused while the file exists.
     */
    static Path corpus(Path jar, Path directory, long entries) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path corpus = directory.resolve("breached-" + entries + ".corpus");
        if (Files.isRegularFile(corpus)) {
            return corpus;
        }
        Path input = directory.resolve("pwned-passwords-" + entries + ".txt");
        SplittableRandom random = new SplittableRandom(10);
        byte[] hex = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(input), 1 << 20)) {
            byte[] line = new byte[64];
            for (long i = 0; i < entries; i++) {
                int n = 0;
                for (int word = 0; word < 3; word++) {
                    long bits = random.nextLong();
                    int nibbles = word < 2 ? 16 : 8;
                    for (int k = 0; k < nibbles; k++) {
                        line[n++] = hex[(int) (bits >>> (60 - 4 * k)) & 15];
                    }
                }
                line[n++] = ':';
                for (byte digit : Integer.toString(1 + random.nextInt(5000)).getBytes(StandardCharsets.US_ASCII)) {
                    line[n++] = digit;
                }
                line[n++] = '\r';
                line[n++] = '\n';
                out.write(line, 0, n);
            }
        }
        Path log = directory.resolve("corpus-build.log");
        Path partial = directory.resolve("partial.corpus");
        Process build = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "corpus", "build", "--input", input.toString(), "--output",
                partial.toString(), "--format", "hibp-sha1", "--temp-dir", directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!build.waitFor(20, TimeUnit.MINUTES) || build.exitValue() != 0) {
            throw new IllegalStateException("corpus build failed:\n" + Files.readString(log));
        }
        Files.move(partial, corpus);
        Files.delete(input);
        return corpus;
    }

    private static List<Place> places(int count, SplittableRandom random) {
        Set<Long> seen = new HashSet<>();
        List<Place> places = new ArrayList<>(count);
        while (places.size() < count) {
            long network = (long) random.nextInt(1 << 24) << 8;
            if (!notPublic(network) && seen.add(network)) {
                String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
                places.add(new Place(network, country, "Town " + random.nextInt(500), 1000 + random.nextInt(5000),
                        -60 + 120 * random.nextDouble(), -180 + 360 * random.nextDouble()));
            }
        }
        return places;
    }

    /**
     * An IP list: 80 % IPv4 (/32, /24, /28, /20, /16), a third of those inside geolocated networks, and 20 % IPv6
     * (/128, /64, /48); entries that would cover a home address are drawn again.
     */
    private static List<String> ipList(int size, List<Place> places, Set<Long> homes, SplittableRandom random) {
        int[] v4Prefixes = {32, 32, 32, 32, 24, 24, 24, 28, 20, 16};
        int[] v6Prefixes = {128, 128, 128, 64, 64, 64, 64, 48, 48, 48};
        List<String> list = new ArrayList<>(size);
        while (list.size() < size) {
            if (random.nextInt(10) < 8) {
                int prefix = v4Prefixes[random.nextInt(v4Prefixes.length)];
                long base;
                if (random.nextInt(3) == 0) {
                    base = places.get(random.nextInt(places.size())).network() | random.nextInt(256);
                } else {
                    do {
                        base = random.nextLong() & 0xFFFF_FFFFL;
                    } while (notPublic(base));
                }
                long mask = 0xFFFF_FFFFL & ~((1L << (32 - prefix)) - 1);
                long network = base & mask;
                if (homes.stream().noneMatch(home -> (home & mask) == network)) {
                    list.add(ipv4(network) + "/" + prefix);
                }
            } else {
                int prefix = v6Prefixes[random.nextInt(v6Prefixes.length)];
                StringBuilder text = new StringBuilder(Integer.toHexString(0x2001 + random.nextInt(0x0ffe)));
                int groups = prefix / 16;
                for (int group = 1; group < groups; group++) {
                    text.append(':').append(Integer.toHexString(random.nextInt(0x10000)));
                }
                list.add(text + (groups < 8 ? "::" : "") + "/" + prefix);
            }
        }
        return list;
    }

    private static boolean notPublic(long address) {
        long a = address >>> 24;
        long b = address >>> 16 & 255;
        return a == 0 || a == 10 || a == 127 || a >= 224 || (a == 169 && b == 254) || (a == 172 && b >= 16 && b < 32)
                || (a == 192 && b == 168) || (a == 100 && b >= 64 && b < 128);
    }

    static String ipv4(long address) {
        return (address >>> 24 & 255) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "."
                + (address & 255);
    }
}
