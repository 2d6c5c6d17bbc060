package io.github.threatprotection.it;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.notification.NotificationSender;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.DistributionKeycloakServer;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestRealm;

/**
 * What protection costs a real sign-in: real browser-flow sign-ins (login page, form POST, redirect with the code,
 * code exchange) against the test server (the same distribution, options and JAR as the integration tests) on an
 * embedded PostgreSQL, for several realms interleaved in one run, so background noise hits all alike:
 * <ul>
 *   <li>A: Keycloak's own browser flow;</li>
 *   <li>B: the {@code threat-protection} step in AUDIT mode, default settings;</li>
 *   <li>C: ENFORCED with every signal: 1e7-entry breach corpus, City and ASN databases, 10,000-entry alwaysAllow
 *       and alwaysBlock lists and a 10,000-entry reputation list, 1,000 earlier sign-ins per user, NO_ACTION with
 *       a notification e-mail at every level, so each sign-in completes and sends a mail;</li>
 *   <li>C-quiet (with option {@code quiet=true}): C without notifications ({@code notify: false} at every
 *       level);</li>
 *   <li>C10, C100k, C1M (concurrency 1 only, half batches): C with 10 or 100,000 earlier sign-ins for the user,
 *       or 1,000 for the user among 1,000,000 events in the realm;</li>
 *   <li>C-main and A-main (with option {@code baseline=<jar>}): realms C and A signed in through a second server
 *       that runs another JAR on the same database, for a before/after comparison of a change in the same run:
 *       each JAR's added cost is taken against plain Keycloak on its own server.</li>
 * </ul>
 * The step's own time comes from the extension's timer in each server's /metrics.
 * Earlier sign-ins are copies of the user's real first event, inserted with SQL before the run; after each batch
 * of a C realm the events it added are deleted again (outside the timed part; pending notifications are kept), so
 * a user's history stays at its size. Then, one realm at a time, the SQL statements per sign-in are counted from
 * PostgreSQL's statement log. The CPU time Linux accounts to each process (Keycloak, PostgreSQL, the driver) is
 * read before and after every measured batch, for the CPU a sign-in costs and where. Mail goes to an
 * {@link SmtpSink} that keeps nothing, so the mail server's work is not charged to the sign-ins. Prints Markdown
 * tables and writes them to {@code target/load/results-*.md}.
 * <p>
 * Options as {@code key=value} arguments: signins (per realm and concurrency, after warm-up), warmup, batch (per
 * thread), concurrency (e.g. {@code 1,8}), curve (true/false), writes (sign-ins per realm for the statement
 * count), corpus (entries), baseline (path of a second JAR, empty for none), quiet (true/false: realm C-quiet),
 * smtp ({@code sink}, or {@code greenmail} for the tests' SMTP server), jit (at most this many minutes of sign-ins
 * at concurrency 8 before anything is measured, until the step runs as C2 code on every server; 0: none),
 * failures (an attack: that many failed sign-ins from each network realm C's users sign in from, for 20,000
 * usernames, dated inside the velocity window for the whole run; 0: none).
 */
public final class LoadDriver {

    static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";
    private static final List<String> CURVE_POINTS = List.of("C10", "C100k", "C1M");
    /** The application names the two servers' database connections carry, so the statement log tells them apart. */
    private static final String BRANCH_SERVER = "kc-branch";
    private static final String BASELINE_SERVER = "kc-baseline";
    private static final int USERS = 8;
    private static final long MINUTE = 60_000;
    private static final int BOOTSTRAP_ROUNDS = 2000;
    private static final String SIGN_IN_THREAD = "load-sign-in-";
    private static final String[] SIGN_IN_THREADS = {SIGN_IN_THREAD};
    private static final String[] NOTIFICATION_THREADS = {NotificationSender.THREAD_NAME};
    /** CPU counters read per server: the process tree, its notification thread, GC threads, JIT threads. */
    private static final int SERVER_CPU = 4;
    /** HotSpot's names for G1's threads and for the JIT compilers' threads. */
    private static final String[] GC_THREADS = {"GC Thread", "G1 "};
    private static final String[] JIT_THREADS = {"C1 CompilerThread", "C2 CompilerThread"};
    private static final List<String> CPU_COLUMNS = List.of("Keycloak serving the realm",
            "of which its notification thread", "of which GC threads", "of which JIT compiler threads",
            "PostgreSQL", "driver: browsers", "driver: rest (SMTP sink, GC, JIT)", "the other Keycloak (idle)");

    private final Map<String, String> options;
    private final PrintStream out;
    private final StringBuilder report = new StringBuilder();
    private EmbeddedPostgres postgres;
    private Connection db;
    private Path postgresLog;
    private DistributionKeycloakServer server;
    /** With option baseline: a second server with another JAR (e.g. main's), on the same database and realms. */
    private DistributionKeycloakServer baselineServer;
    /** The Java processes of the two servers and PostgreSQL's postmaster, whose CPU time is counted per batch. */
    private long serverJava;
    private long baselineJava = -1;
    private long postmaster;
    /** The realms' SMTP server: the sink by default, GreenMail (as in the tests) with option smtp=greenmail. */
    private SmtpSink smtpSink;
    private Mailbox mailbox;
    private final ExecutorService threads = Executors.newFixedThreadPool(USERS, new ThreadFactory() {
        private int created;

        @Override
        public synchronized Thread newThread(Runnable task) {
            return new Thread(task, SIGN_IN_THREAD + created++);
        }
    });
    /** Per realm and concurrency: the step's duration histogram over the measured sign-ins (count, sum, buckets). */
    private final Map<String, double[]> stepTimes = new LinkedHashMap<>();
    private final List<Double> bucketBounds = new ArrayList<>();
    /** Per realm and concurrency: measured sign-ins, then CPU milliseconds in the order of {@link #CPU_COLUMNS}. */
    private final Map<String, double[]> cpu = new LinkedHashMap<>();

