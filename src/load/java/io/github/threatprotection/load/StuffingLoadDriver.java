package io.github.threatprotection.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;

/**
 * Credential stuffing against three realms of one server, side by side: {@code plain} (Keycloak's own flows),
 * {@code throttled} (the flows {@code POST …/threat-protection/flows} installs, ENFORCED, throttling on by
 * network, refusals held back) and {@code at-once} (the same, refusals answered at once). In each round and for
 * each realm, the realms' order rotating: phase A, 100 legitimate users sign
 * in by direct grant from networks of their own at a steady rate; phase B, the same while the attack goes on
 * through a breach-like list from 50 /24 networks, as fast as it is answered (or at a set rate), for a set time,
 * each round where the realm's previous round stopped (the list wraps). Every phase reads Keycloak's and
 * PostgreSQL's CPU from /proc, the extension's count of attempts refused before the password check, and
 * Keycloak's open file descriptors. Then,
 * with no legitimate load: what a password check costs (wrong passwords and unknown usernames in {@code plain}),
 * what a failure from a source not yet throttled costs, and what an attempt from a throttled network costs (both
 * in {@code at-once}).
 * <p>
 * Run: {@code mvn -o -Pload -DskipTests package exec:exec
 * -Dload.main=io.github.threatprotection.load.StuffingLoadDriver [-Dload.options="usernames=10000 rounds=3 ..."]}
 */
public final class StuffingLoadDriver {

    /** Keycloak's own flows; throttling as set, refusals held back; the same with refusals answered at once. */
    private static final List<String> REALMS = List.of("plain", "throttled", "at-once");
    private static final int LEGITIMATE_USERS = 100;
    /** First networks of the attack, of the warm-up and cost attempts, and of the fresh sources: x.0.k.0/24. */
    private static final long ATTACK_NETWORKS = 45L << 24;
    private static final long WARM_UP_NETWORKS = 46L << 24;
    private static final long FRESH_NETWORKS = 47L << 24;
    private static final Pattern METRIC = Pattern.compile(
            "(?m)^threat_protection_throttled_attempts_total\\{([^}]*)\\} (\\S+)$");

