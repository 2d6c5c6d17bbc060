package io.github.threatprotection.risk;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.threatprotection.decision.SignInRiskEvaluator;
import io.github.threatprotection.geo.GeoLocation;
import io.github.threatprotection.geo.GeoLocator;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.RiskBenchData.Net;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * Latency of the work one sign-in costs the extension apart from database I/O: the client's address parsed with
 * its networks, its geolocation (City and ASN MaxMind DB files), the IP exception lists (10,000 CIDRs each) and
 * the risk score against 50 earlier sign-ins. Each invocation takes the next address of a pre-generated, shuffled
 * array that mixes located, listed, unknown and private addresses. The parts are also measured alone, on
 * addresses parsed at setup, with baselines (10-entry lists, the sign-in without geolocation), so that ratios
 * come from the same run.
 *
 * <p>Data is synthetic and seeded; the MaxMind DB files are written at setup to {@code <bench.dir>/geo}
 * ({@code bench.dir} defaults to {@code target/bench}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 4)
@Measurement(iterations = 5, time = 3)
@State(Scope.Thread)
public class RiskEvaluationBenchmark {

    static final int IPV4_GEO_NETWORKS = 100_000;
    static final int IPV6_GEO_NETWORKS = 20_000;
    /**
     * The City file holds only part of the networks: the test writer's 24-bit records and undeduplicated data
     * (about 133 bytes per City record) cannot address 120,000 City records. The rest are known to ASN only.
     */
    static final int IPV4_CITY_NETWORKS = 85_000;
    static final int IPV6_CITY_NETWORKS = 17_000;
    static final int LIST_SIZE = 10_000;
    static final int SMALL_LIST_SIZE = 10;
    static final int HISTORY = 50;
    static final int ADDRESSES = 1 << 14;

    private final SignInRiskEvaluator evaluator = new SignInRiskEvaluator();
    private final RiskScorer scorer = new RiskScorer();

    private GeoLocator geo;
    private ThreatProtectionSettings settings;
    private ThreatProtectionSettings smallListSettings;
    private IpRangeSet alwaysBlock;
    private IpRangeSet smallAlwaysBlock;
    private RiskScorer.Context context;
    private Instant now;
    private String[] addresses;
    private ClientAddress[] clients;
    private String[] devices;
    private SignInObservation[] observations;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(20_260_101);
        List<Net> ipv4 = RiskBenchData.ipv4Slash24s(IPV4_GEO_NETWORKS, random);
        List<Net> ipv6 = RiskBenchData.ipv6Slash48s(IPV6_GEO_NETWORKS, random);
        List<Net> geoNets = new ArrayList<>(ipv4);
        geoNets.addAll(ipv6);
        List<Net> cityNets = new ArrayList<>(ipv4.subList(0, IPV4_CITY_NETWORKS));
        cityNets.addAll(ipv6.subList(0, IPV6_CITY_NETWORKS));

        Path dir = Path.of(System.getProperty("bench.dir", "target/bench")).resolve("geo").toAbsolutePath();
        Path city = dir.resolve("bench-city.mmdb");
        Path asn = dir.resolve("bench-asn.mmdb");
        long started = System.nanoTime();
        RiskBenchData.writeGeoDatabases(cityNets, geoNets, city, asn, new SplittableRandom(1));
        System.out.printf("%nwrote %s (%,d bytes) and %s (%,d bytes) in %d ms%n", city, city.toFile().length(), asn,
                asn.toFile().length(), (System.nanoTime() - started) / 1_000_000);
        // The check interval is long enough that no file check falls inside a measurement
        geo = new GeoLocator(city, asn, null, Duration.ofHours(1), Clock.systemUTC());

        List<Net> block = RiskBenchData.exceptionList(LIST_SIZE, geoNets, random);
        List<Net> allow = RiskBenchData.exceptionList(LIST_SIZE, geoNets, random);
        alwaysBlock = RiskBenchData.rangeSet(block);
        IpRangeSet alwaysAllow = RiskBenchData.rangeSet(allow);
        smallAlwaysBlock = RiskBenchData.rangeSet(block.subList(0, SMALL_LIST_SIZE));
        IpRangeSet smallAlwaysAllow = RiskBenchData.rangeSet(allow.subList(0, SMALL_LIST_SIZE));
        ThreatProtectionSettings enforced = ThreatProtectionSettings.DEFAULTS
                .withMode(io.github.threatprotection.settings.Mode.ENFORCED);
        settings = enforced.withIpExceptions(new ThreatProtectionSettings.IpExceptions(alwaysAllow, alwaysBlock));
        smallListSettings = enforced.withIpExceptions(
                new ThreatProtectionSettings.IpExceptions(smallAlwaysAllow, smallAlwaysBlock));

        Set<Long> geoIpv4 = new HashSet<>();
        geoNets.stream().filter(Net::ipv4).forEach(net -> geoIpv4.add(net.lo()));
        addresses = RiskBenchData.clientAddresses(ADDRESSES, geoNets, block, allow, geoIpv4, random);
        clients = new ClientAddress[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            clients[i] = ClientAddress.of(addresses[i]);
        }