    /** One realm under load, with a browser (own cookie jar, own connection) and a user per thread. */
    private static final class Config {
        final String name;
        final TestRealm realm;
        final String realmId;
        final KeycloakServer server;
        final Browser[] browsers = new Browser[USERS];
        /** For C realms: events at or after this time are the run's own and are deleted after each batch. */
        long runStart = -1;

        Config(String name, TestRealm realm, String realmId, List<LoadData.Place> homes, KeycloakServer server) {
            this.name = name;
            this.realm = realm;
            this.realmId = realmId;
            this.server = server;
            for (int i = 0; i < USERS; i++) {
                browsers[i] = new Browser(server.baseUrl(), homes.get(i).address(10));
            }
        }
    }

    /** Latencies of one realm at one concurrency, and the wall time of its batches. */
    private static final class Samples {
        long[] nanos = new long[1024];
        int count;
        long wallNanos;

        synchronized void add(long value) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = value;
        }

        double percentileMillis(double p) {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p * count) - 1;
            return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
        }

        double meanMillis() {
            return Arrays.stream(nanos, 0, count).average().orElse(0) / 1e6;
        }

        double throughput() {
            return count / (wallNanos / 1e9);
        }

        /**
         * A 95 % bootstrap interval of this sample's median minus the other's, in ms: how finely one run resolves
         * an added median. Seeded, so the same samples give the same interval.
         */
        double[] medianDifferenceInterval(Samples other) {
            Random random = new Random(42);
            double[] differences = new double[BOOTSTRAP_ROUNDS];
            for (int round = 0; round < differences.length; round++) {
                differences[round] = resampledMedian(random) - other.resampledMedian(random);
            }
            Arrays.sort(differences);
            return new double[] {differences[(int) (0.025 * BOOTSTRAP_ROUNDS)] / 1e6,
                differences[(int) (0.975 * BOOTSTRAP_ROUNDS) - 1] / 1e6};
        }

        private double resampledMedian(Random random) {
            long[] resample = new long[count];
            for (int i = 0; i < count; i++) {
                resample[i] = nanos[random.nextInt(count)];
            }
            Arrays.sort(resample);
            return resample[(int) Math.ceil(0.5 * count) - 1];
        }
    }

    private LoadDriver(Map<String, String> options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        String[] defaults = {"signins", "1000", "warmup", "200", "batch", "20", "concurrency", "1,8", "curve", "true",
            "writes", "100", "corpus", "10000000", "baseline", "", "quiet", "true", "smtp", "sink", "jit", "10",
            "failures", "0"};
        for (int i = 0; i < defaults.length; i += 2) {
            options.put(defaults[i], defaults[i + 1]);
        }
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2 || !options.containsKey(pair[0])) {
                throw new IllegalArgumentException("unknown option " + arg + "; known: " + options.keySet());
            }
            options.put(pair[0], pair[1]);
        }
        LoadDriver driver = new LoadDriver(options, System.out);
        try {
            driver.run();
        } finally {
            driver.close();
        }
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private void run() throws Exception {
        Path work = Path.of(KeycloakExtension.required("keycloak.work"));
        Path jar = Path.of(KeycloakExtension.required("threatprotection.jar"));
        Path distribution = Path.of(KeycloakExtension.required("keycloak.dist"));
        line("# Sign-in load run " + Instant.now());
        line("");
        line("Options: " + options + "; load average before setup: " + loadAverage());
        long started = System.nanoTime();
        LoadData.Data data = LoadData.write(jar, work.resolve("data"), Long.parseLong(options.get("corpus")),
                50_000, 10_000, USERS);
        line("Data ready after " + seconds(started) + " s (corpus " + Files.size(data.corpus()) / (1 << 20) + " MiB)");

        postgresLog = work.resolve("postgres.log");
        Files.deleteIfExists(postgresLog);
        postgres = EmbeddedPostgres.builder()
                .setPort(freePort())
                .setDataDirectory(work.resolve("postgres"))
                .setCleanDataDirectory(true)
                .setPGStartupWait(java.time.Duration.ofSeconds(120))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres-start.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres-start.log").toFile()))
                .setServerConfig("logging_collector", "on")
                .setServerConfig("log_directory", work.toString())
                .setServerConfig("log_filename", "postgres.log")
                .setServerConfig("log_line_prefix", "%a@")
                .setServerConfig("log_parameter_max_length", "0")
                .setServerConfig("max_connections", "200")
                .start();
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        db = DriverManager.getConnection(url + "?ApplicationName=load-driver", "postgres", "postgres");
        // Statements slower than 20 ms are logged with their time (every statement during the statement count);
        // set with ALTER SYSTEM, since a server option would override it.
        setDurationLog("20");

        switch (options.get("smtp")) {
            case "sink" -> smtpSink = SmtpSink.start();
            case "greenmail" -> mailbox = Mailbox.start();
            default -> throw new IllegalArgumentException("smtp must be sink or greenmail");
        }
        // Without --proxy-trusted-addresses: with it, Quarkus's ForwardedProxyHandler opens a DNS client per
        // request whose UDP socket is never closed, and the server runs out of file descriptors after ~20,000
        // requests. Forwarding headers are then accepted from any peer, which here is only the driver.
        List<String> serverOptions = new ArrayList<>(KeycloakExtension.SERVER_OPTIONS.stream()
                .filter(option -> !option.startsWith("--proxy-trusted-addresses")).toList());
        serverOptions.addAll(List.of(
                "--db=postgres", "--db-url=" + url + "?ApplicationName=" + BRANCH_SERVER, "--db-username=postgres",
                "--db-password=postgres",
                // start-dev turns theme and template caching off; a production server keeps them on
                "--spi-theme--cache-themes=true", "--spi-theme--cache-templates=true",
                "--spi-threat-protection--default--breach-corpus=" + data.corpus(),
                "--spi-threat-protection--default--geoip-city-database=" + data.city(),
                "--spi-threat-protection--default--geoip-asn-database=" + data.asn(),
                "--spi-threat-protection--default--ip-reputation-lists=" + data.reputation()));
        server = DistributionKeycloakServer.start(distribution, jar, work, serverOptions, 0, 0);
        serverJava = CpuTime.javaProcess(server.processHandle());
        postmaster = Long.parseLong(Files.readAllLines(work.resolve("postgres/postmaster.pid")).get(0).strip());
        line("Keycloak and PostgreSQL up after " + seconds(started) + " s");

        AdminApi admin = new AdminApi(server.baseUrl());
        Map<String, Config> configs = new LinkedHashMap<>();
        configs.put("A", config(admin, "A", "load-a", null, data));
        configs.put("B", config(admin, "B", "load-b", Map.of("mode", "AUDIT"), data));
        ObjectNode enforced = enforcedSettings(data);
        configs.put("C", config(admin, "C", "load-c", enforced, data));
        ObjectNode quiet = enforced.deepCopy();
        quiet.withObject("/accountTakeover").properties()
                .forEach(level -> ((ObjectNode) level.getValue()).put("notify", false));
        if (Boolean.parseBoolean(options.get("quiet"))) {
            configs.put("C-quiet", config(admin, "C-quiet", "load-cq", quiet, data));
        }
        boolean curve = Boolean.parseBoolean(options.get("curve"));
        if (curve) {
            configs.put("C10", config(admin, "C10", "load-c10", enforced, data));
            configs.put("C100k", config(admin, "C100k", "load-c100k", enforced, data));
            configs.put("C1M", config(admin, "C1M", "load-c1m", enforced, data));
        }
        seedHistory(configs);
        seedAttack(configs.get("C"), option("failures"));
        line("Realms and history ready after " + seconds(started) + " s");
        if (!options.get("baseline").isEmpty()) {
            Path baselineJar = Path.of(options.get("baseline"));
            Path home = work.resolve("baseline/keycloak");
            if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                Files.createDirectories(home.getParent());
                Process copy = new ProcessBuilder("cp", "-a", distribution.toString(), home.toString())
                        .inheritIO().start();
                if (copy.waitFor() != 0) {
                    throw new IllegalStateException("copying the distribution failed");
                }
            }
            List<String> baselineOptions = new ArrayList<>();
            for (String option : serverOptions) {
                baselineOptions.add(option.replace("ApplicationName=" + BRANCH_SERVER,
                        "ApplicationName=" + BASELINE_SERVER));
            }
            baselineServer = DistributionKeycloakServer.start(home, baselineJar, work.resolve("baseline"),
                    baselineOptions, 0, 0);
            baselineJava = CpuTime.javaProcess(baselineServer.processHandle());

            Config c = configs.get("C");
            Config main = new Config("C-main", c.realm, c.realmId, data.homes(), baselineServer);
            main.runStart = c.runStart;
            for (int i = 0; i < USERS; i++) {
                // the same device as in the C realm's history
                main.browsers[i].setCookie(DEVICE_COOKIE, c.browsers[i].cookie(DEVICE_COOKIE));
            }
            configs.put("C-main", main);
            // plain Keycloak on the second server: C-main's added cost is measured against it, so that what
            // differs between the two servers (JIT and cache state, their share of the cores) cancels out
            Config a = configs.get("A");
            configs.put("A-main", new Config("A-main", a.realm, a.realmId, data.homes(), baselineServer));
            line("Second server with " + baselineJar.getFileName() + " up after " + seconds(started) + " s");
        }

        String compiled = warmUpCompiler(new ArrayList<>(configs.values()));
        Map<String, Samples> results = new LinkedHashMap<>();
        Map<String, String> loads = new LinkedHashMap<>();
        for (String level : options.get("concurrency").split(",")) {
            int concurrency = Integer.parseInt(level.trim());
            List<Config> measured = new ArrayList<>();
            for (Config config : configs.values()) {
                // the history-size curve at concurrency 1 only, to keep the run short
                if (concurrency == 1
                        || List.of("A", "B", "C", "C-quiet", "A-main", "C-main").contains(config.name)) {
                    measured.add(config);
                }
            }
            String before = loadAverage();
            long phase = System.nanoTime();
            interleave(measured, concurrency, option("warmup"), null);
            Map<String, Samples> samples = new LinkedHashMap<>();
            for (Config config : measured) {
                samples.put(config.name, new Samples());
            }
            Map<String, double[]> stepBefore = stepHistograms(server);
            Map<String, double[]> baselineBefore = baselineServer == null ? Map.of() : stepHistograms(baselineServer);
            interleave(measured, concurrency, option("signins"), samples);
            Map<String, double[]> stepAfter = stepHistograms(server);
            Map<String, double[]> baselineAfter = baselineServer == null ? Map.of() : stepHistograms(baselineServer);
            for (Config config : measured) {
                String key = "realm=\"" + config.realm.name() + "\"";
                Map<String, double[]> ending = config.server == server ? stepAfter : baselineAfter;
                Map<String, double[]> starting = config.server == server ? stepBefore : baselineBefore;
                if (ending.containsKey(key)) {
                    double[] delta = ending.get(key).clone();
                    double[] base = starting.getOrDefault(key, new double[delta.length]);
                    for (int i = 0; i < delta.length; i++) {
                        delta[i] -= base[i];
                    }
                    stepTimes.put(config.name + "@" + concurrency, delta);
                }
            }
            loads.put("concurrency " + concurrency, before + " → " + loadAverage() + " (" + seconds(phase) + " s)");
            samples.forEach((name, s) -> results.put(name + "@" + concurrency, s));
        }
        Map<String, Map<String, double[]>> statements = countStatements(configs);

        line("");
        line("## Results");
        line("");
        line("Load average (1/5/15 min) before → after: " + loads);
        line("");
        line(compiled);
        line("");
        line("The step's compiled levels at the end: " + describe(compiledLevels()));
        if (smtpSink != null) {
            line("");
            line("Mails the SMTP sink received: " + smtpSink.received());
        }
        line("");
        latencyTables(results);
        curveTable(results);
        stepTable();
        cpuTables();
        statementTables(statements);
        Path file = work.resolve("results-" + Instant.now().toString().replace(':', '-') + ".md");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        out.println("Written to " + file);
    }

    /**
     * A production server compiled the step with C2 long ago. HotSpot does that only after thousands of calls of a
     * method, which the warm-up of each concurrency level does not reach: the step stayed at level 3 through a
     * whole run, its mean 0.1–0.2 ms (10–20 %) higher than at level 4. So, before anything is measured, rounds of
     * sign-ins at concurrency 8 in every realm until the step's methods run at level 4 on every server, for at most
     * option jit minutes. Returns the report's line about it.
     */
    private String warmUpCompiler(List<Config> configs) throws Exception {
        long started = System.nanoTime();
        long deadline = started + option("jit") * MINUTE * 1_000_000L;
        int perRound = option("batch") * USERS;
        int rounds = 0;
        List<Map<String, Integer>> levels = compiledLevels();
        while (!levels.stream().allMatch(CompiledStep::atC2) && System.nanoTime() < deadline) {
            interleave(configs, USERS, perRound, null);
            rounds++;
            levels = compiledLevels();
        }
        return String.format(Locale.ROOT, "Compiler warm-up: %d rounds of %d sign-ins per realm at concurrency %d "
                + "(%s s); the step's compiled levels then: %s%s", rounds, perRound, USERS, seconds(started),
                describe(levels), levels.stream().allMatch(CompiledStep::atC2) ? "" : " (**not all at level 4**)");
    }

    /** The step's compiled levels on this build's server and, with option baseline, on the second server. */
    private List<Map<String, Integer>> compiledLevels() {
        return baselineServer == null ? List.of(CompiledStep.levels(serverJava))
                : List.of(CompiledStep.levels(serverJava), CompiledStep.levels(baselineJava));
    }

    private static String describe(List<Map<String, Integer>> levels) {
        String text = CompiledStep.describe(levels.get(0));
        return levels.size() == 1 ? text : text + "; second server: " + CompiledStep.describe(levels.get(1));
    }

    /** The realm, its users with e-mail addresses, SMTP to the GreenMail sink, and its settings. */
    private Config config(AdminApi admin, String name, String realmName, Object settings, LoadData.Data data) {
        TestRealm realm = settings == null ? TestRealm.createWithoutProtection(admin, realmName)
                : TestRealm.create(admin, realmName);
        for (int i = 0; i < USERS; i++) {
            realm.addUser("user-" + i);
        }
        // Keycloak's default: no event storage (the extension's own listener is global and needs none)
        realm.update(Map.of("eventsEnabled", false, "smtpServer",
                smtpSink != null ? smtpSink.smtpSettings() : mailbox.smtpSettings()));
        if (settings != null) {
            realm.saveSettings(settings);
        }
        String realmId = AdminApi.ok(admin.get("/" + realmName)).get("id").asText();
        return new Config(name, realm, realmId, data.homes(), server);
    }

    private static ObjectNode enforcedSettings(LoadData.Data data) {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        ObjectNode takeover = document.putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            takeover.putObject(level).put("action", "NO_ACTION").put("notify", true);
        }
        ObjectNode lists = document.putObject("ipExceptions");
        ArrayNode allow = lists.putArray("alwaysAllow");
        data.alwaysAllow().forEach(allow::add);
        ArrayNode block = lists.putArray("alwaysBlock");
        data.alwaysBlock().forEach(block::add);
        return document;
    }

    /**
     * Signs every user of the C realms in once (that gives each its device cookie and a real event), then copies
     * that event into the user's history: 1,000 earlier sign-ins in C and C1M (which also gets 999,000 events of
     * 10,000 other users), 10 in C10, 100,000 in C100k; 10 minutes apart, newest first.
     */
    private void seedHistory(Map<String, Config> configs) throws Exception {
        Map<String, Integer> perUser = Map.of("C", 1_000, "C-quiet", 1_000, "C10", 10, "C100k", 100_000,
                "C1M", 1_000);
        for (Config config : configs.values()) {
            if (!perUser.containsKey(config.name)) {
                continue;
            }
            config.runStart = System.currentTimeMillis();
            int users = config.name.equals("C") ? USERS : 1;
            for (int i = 0; i < users; i++) {
                signIn(config, i);
            }
            for (int i = 0; i < users; i++) {
                copyFirstEvent(config, "user-" + i, perUser.get(config.name), false);
            }
            if (config.name.equals("C1M")) {
                copyFirstEvent(config, "user-0", 999_000, true);
            }
        }
        awaitNotifications();
        try (Statement statement = db.createStatement()) {
            for (Config config : configs.values()) {
                deleteRunEvents(config);
            }
            statement.execute("vacuum analyze tp_risk_event");
            try (ResultSet count = statement.executeQuery("select count(*) from tp_risk_event")) {
                count.next();
                line("Events in the table: " + count.getLong(1));
            }
        }
    }

    private void copyFirstEvent(Config config, String username, int copies, boolean otherUsers) throws SQLException {
        String userId = config.realm.userId(username);
        String sql = "insert into tp_risk_event (id, realm_id, user_id, client_id, event_type, event_time, response,"
                + " risk_level, risk_action, enforced, compromised_credentials, reasons, ip_address, device_name, city,"
                + " country, network, asn, latitude, longitude, accuracy_km, device_id)"
                + " select gen_random_uuid()::text, realm_id, "
                + (otherUsers ? "'other-user-' || (g % 10000)" : "user_id")
                + ", client_id, event_type, "
                + (otherUsers ? "? - (1 + (random() * 90 * 1440)::bigint) * 60000" : "? - g::bigint * " + 10 * MINUTE)
                + ", response, 'LOW', 'NO_ACTION', enforced, compromised_credentials, '[]', ip_address, device_name,"
                + " city, country, network, asn, latitude, longitude, accuracy_km, device_id"
                + " from tp_risk_event e, generate_series(1, ?) g where e.id = (select id from tp_risk_event"
                + " where realm_id = ? and user_id = ? order by event_time limit 1)";
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            insert.setLong(1, config.runStart);
            insert.setInt(2, copies);
            insert.setString(3, config.realmId);
            insert.setString(4, userId);
            int rows = insert.executeUpdate();
            if (rows != copies) {
                throw new IllegalStateException("inserted " + rows + " events for " + username + " in " + config.name);
            }
        }
    }

    /**
     * Failures dated from 10 minutes ago onwards, 100 ms apart, so that a run of a few hours finds all of them
     * inside the (15-minute) velocity window; a sign-in from one of these networks is then one from the
     * attacking network of {@code VelocityReadBenchmark}.
     */
    private void seedAttack(Config config, int perNetwork) throws SQLException {
        if (perNetwork == 0) {
            return;
        }
        try (PreparedStatement insert = db.prepareStatement("insert into tp_failed_sign_in"
                + " (id, realm_id, user_key, network, failed_at)"
                + " select gen_random_uuid()::text, ?, 'sprayed-' || (g % 20000), homes.network, ? + g * 100"
                + " from (select distinct network from tp_risk_event where realm_id = ? and network is not null)"
                + " homes, generate_series(1, ?) g");
             Statement statement = db.createStatement()) {
            insert.setString(1, config.realmId);
            insert.setLong(2, System.currentTimeMillis() - 10 * MINUTE);
            insert.setString(3, config.realmId);
            insert.setInt(4, perNetwork);
            line("Failed sign-ins from the users' networks: " + insert.executeUpdate());
            statement.execute("vacuum analyze tp_failed_sign_in");
        }
    }

    /** Deletes the events a C realm's sign-ins added during the run, except those whose mail is still pending. */
    private void deleteRunEvents(Config config) throws SQLException {
        if (config.runStart < 0) {
            return;
        }
        try (PreparedStatement delete = db.prepareStatement("delete from tp_risk_event where realm_id = ?"
                + " and event_time >= ? and (notify_status is null or notify_status <> 'PENDING')")) {
            delete.setString(1, config.realmId);
            delete.setLong(2, config.runStart);
            delete.executeUpdate();
        }
    }

    private void awaitNotifications() throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Statement statement = db.createStatement();
                 ResultSet pending = statement.executeQuery(
                         "select count(*) from tp_risk_event where notify_status = 'PENDING'")) {
                pending.next();
                if (pending.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("notifications still pending after 2 minutes");
    }

    /**
     * Round-robin batches: each round runs one batch per realm (the order rotating by round), a batch being
     * {@code batch} sign-ins on each of {@code concurrency} threads, each thread with its own user.
     */
    private void interleave(List<Config> configs, int concurrency, int perConfig, Map<String, Samples> samples)
            throws Exception {
        int perBatch = option("batch") * concurrency;
        int rounds = (perConfig + perBatch - 1) / perBatch;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < configs.size(); k++) {
                Config config = configs.get((round + k) % configs.size());
                Samples target = samples == null ? null : samples.get(config.name);
                // The history-size points of the curve run half batches, to fit the run into ~15 minutes here.
                boolean curvePoint = CURVE_POINTS.contains(config.name);
                batch(config, concurrency, curvePoint ? option("batch") / 2 : option("batch"), target);
                deleteRunEvents(config);
            }
            System.err.printf("%s concurrency %d: round %d of %d done, load %s%n", samples == null ? "warm-up"
                    : "measured", concurrency, round + 1, rounds, loadAverage());
        }
    }

    private void batch(Config config, int concurrency, int perThread, Samples samples) throws Exception {
        double[] cpuBefore = samples == null ? null : cpuNow();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            int worker = t;
            running.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    long took = signIn(config, worker);
                    if (samples != null) {
                        samples.add(took);
                    }
                }
                return null;
            }));
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Future<?> future : running) {
            future.get();
        }
        if (samples != null) {
            synchronized (samples) {
                samples.wallNanos += System.nanoTime() - begin;
            }
            addCpu(config.name + "@" + concurrency, config.server == server, concurrency * perThread, cpuBefore,
                    cpuNow());
        }
    }

    /**
     * CPU milliseconds so far: this build's server, its notification, GC and JIT threads, the same four for the
     * baseline server (0 without), PostgreSQL, the driver's sign-in threads, the whole driver.
     */
    private double[] cpuNow() {
        long driver = ProcessHandle.current().pid();
        double[] now = new double[SERVER_CPU * 2 + 3];
        serverCpu(now, 0, server, serverJava);
        serverCpu(now, SERVER_CPU, baselineServer, baselineJava);
        now[SERVER_CPU * 2] = CpuTime.ofProcessTree(ProcessHandle.of(postmaster).orElseThrow());
        now[SERVER_CPU * 2 + 1] = CpuTime.ofThreads(driver, SIGN_IN_THREADS)[0];
        now[SERVER_CPU * 2 + 2] = CpuTime.ofProcess(driver);
        return now;
    }

    private static void serverCpu(double[] into, int at, DistributionKeycloakServer keycloak, long java) {
        if (keycloak != null) {
            into[at] = CpuTime.ofProcessTree(keycloak.processHandle());
            double[] threads = CpuTime.ofThreads(java, NOTIFICATION_THREADS, GC_THREADS, JIT_THREADS);
            System.arraycopy(threads, 0, into, at + 1, threads.length);
        }
    }

    /** Adds one batch's CPU to its realm's total, in the order of {@link #CPU_COLUMNS}. */
    private void addCpu(String key, boolean onThisBuild, int signIns, double[] before, double[] after) {
        double[] used = new double[after.length];
        for (int i = 0; i < used.length; i++) {
            used[i] = after[i] - before[i];
        }
        int serving = onThisBuild ? 0 : SERVER_CPU;
        int other = onThisBuild ? SERVER_CPU : 0;
        int rest = SERVER_CPU * 2;
        double[] total = cpu.computeIfAbsent(key, k -> new double[1 + CPU_COLUMNS.size()]);
        total[0] += signIns;
        for (int i = 0; i < SERVER_CPU; i++) {
            total[1 + i] += used[serving + i];
        }
        total[5] += used[rest];
        total[6] += used[rest + 1];
        total[7] += used[rest + 2] - used[rest + 1];
        total[8] += used[other];
    }

    /** One sign-in as a returning user on a known device (only the device cookie kept); its time in ns. */
    private long signIn(Config config, int worker) {
        Browser browser = config.browsers[worker];
        browser.keepOnlyCookie(DEVICE_COOKIE);
        long begin = System.nanoTime();
        Browser.Result result = browser.signIn(config.realm.name(), TestRealm.CLIENT, "user-" + worker,
                TestRealm.PASSWORD);
        if (!result.signedIn()) {
            throw new IllegalStateException(config.name + ": sign-in of user-" + worker + " failed with "
                    + result.status() + ":\n" + result.page());
        }
        browser.exchangeCode(config.realm.name(), TestRealm.CLIENT, result.code());
        return System.nanoTime() - begin;
    }

    /**
     * For each realm alone: PostgreSQL logs every statement with its duration, {@code writes} sign-ins on one
     * thread, the notifications waited for, logging back to slow statements only; statements per sign-in by kind
     * and table, with the time the database spent on them (parse, bind and execute).
     */
    private Map<String, Map<String, double[]>> countStatements(Map<String, Config> configs) throws Exception {
        int signIns = option("writes");
        Map<String, Map<String, double[]>> counts = new LinkedHashMap<>();
        for (String name : List.of("A", "B", "C-quiet", "C", "A-main", "C-main")) {
            if (!configs.containsKey(name)) {
                continue;
            }
            Config config = configs.get(name);
            awaitNotifications();
            deleteRunEvents(config);
            Thread.sleep(500);
            long offset = Files.size(postgresLog);
            setDurationLog("0");
            for (int i = 0; i < signIns; i++) {
                signIn(config, 0);
            }
            awaitNotifications();
            Thread.sleep(500);
            setDurationLog("20");
            counts.put(name, statementsPerSignIn(offset, signIns,
                    config.server == server ? BRANCH_SERVER : BASELINE_SERVER));
            deleteRunEvents(config);
        }
        return counts;
    }

    private void setDurationLog(String thresholdMillis) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("alter system set log_min_duration_statement = " + thresholdMillis);
            statement.execute("select pg_reload_conf()");
        }
    }

    private static final Pattern LOGGED = Pattern.compile(
            "^([^@]*)@LOG:  duration: ([0-9.]+) ms  (parse|bind|execute|statement)[^:]*: (.*)");

    /**
     * By "kind table" (e.g. "insert tp_risk_event"): statements executed per sign-in, and milliseconds the
     * database spent on them per sign-in (parse, bind and execute).
     */
    private Map<String, double[]> statementsPerSignIn(long offset, int signIns, String application)
            throws IOException {
        byte[] all = Files.readAllBytes(postgresLog);
        String text = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
        Map<String, double[]> counts = new TreeMap<>();
        for (String logLine : text.split("\n")) {
            Matcher matcher = LOGGED.matcher(logLine);
            if (!matcher.find() || !matcher.group(1).equals(application)) {
                continue;
            }
            String sql = matcher.group(4).trim().toLowerCase(Locale.ROOT);
            String kind = sql.split("\\s+", 2)[0];
            String table = switch (kind) {
                case "select" -> after(sql, " from ");
                case "insert" -> after(sql, "insert into ");
                case "update" -> after(sql, "update ");
                case "delete" -> after(sql, "delete from ");
                default -> "";
            };
            double[] entry = counts.computeIfAbsent((kind + " " + table).trim(), key -> new double[2]);
            String phase = matcher.group(3);
            if (phase.equals("execute") || phase.equals("statement")) {
                entry[0] += 1.0 / signIns;
            }
            entry[1] += Double.parseDouble(matcher.group(2)) / signIns;
        }
        return counts;
    }

    private static String after(String sql, String marker) {
        int at = sql.indexOf(marker);
        if (at < 0) {
            return "?";
        }
        String rest = sql.substring(at + marker.length()).trim();
        return rest.split("[\\s(,]", 2)[0];
    }

    private void latencyTables(Map<String, Samples> results) {
        for (String level : options.get("concurrency").split(",")) {
            int concurrency = Integer.parseInt(level.trim());
            line("### Concurrency " + concurrency);
            line("");
            line("| realm | sign-ins | p50 ms | p95 ms | p99 ms | mean ms | sign-ins/s |");
            line("|---|---|---|---|---|---|---|");
            for (String name : List.of("A", "B", "C", "C-quiet", "A-main", "C-main")) {
                Samples s = results.get(name + "@" + concurrency);
                if (s == null) {
                    continue;
                }
                line(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f |", name, s.count,
                        s.percentileMillis(0.50), s.percentileMillis(0.95), s.percentileMillis(0.99), s.meanMillis(),
                        s.throughput()));
            }
            line("");
            line("| ratio | p50 | p95 | p99 | mean | throughput | added p50 | added p50, 95 % interval | added p99 |");
            line("|---|---|---|---|---|---|---|---|---|");
            for (String[] pair : new String[][] {{"B", "A"}, {"C", "A"}, {"C-quiet", "A"}, {"A-main", "A"},
                {"C-main", "A-main"}}) {
                Samples s = results.get(pair[0] + "@" + concurrency);
                Samples a = results.get(pair[1] + "@" + concurrency);
                if (s == null || a == null) {
                    continue;
                }
                double[] interval = s.medianDifferenceInterval(a);
                line(String.format(Locale.ROOT, "| %s/%s | %.3f | %.3f | %.3f | %.3f | %.3f | %+.2f ms"
                                + " | %+.2f … %+.2f ms | %+.2f ms |",
                        pair[0], pair[1], ratio(s, a, 0.50), ratio(s, a, 0.95), ratio(s, a, 0.99),
                        s.meanMillis() / a.meanMillis(), s.throughput() / a.throughput(),
                        s.percentileMillis(0.50) - a.percentileMillis(0.50), interval[0], interval[1],
                        s.percentileMillis(0.99) - a.percentileMillis(0.99)));
            }
            line("");
            beforeAfterTable(results, concurrency);
        }
    }

    /** The baseline JAR's added cost against the branch's, each against plain Keycloak on its own server. */
    private void beforeAfterTable(Map<String, Samples> results, int concurrency) {
        String[][] rows = {{"before (baseline JAR): C-main vs A-main", "C-main", "A-main"},
            {"after (this build): C vs A", "C", "A"}};
        if (!results.containsKey("C-main@" + concurrency) || !results.containsKey("A-main@" + concurrency)) {
            return;
        }
        line("| added by realm C's protection | p50 | p50, 95 % interval | p95 | p99 | mean | throughput |");
        line("|---|---|---|---|---|---|---|");
        for (String[] row : rows) {
            Samples s = results.get(row[1] + "@" + concurrency);
            Samples a = results.get(row[2] + "@" + concurrency);
            double[] interval = s.medianDifferenceInterval(a);
            line(String.format(Locale.ROOT, "| %s | %+.2f ms (%+.1f %%) | %+.2f … %+.2f ms | %+.2f ms | %+.2f ms"
                            + " | %+.2f ms | %.3f |", row[0],
                    s.percentileMillis(0.50) - a.percentileMillis(0.50), 100 * (ratio(s, a, 0.50) - 1),
                    interval[0], interval[1], s.percentileMillis(0.95) - a.percentileMillis(0.95),
                    s.percentileMillis(0.99) - a.percentileMillis(0.99), s.meanMillis() - a.meanMillis(),
                    s.throughput() / a.throughput()));
        }
        line("");
    }

    private void curveTable(Map<String, Samples> results) {
        Samples a = results.get("A@1");
        if (a == null || !results.containsKey("C10@1")) {
            return;
        }
        line("### Added latency as data grows (concurrency 1, same run as the table above)");
        line("");
        line("| realm | earlier events of the user | events in the realm | sign-ins | p50 ms | p95 ms | p99 ms"
                + " | added p50 vs A | added p99 vs A |");
        line("|---|---|---|---|---|---|---|---|---|");
        String[][] points = {{"C10", "10", "10"}, {"C", "1,000", "8,000"}, {"C100k", "100,000", "100,000"},
            {"C1M", "1,000", "1,000,000"}};
        for (String[] point : points) {
            Samples s = results.get(point[0] + "@1");
            line(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.2f | %.2f | %.2f | %+.2f ms (%+.1f %%)"
                            + " | %+.2f ms (%+.1f %%) |", point[0], point[1], point[2], s.count,
                    s.percentileMillis(0.50), s.percentileMillis(0.95), s.percentileMillis(0.99),
                    s.percentileMillis(0.50) - a.percentileMillis(0.50), 100 * (ratio(s, a, 0.50) - 1),
                    s.percentileMillis(0.99) - a.percentileMillis(0.99), 100 * (ratio(s, a, 0.99) - 1)));
        }
        line("");
    }

    private static final Pattern STEP_METRIC = Pattern.compile(
            "^threat_protection_evaluation_duration_seconds_(bucket|count|sum)\\{([^}]*)\\} (\\S+)");

    /**
     * The extension's own timer of the step ({@code threat.protection.evaluation.duration}) from Keycloak's
     * /metrics, by realm label: count, sum (s), then the cumulative bucket counts in the order of
     * {@link #bucketBounds}.
     */
    private Map<String, double[]> stepHistograms(KeycloakServer from) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(from.managementUrl() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        Map<String, List<Double>> byRealm = new LinkedHashMap<>();
        List<Double> bounds = new ArrayList<>();
        for (String metricLine : metrics.body().split("\n")) {
            Matcher matcher = STEP_METRIC.matcher(metricLine);
            if (!matcher.find()) {
                continue;
            }
            String realm = null;
            Double le = null;
            for (String label : matcher.group(2).split(",")) {
                if (label.startsWith("realm=")) {
                    realm = label;
                } else if (label.startsWith("le=")) {
                    String bound = label.substring(4, label.length() - 1);
                    le = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                }
            }
            List<Double> values = byRealm.computeIfAbsent(realm, key -> new ArrayList<>(List.of(0.0, 0.0)));
            double value = Double.parseDouble(matcher.group(3));
            switch (matcher.group(1)) {
                case "count" -> values.set(0, value);
                case "sum" -> values.set(1, value);
                default -> {
                    values.add(value);
                    if (byRealm.size() == 1) {
                        bounds.add(le);
                    }
                }
            }
        }
        if (bucketBounds.isEmpty()) {
            bucketBounds.addAll(bounds);
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        byRealm.forEach((realm, values) -> result.put(realm, values.stream().mapToDouble(Double::doubleValue).toArray()));
        return result;
    }

    /** The smallest bucket bound (ms) below which at least this share of the recorded step times fell. */
    private double stepPercentileMillis(double[] histogram, double p) {
        double count = histogram[0];
        for (int i = 2; i < histogram.length; i++) {
            if (histogram[i] >= p * count) {
                return bucketBounds.get(i - 2) * 1000;
            }
        }
        return Double.NaN;
    }

    private void stepTable() {
        if (stepTimes.isEmpty()) {
            return;
        }
        line("### Time inside the threat-protection step (the extension's timer in /metrics, measured sign-ins)");
        line("");
        line("| realm @ concurrency | evaluations | mean ms | p50 ≤ ms | p99 ≤ ms |");
        line("|---|---|---|---|---|");
        stepTimes.forEach((name, histogram) -> line(String.format(Locale.ROOT, "| %s | %.0f | %.3f | %.3f | %.3f |",
                name, histogram[0], histogram[0] == 0 ? 0 : 1000 * histogram[1] / histogram[0],
                stepPercentileMillis(histogram, 0.50), stepPercentileMillis(histogram, 0.99))));
        line("");
    }

    private void cpuTables() {
        line("### CPU per sign-in (ms, as Linux accounted it to each process over the measured batches)");
        line("");
        List<String> columns = baselineServer == null ? CPU_COLUMNS.subList(0, CPU_COLUMNS.size() - 1)
                : CPU_COLUMNS;
        line("| realm @ concurrency | " + String.join(" | ", columns) + " | all |");
        line("|---" + "|---".repeat(columns.size() + 1) + "|");
        cpu.forEach((key, total) -> {
            StringBuilder row = new StringBuilder("| " + key);
            double all = 0;
            for (int i = 1; i <= columns.size(); i++) {
                row.append(String.format(Locale.ROOT, " | %.2f", total[i] / total[0]));
                all += partOfKeycloak(i) ? 0 : total[i] / total[0];
            }
            line(row + String.format(Locale.ROOT, " | %.2f |", all));
        });
        line("");
        line("| added per sign-in | Keycloak | of which its notification thread | of which GC | of which JIT"
                + " | PostgreSQL | driver: rest | all |");
        line("|---|---|---|---|---|---|---|---|");
        for (String level : options.get("concurrency").split(",")) {
            String at = "@" + level.trim();
            for (String[] pair : new String[][] {{"B", "A"}, {"C-quiet", "A"}, {"C", "A"}, {"C-main", "A-main"}}) {
                double[] s = cpu.get(pair[0] + at);
                double[] a = cpu.get(pair[1] + at);
                if (s == null || a == null) {
                    continue;
                }
                double[] added = new double[columns.size() + 1];
                for (int i = 1; i <= columns.size(); i++) {
                    added[i] = s[i] / s[0] - a[i] / a[0];
                    added[0] += partOfKeycloak(i) ? 0 : added[i];
                }
                line(String.format(Locale.ROOT, "| %s vs %s%s | %+.2f ms (%+.1f %%) | %+.2f ms | %+.2f ms"
                                + " | %+.2f ms | %+.2f ms | %+.2f ms | %+.2f ms |", pair[0], pair[1], at, added[1],
                        100 * added[1] / (a[1] / a[0]), added[2], added[3], added[4], added[5], added[7],
                        added[0]));
            }
        }
        line("");
    }

    /** Whether a CPU column is a part of the serving Keycloak's (the "of which" columns), not to be added. */
    private static boolean partOfKeycloak(int column) {
        return column >= 2 && column <= 4;
    }

    private void statementTables(Map<String, Map<String, double[]>> statements) {
        line("### SQL statements per sign-in (PostgreSQL statement log, the server's own connections, " + options.get("writes")
                + " sign-ins per realm, one thread, notifications included)");
        line("");
        List<String> keys = new ArrayList<>();
        statements.values().forEach(map -> map.keySet().forEach(key -> {
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }));
        keys.sort(null);
        List<String> names = new ArrayList<>(statements.keySet());
        line("Each cell: statements per sign-in / database milliseconds per sign-in.");
        line("");
        line("| statement | " + String.join(" | ", names) + " |");
        line("|---" + "|---".repeat(names.size()) + "|");
        double[] totals = new double[names.size()];
        double[] totalMillis = new double[names.size()];
        double[] writes = new double[names.size()];
        for (String key : keys) {
            StringBuilder row = new StringBuilder("| " + key);
            int column = 0;
            for (String name : names) {
                double[] value = statements.get(name).getOrDefault(key, new double[2]);
                totals[column] += value[0];
                totalMillis[column] += value[1];
                if (key.startsWith("insert") || key.startsWith("update") || key.startsWith("delete")) {
                    writes[column] += value[0];
                }
                column++;
                row.append(String.format(Locale.ROOT, " | %.2f / %.3f", value[0], value[1]));
            }
            line(row + " |");
        }
        StringBuilder all = new StringBuilder("| **all statements**");
        StringBuilder written = new StringBuilder("| **insert + update + delete**");
        for (int i = 0; i < names.size(); i++) {
            all.append(String.format(Locale.ROOT, " | %.2f / %.3f", totals[i], totalMillis[i]));
            written.append(String.format(Locale.ROOT, " | %.2f", writes[i]));
        }
        line(all + " |");
        line(written + " |");
        line("");
    }

    private static double ratio(Samples s, Samples a, double p) {
        return s.percentileMillis(p) / a.percentileMillis(p);
    }

    private void line(String text) {
        out.println(text);
        out.flush();
        report.append(text).append('\n');
    }

    private static String seconds(long startedNanos) {
        return String.valueOf((System.nanoTime() - startedNanos) / 1_000_000_000L);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void close() {
        threads.shutdownNow();
        if (baselineServer != null) {
            baselineServer.close();
        }
        if (server != null) {
            server.close();
        }
        if (smtpSink != null) {
            try {
                smtpSink.close();
            } catch (IOException e) {
                out.println("closing the SMTP sink: " + e);
            }
        }
        if (mailbox != null) {
            mailbox.close();
        }
        try {
            if (db != null) {
                db.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (SQLException | IOException e) {
            out.println("closing PostgreSQL: " + e);
        }
    }
}