    private StuffingLoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = new LinkedHashMap<>();
        options.put("usernames", 10_000);
        options.put("networks", 50);
        options.put("rounds", 3);
        options.put("rate", 2);
        options.put("quietSeconds", 30);
        options.put("attackSeconds", 90);
        options.put("attackers", 8);
        // 0: as fast as answered; above 0, at most that many attempts a second
        options.put("attackRate", 0);
        options.put("failures", 5);
        options.put("members", 200);
        options.put("knownPercent", 30);
        options.put("cost", 100);
        // attackProtection.throttling.refusalDelayMillis of realm throttled (at-once has 0)
        options.put("refusalDelay", 1000);
        LoadOptions.overWholeNumbers(options, args);
        Report report = new Report(System.out);
        Path work = Path.of(KeycloakExtension.required("keycloak.work")).resolve("stuffing");
        Path jar = Path.of(KeycloakExtension.required("threatprotection.jar"));
        Path distribution = Path.of(KeycloakExtension.required("keycloak.dist"));
        report.line("# Credential-stuffing load run " + Instant.now());
        report.line("");
        report.line("Options: " + options + "; load average before setup: " + Report.loadAverage());
        LoadData.Data data = LoadData.write(jar, work.resolve("data"), 10_000, 2 * LEGITIMATE_USERS, 100,
                LEGITIMATE_USERS);
        List<String> homes = homes(data);
        Map<String, Object> throttling = Map.of("enabled", true, "scope", "NETWORK",
                "failures", options.get("failures"), "windowMinutes", 1440, "blockMinutes", 60, "action", "BLOCK",
                "refusalDelayMillis", options.get("refusalDelay"));
        Map<String, Object> atOnce = new LinkedHashMap<>(throttling);
        atOnce.put("refusalDelayMillis", 0);
        report.line("Throttled realm's settings: mode ENFORCED, attackProtection.throttling " + throttling
                + " (the rest the defaults); realm at-once the same with refusalDelayMillis 0");
        try (LoadDatabase database = LoadDatabase.start(work);
             Servers servers = Servers.start(distribution, jar, work, database, data)) {
            RunningServer server = servers.branch();
            String baseUrl = server.keycloak().baseUrl();
            AdminApi admin = new AdminApi(baseUrl);
            int members = options.get("members");
            Map<String, StuffingRealm> realms = new LinkedHashMap<>();
            for (String name : REALMS) {
                realms.put(name, new StuffingRealm(admin, baseUrl, name, homes, members,
                        name.equals("plain") ? null : Map.of("mode", "ENFORCED", "attackProtection",
                                Map.of("throttling", name.equals("at-once") ? atOnce : throttling))));
            }
            Meter meter = new Meter(server, database.postmaster());
            int networks = options.get("networks");
            BreachList attack = new BreachList(options.get("usernames"), members, options.get("knownPercent"),
                    BreachList.networks(ATTACK_NETWORKS, networks), 21);
            report.line("Set up at load average " + Report.loadAverage() + "; Keycloak's open file descriptors: "
                    + meter.fileDescriptors());

            warmUp(realms, members, options.get("attackers"));
            Run run = new Run(meter, options);
            int rounds = options.get("rounds");
            Map<String, AtomicLong> sent = new LinkedHashMap<>();
            realms.keySet().forEach(name -> sent.put(name, new AtomicLong()));
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < REALMS.size(); k++) {
                    StuffingRealm realm = realms.get(REALMS.get((round + k) % REALMS.size()));
                    run.quiet(realm, round);
                    run.underAttack(realm, round, attack, sent.get(realm.name));
                }
            }
            Map<String, Cost> costs = costs(realms, members, options, meter);
            run.write(report, costs);
            report.line("");
            report.line("Keycloak's open file descriptors after the run: " + meter.fileDescriptors()
                    + "; load average after: " + Report.loadAverage());
            report.writeTo(work);
        }
    }

    /** The legitimate users' addresses: host 10 of each home network, none of them in an attacking network. */
    private static List<String> homes(LoadData.Data data) {
        Set<Long> ours = new HashSet<>();
        for (long first : new long[] {ATTACK_NETWORKS, WARM_UP_NETWORKS, FRESH_NETWORKS}) {
            ours.add(first >>> 16);
        }
        List<String> homes = new ArrayList<>();
        for (LoadData.Place home : data.homes()) {
            if (ours.contains(home.network() >>> 16)) {
                throw new IllegalStateException("a home network among the attack's: " + home.cidr());
            }
            homes.add(home.address(10));
        }
        return homes;
    }

    /**
     * Each legitimate user signs in once in each realm, and a few wrong passwords and unknown usernames are tried
     * from the warm-up networks (four per network, under any throttle's limit), so that the JIT has compiled
     * both paths before anything is measured.
     */
    private static void warmUp(Map<String, StuffingRealm> realms, int members, int attackers) throws Exception {
        BreachList warm = new BreachList(200, members, 50, BreachList.networks(WARM_UP_NETWORKS, 50), 7);
        for (StuffingRealm realm : realms.values()) {
            StuffingRealm.Outcomes outcomes = new StuffingRealm.Outcomes();
            Samples ignored = new Samples();
            for (int user = 0; user < LEGITIMATE_USERS; user++) {
                realm.signIn(user, ignored, outcomes);
            }
            realm.attack(warm, new AtomicLong(), warm.size(), 0, attackers, 0, outcomes);
            if (outcomes.unexpected.sum() > 0) {
                throw new IllegalStateException(realm.name + ": warm-up got " + outcomes.unexpected.sum()
                        + " unexpected answers, the first: " + outcomes.first());
            }
            System.err.printf("warm-up of %s done, load %s%n", realm.name, Report.loadAverage());
        }
    }

    /** The CPU a kind of attempt costs with nothing else running. */
    private record Cost(String realm, String kind, long attempts, double keycloakMillis, double postgresMillis,
                        double seconds, long unexpected) {
    }

    /**
     * Attempts alone, no legitimate load: wrong passwords of members and unknown usernames in plain (what a
     * password check costs), failures from sources not yet throttled (three per fresh network), and attempts from
     * the attack's networks, throttled by now, both in at-once: a held-back refusal does the same work and then
     * sleeps, and the sleep would add the idle server's background to the CPU per attempt.
     */
    private static Map<String, Cost> costs(Map<String, StuffingRealm> realms, int members,
                                           Map<String, Integer> options, Meter meter) throws Exception {
        int cost = options.get("cost");
        int attackers = options.get("attackers");
        Map<String, Cost> costs = new LinkedHashMap<>();
        long[] warmNetworks = BreachList.networks(WARM_UP_NETWORKS, 50);
        costs.put("plain-known", cost(realms.get("plain"), "wrong password, member",
                new BreachList(cost, members, 100, warmNetworks, 31), cost, attackers, meter));
        costs.put("plain-unknown", cost(realms.get("plain"), "unknown username",
                new BreachList(cost, members, 0, warmNetworks, 32), cost, attackers, meter));
        costs.put("throttled-fresh", cost(realms.get("at-once"), "failure from a source not yet throttled",
                new BreachList(cost, members, options.get("knownPercent"),
                        BreachList.networks(FRESH_NETWORKS, Math.max(1, cost / 3)), 33), cost, attackers, meter));
        costs.put("throttled-throttled", cost(realms.get("at-once"), "attempt from a throttled network",
                new BreachList(options.get("usernames"), members, options.get("knownPercent"),
                        BreachList.networks(ATTACK_NETWORKS, options.get("networks")), 34), 10L * cost, attackers,
                meter));
        return costs;
    }

    private static Cost cost(StuffingRealm realm, String kind, BreachList list, long attempts, int attackers,
                             Meter meter) throws Exception {
        StuffingRealm.Outcomes outcomes = new StuffingRealm.Outcomes();
        Meter.Reading before = meter.read(realm);
        realm.attack(list, new AtomicLong(), attempts, 0, attackers, 0, outcomes);
        Meter.Reading after = meter.read(realm);
        System.err.printf("cost of %s in %s measured, load %s%n", kind, realm.name, Report.loadAverage());
        return new Cost(realm.name, kind, outcomes.attempts.sum(), after.keycloak - before.keycloak,
                after.postgres - before.postgres, (after.nanos - before.nanos) / 1e9, outcomes.unexpected.sum());
    }

    /** Reads what a phase used: Keycloak's and PostgreSQL's CPU, the throttled-attempt counter, descriptors. */
    private static final class Meter {

        private final RunningServer server;
        private final long postmaster;
        private final HttpClient http = HttpClient.newHttpClient();

        Meter(RunningServer server, long postmaster) {
            this.server = server;
            this.postmaster = postmaster;
        }

        record Reading(long nanos, double keycloak, double postgres, double driver, double refusedBeforeHash) {
        }

        Reading read(StuffingRealm realm) throws Exception {
            return new Reading(System.nanoTime(), CpuTime.ofProcessTree(server.process()),
                    CpuTime.ofProcessTree(ProcessHandle.of(postmaster).orElseThrow()),
                    CpuTime.ofProcess(ProcessHandle.current().pid()), refusedBeforeHash(realm.realmName));
        }

        /** The extension's count of the realm's attempts refused before their password was checked. */
        private double refusedBeforeHash(String realmName) throws Exception {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(server.keycloak().managementUrl()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher line = METRIC.matcher(metrics);
            double sum = 0;
            while (line.find()) {
                if (line.group(1).contains("realm=\"" + realmName + "\"")
                        && line.group(1).contains("enforced=\"true\"")) {
                    sum += Double.parseDouble(line.group(2));
                }
            }
            return sum;
        }

        long fileDescriptors() throws IOException {
            try (Stream<Path> open = Files.list(Path.of("/proc/" + server.java() + "/fd"))) {
                return open.count();
            }
        }
    }

    /** The measured phases and their totals. */
    private static final class Run {

        private final Meter meter;
        private final double rate;
        private final long quietNanos;
        private final long attackNanos;
        private final int attackers;
        private final int attackRate;
        private final List<Phase> phases = new ArrayList<>();
        private long maxDescriptors;

        Run(Meter meter, Map<String, Integer> options) {
            this.meter = meter;
            this.rate = options.get("rate");
            this.quietNanos = TimeUnit.SECONDS.toNanos(options.get("quietSeconds"));
            this.attackNanos = TimeUnit.SECONDS.toNanos(options.get("attackSeconds"));
            this.attackers = options.get("attackers");
            this.attackRate = options.get("attackRate");
        }

        void quiet(StuffingRealm realm, int round) throws Exception {
            Phase phase = new Phase(realm.name, "A", round);
            Meter.Reading before = meter.read(realm);
            StuffingRealm.Steady steady = realm.steady(rate, phase.legitimate, phase.legitimateOutcomes);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(quietNanos));
            steady.stop();
            finish(phase, realm, before);
        }

        void underAttack(StuffingRealm realm, int round, BreachList list, AtomicLong sent) throws Exception {
            Phase phase = new Phase(realm.name, "B", round);
            Meter.Reading before = meter.read(realm);
            StuffingRealm.Steady steady = realm.steady(rate, phase.legitimate, phase.legitimateOutcomes);
            realm.attack(list, sent, 0, attackNanos, attackers, attackRate, phase.attack);
            steady.stop();
            finish(phase, realm, before);
        }

        private void finish(Phase phase, StuffingRealm realm, Meter.Reading before) throws Exception {
            Meter.Reading after = meter.read(realm);
            phase.seconds = (after.nanos - before.nanos) / 1e9;
            phase.keycloak = after.keycloak - before.keycloak;
            phase.postgres = after.postgres - before.postgres;
            phase.driver = after.driver - before.driver;
            phase.refusedBeforeHash = after.refusedBeforeHash - before.refusedBeforeHash;
            phase.descriptors = meter.fileDescriptors();
            phase.load = Report.loadAverage();
            maxDescriptors = Math.max(maxDescriptors, phase.descriptors);
            phases.add(phase);
            System.err.printf("%s phase %s round %d: %.1f s, legitimate %d (p50 %s ms, refused %d), attack %d"
                            + " (refused before the hash %.0f), Keycloak CPU %.0f ms, fds %d, load %s%n",
                    phase.realm, phase.kind, phase.round + 1, phase.seconds, phase.legitimate.count(),
                    millis(phase.legitimate, 0.5), phase.legitimateOutcomes.unexpected.sum(),
                    phase.attack.attempts.sum(), phase.refusedBeforeHash, phase.keycloak, phase.descriptors,
                    phase.load);
        }

        void write(Report report, Map<String, Cost> costs) {
            report.line("");
            report.line("## Phases, in the order run");
            report.line("");
            report.line("| Realm | Phase | Round | Seconds | Legitimate sign-ins | p50 ms | p99 ms | refused |"
                    + " Attack attempts | answered before any hash | Keycloak CPU ms | PostgreSQL CPU ms |"
                    + " driver CPU ms | Keycloak fds | load average |");
            report.line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
                    + " --- |");
            for (Phase p : phases) {
                report.line(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %d | %s | %s | %d | %d | %.0f |"
                                + " %.0f | %.0f | %.0f | %d | %s |", p.realm, p.kind, p.round + 1, p.seconds,
                        p.legitimate.count(), millis(p.legitimate, 0.5), millis(p.legitimate, 0.99),
                        p.legitimateOutcomes.unexpected.sum(), p.attack.attempts.sum(), p.refusedBeforeHash,
                        p.keycloak, p.postgres, p.driver, p.descriptors, p.load));
            }
            Map<String, Cost> byKey = costs;
            report.line("");
            report.line("## Attempts alone (no legitimate load)");
            report.line("");
            report.line("| Realm | Attempt | Attempts | Keycloak CPU ms per attempt | PostgreSQL CPU ms per attempt |"
                    + " attempts per second | unexpected answers |");
            report.line("| --- | --- | --- | --- | --- | --- | --- |");
            for (Cost c : byKey.values()) {
                report.line(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.0f | %d |", c.realm, c.kind,
                        c.attempts, c.keycloakMillis / c.attempts, c.postgresMillis / c.attempts,
                        c.attempts / c.seconds, c.unexpected));
            }
            double passwordCheck = byKey.get("plain-known").keycloakMillis / byKey.get("plain-known").attempts;
            Cost throttledAlone = byKey.get("throttled-throttled");
            double throttledAttempt = throttledAlone.keycloakMillis / throttledAlone.attempts;
            report.line("");
            report.line("## Per realm");
            report.line("");
            report.line("\"Once throttled\": rounds 2 and later, when the attack's networks have passed the"
                    + " throttle's limit. Keycloak CPU per attack attempt under attack is the phase's CPU less the"
                    + " legitimate sign-ins' share at the same realm's phase-A cost per sign-in.");
            report.line("");
            report.line("| Realm | Legitimate p50 ms without attack | under attack (all rounds) | once throttled"
                    + " (rounds 2+) | p99 ms without | under attack | rounds 2+ | legitimate refused |"
                    + " attack attempts | answered before any hash | Keycloak CPU ms per legitimate sign-in |"
                    + " Keycloak CPU ms per attack attempt (all rounds) | rounds 2+ |");
            report.line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            for (String realm : REALMS) {
                Totals quiet = totals(realm, "A", 0);
                Totals attacked = totals(realm, "B", 0);
                Totals later = totals(realm, "B", 1);
                double perSignIn = quiet.keycloak / quiet.legitimate.count();
                report.line(String.format(Locale.ROOT, "| %s | %s | %s (%s) | %s (%s) | %s | %s (%s) | %s (%s) |"
                                + " %d of %d | %d | %d (%.1f %%) | %.1f | %.2f | %.2f |", realm,
                        millis(quiet.legitimate, 0.5), millis(attacked.legitimate, 0.5),
                        change(attacked.legitimate, quiet.legitimate, 0.5), millis(later.legitimate, 0.5),
                        change(later.legitimate, quiet.legitimate, 0.5), millis(quiet.legitimate, 0.99),
                        millis(attacked.legitimate, 0.99), change(attacked.legitimate, quiet.legitimate, 0.99),
                        millis(later.legitimate, 0.99), change(later.legitimate, quiet.legitimate, 0.99),
                        quiet.refused + attacked.refused, quiet.requests + attacked.requests, attacked.attempts,
                        Math.round(attacked.refusedBeforeHash), 100 * attacked.refusedBeforeHash
                                / Math.max(1, attacked.attempts), perSignIn,
                        attacked.attackCpu(perSignIn), later.attackCpu(perSignIn)));
            }
            report.line("");
            report.line(String.format(Locale.ROOT, "A password check (a member's wrong password in plain, alone):"
                    + " %.2f ms of Keycloak CPU; an attempt from a throttled network alone: %.3f ms, 1/%.0f of"
                    + " it (goal at most 1/20).", passwordCheck, throttledAttempt, passwordCheck / throttledAttempt));
            report.line("Most open file descriptors Keycloak held at the end of a phase: " + maxDescriptors + ".");
        }

        /** Sums of a realm's phases of a kind, from round {@code fromRound} on. */
        private Totals totals(String realm, String kind, int fromRound) {
            Totals totals = new Totals();
            for (Phase p : phases) {
                if (p.realm.equals(realm) && p.kind.equals(kind) && p.round >= fromRound) {
                    totals.legitimate.addAll(p.legitimate);
                    totals.refused += p.legitimateOutcomes.unexpected.sum();
                    totals.requests += p.legitimate.count() + p.legitimateOutcomes.unexpected.sum();
                    totals.attempts += p.attack.attempts.sum();
                    totals.refusedBeforeHash += p.refusedBeforeHash;
                    totals.keycloak += p.keycloak;
                }
            }
            return totals;
        }
    }

    private static final class Totals {
        final Samples legitimate = new Samples();
        long refused;
        long requests;
        long attempts;
        double refusedBeforeHash;
        double keycloak;

        /** Keycloak CPU per attack attempt: all of it less the legitimate sign-ins' share. */
        double attackCpu(double perSignIn) {
            return (keycloak - legitimate.count() * perSignIn) / Math.max(1, attempts);
        }
    }

    private static final class Phase {
        final String realm;
        final String kind;
        final int round;
        final Samples legitimate = new Samples();
        final StuffingRealm.Outcomes legitimateOutcomes = new StuffingRealm.Outcomes();
        final StuffingRealm.Outcomes attack = new StuffingRealm.Outcomes();
        double seconds;
        double keycloak;
        double postgres;
        double driver;
        double refusedBeforeHash;
        long descriptors;
        String load;

        Phase(String realm, String kind, int round) {
            this.realm = realm;
            this.kind = kind;
            this.round = round;
        }
    }

    private static String millis(Samples samples, double p) {
        return samples.count() == 0 ? "–" : String.format(Locale.ROOT, "%.1f", samples.percentileMillis(p));
    }

    private static String change(Samples samples, Samples base, double p) {
        return samples.count() == 0 || base.count() == 0 ? "–"
                : String.format(Locale.ROOT, "%+.0f %%", 100 * (samples.ratio(base, p) - 1));
    }
}