        now = Instant.parse("2026-01-15T12:00:00Z");
        context = new RiskScorer.Context(history(random), false, null, Map.of(), 0, 0);
        devices = new String[ADDRESSES];
        observations = new SignInObservation[ADDRESSES];
        int located = 0;
        int withAsn = 0;
        int blocked = 0;
        int allowed = 0;
        int[] levels = new int[RiskLevel.values().length];
        for (int i = 0; i < ADDRESSES; i++) {
            // Half the sign-ins bring one of the user's device cookies, the rest none
            devices[i] = random.nextBoolean() ? "device-" + random.nextInt(4) : null;
            GeoLocation where = geo.locate(clients[i]);
            observations[i] = observe(clients[i], where, devices[i]);
            located += where.country() != null ? 1 : 0;
            withAsn += where.asn() != null ? 1 : 0;
            RiskAssessment assessment = evaluator.evaluate(settings, clients[i], false, null);
            blocked += assessment.override() == IpOverride.ALWAYS_BLOCK ? 1 : 0;
            allowed += assessment.override() == IpOverride.ALWAYS_ALLOW ? 1 : 0;
            levels[scorer.score(RiskScoring.DEFAULTS, observations[i], context).level().ordinal()]++;
        }
        System.out.printf("addresses: %s, %s, %s, %s; score levels LOW/MEDIUM/HIGH %d/%d/%d%n",
                RiskBenchData.describe("located (City)", located, ADDRESSES),
                RiskBenchData.describe("with ASN", withAsn, ADDRESSES),
                RiskBenchData.describe("alwaysBlock", blocked, ADDRESSES),
                RiskBenchData.describe("alwaysAllow", allowed, ADDRESSES), levels[0], levels[1], levels[2]);
        if (located < ADDRESSES / 2 || blocked == 0 || allowed == 0) {
            throw new IllegalStateException("the generated data does not exercise every path");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        geo.close();
    }

    /**
     * 50 earlier successful sign-ins, newest first, from five of the generated addresses that the databases
     * locate, with four device cookies; the newest was two hours before {@link #now}.
     */
    private List<SignInObservation> history(SplittableRandom random) {
        List<ClientAddress> usual = new ArrayList<>();
        for (int i = 0; usual.size() < 5; i++) {
            if (geo.locate(clients[i]).hasPosition()) {
                usual.add(clients[i]);
            }
        }
        List<SignInObservation> history = new ArrayList<>(HISTORY);
        for (int i = 0; i < HISTORY; i++) {
            ClientAddress address = usual.get(random.nextInt(usual.size()));
            SignInObservation where = observe(address, geo.locate(address), "device-" + random.nextInt(4));
            history.add(new SignInObservation(now.minus(Duration.ofHours(2 + 12L * i)), where.ipAddress(),
                    where.network(), where.country(), where.asn(), where.latitude(), where.longitude(),
                    where.accuracyRadiusKm(), where.deviceId(), i % 17 == 16));
        }
        return List.copyOf(history);
    }

    private SignInObservation observe(ClientAddress address, GeoLocation where, String device) {
        return new SignInObservation(now, address.text(), address.network(), where.country(), where.asn(),
                where.latitude(), where.longitude(), where.accuracyRadiusKm(), device, false);
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (ADDRESSES - 1);
        return i;
    }

    /** The whole: the address parsed with its networks, geolocation, IP exception lists and score. */
    @Benchmark
    public Object signIn() {
        int i = nextIndex();
        ClientAddress address = ClientAddress.of(addresses[i]);
        GeoLocation where = geo.locate(address);
        RiskAssessment lists = evaluator.evaluate(settings, address, false, null);
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, observe(address, where, devices[i]), context);
        return lists.override() != null ? lists : score;
    }

    /** Baseline: the same without geolocation (the scorer then sees no country, ASN or position). */
    @Benchmark
    public Object signInWithoutGeo() {
        int i = nextIndex();
        ClientAddress address = ClientAddress.of(addresses[i]);
        RiskAssessment lists = evaluator.evaluate(settings, address, false, null);
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, observe(address, GeoLocation.UNKNOWN, devices[i]),
                context);
        return lists.override() != null ? lists : score;
    }

    /** The one parse of a sign-in: the address and its two networks. */
    @Benchmark
    public Object clientAddress() {
        return ClientAddress.of(addresses[nextIndex()]);
    }

    @Benchmark
    public Object locate() {
        return geo.locate(clients[nextIndex()]);
    }

    /** Both 10,000-entry lists, as the evaluator applies them (block, then allow). */
    @Benchmark
    public Object ipLists10k() {
        return evaluator.evaluate(settings, clients[nextIndex()], false, null);
    }

    /** Baseline: the same with 10-entry lists. */
    @Benchmark
    public Object ipLists10() {
        return evaluator.evaluate(smallListSettings, clients[nextIndex()], false, null);
    }

    /** One {@code IpRangeSet.match} on the 10,000-entry alwaysBlock list. */
    @Benchmark
    public Object match10k() {
        return alwaysBlock.match(clients[nextIndex()]);
    }

    /** Baseline: one match on a 10-entry list (its first 10 entries). */
    @Benchmark
    public Object match10() {
        return smallAlwaysBlock.match(clients[nextIndex()]);
    }

    /** The score alone, on observations prepared at setup (network and location already known). */
    @Benchmark
    public Object score() {
        return scorer.score(RiskScoring.DEFAULTS, observations[nextIndex()], context);
    }
}
