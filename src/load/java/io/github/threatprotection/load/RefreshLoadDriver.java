package io.github.threatprotection.load;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.TestRealm;

/**
 * What the refresh-grant check costs a refresh from the session's own context: three realms on one server and
 * one database, refreshed side by side in interleaved batches, so background noise hits all alike. {@code plain}:
 * Keycloak's own flows, no client policy; {@code off}: the protected flows, the client policy and
 * {@code sessions.tokenRefresh} false; {@code on}: the same with it true. Each user signs in once by direct grant
 * from its home address and then refreshes from the same address with the newest refresh token. Reports latency
 * (p50, p99), the CPU the Keycloak process tree used per refresh, and the SQL statements per refresh counted from
 * PostgreSQL's statement log.
 * <p>
 * Run: {@code mvn -o -Pload -DskipTests package exec:exec -Dload.main=io.github.threatprotection.load.RefreshLoadDriver
 * [-Dload.options="refreshes=4000 warmup=1000 batch=100"]}
 */
public final class RefreshLoadDriver {

    private static final List<String> REALMS = List.of("plain", "off", "on");
    private static final int USERS = LoadRealm.USERS;

    private RefreshLoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = new LinkedHashMap<>(Map.of("refreshes", 4000, "warmup", 1000, "batch", 100,
                "statements", 200));
        LoadOptions.overWholeNumbers(options, args);
        Report report = new Report(System.out);
        Path work = Path.of(KeycloakExtension.required("keycloak.work")).resolve("refresh");
        Path jar = Path.of(KeycloakExtension.required("threatprotection.jar"));
        Path distribution = Path.of(KeycloakExtension.required("keycloak.dist"));
        report.line("# Refresh-grant load run " + Instant.now());
        report.line("");
        report.line("Options: " + options + "; load average before setup: " + Report.loadAverage());
        LoadData.Data data = LoadData.write(jar, work.resolve("data"), 10_000, 50_000, 100, USERS);
        try (LoadDatabase database = LoadDatabase.start(work);
             Servers servers = Servers.start(distribution, jar, work, database, data)) {
            RunningServer server = servers.branch();
            AdminApi admin = new AdminApi(server.keycloak().baseUrl());
            Map<String, Refreshing> realms = new LinkedHashMap<>();
            for (String name : REALMS) {
                realms.put(name, new Refreshing(admin, "refresh-" + name, name, data.homes()));
            }
            int batch = options.get("batch");
            run(realms, options.get("warmup"), batch, null, server);
            Map<String, Samples> samples = new LinkedHashMap<>();
            Map<String, double[]> cpu = new LinkedHashMap<>();
            for (String name : REALMS) {
                samples.put(name, new Samples());
                cpu.put(name, new double[1]);
            }
            run(realms, options.get("refreshes"), batch, new Measured(samples, cpu), server);
            Map<String, Map<String, double[]>> statements = new LinkedHashMap<>();
            for (Refreshing realm : realms.values()) {
                Thread.sleep(500);
                long offset = database.logSize();
                database.logEveryStatement(true);
                for (int i = 0; i < options.get("statements"); i++) {
                    realm.refresh(i % USERS);
                }
                Thread.sleep(500);
                database.logEveryStatement(false);
                statements.put(realm.name, StatementCount.perSignIn(database.logSince(offset),
                        options.get("statements"), server.applicationName()));
            }
            write(report, samples, cpu, statements);
            report.line("");
            report.line("Load average after: " + Report.loadAverage());
            report.writeTo(work);
        }
    }

    private record Measured(Map<String, Samples> samples, Map<String, double[]> cpuMillis) {
    }

    /** Rounds of one batch per realm, the realms' order rotating by round; measured when {@code measured} is set. */
    private static void run(Map<String, Refreshing> realms, int perRealm, int batch, Measured measured,
                            RunningServer server) {
        List<Refreshing> order = new ArrayList<>(realms.values());
        int rounds = (perRealm + batch - 1) / batch;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < order.size(); k++) {
                Refreshing realm = order.get((round + k) % order.size());
                double cpuBefore = CpuTime.ofProcessTree(server.process());
                for (int i = 0; i < batch; i++) {
                    long took = realm.refresh(i % USERS);
                    if (measured != null) {
                        measured.samples().get(realm.name).add(took);
                    }
                }
                if (measured != null) {
                    measured.cpuMillis().get(realm.name)[0] += CpuTime.ofProcessTree(server.process()) - cpuBefore;
                }
            }
            System.err.printf("%s: round %d of %d done, load %s%n", measured == null ? "warm-up" : "measured",
                    round + 1, rounds, Report.loadAverage());
        }
    }

    private static void write(Report report, Map<String, Samples> samples, Map<String, double[]> cpu,
                              Map<String, Map<String, double[]>> statements) {
        report.line("");
        report.line("## Refresh grants from the session's own context");
        report.line("");
        report.line("| Realm | Refreshes | p50 ms | p99 ms | mean ms | Keycloak CPU ms per refresh | SQL statements per refresh |");
        report.line("| --- | --- | --- | --- | --- | --- | --- |");
        for (String name : REALMS) {
            Samples s = samples.get(name);
            double statementsPerRefresh = statements.get(name).values().stream().mapToDouble(v -> v[0]).sum();
            report.line(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.2f |", name, s.count(),
                    s.percentileMillis(0.5), s.percentileMillis(0.99), s.meanMillis(), cpu.get(name)[0] / s.count(),
                    statementsPerRefresh));
        }
        report.line("");
        double[] onOff = samples.get("on").medianDifferenceInterval(samples.get("off"));
        double[] onPlain = samples.get("on").medianDifferenceInterval(samples.get("plain"));
        report.line(String.format(Locale.ROOT, "Median on − off: %.3f ms (95 %% bootstrap interval %.3f to %.3f ms);"
                        + " on − plain: %.3f ms (%.3f to %.3f ms).",
                samples.get("on").percentileMillis(0.5) - samples.get("off").percentileMillis(0.5), onOff[0], onOff[1],
                samples.get("on").percentileMillis(0.5) - samples.get("plain").percentileMillis(0.5), onPlain[0],
                onPlain[1]));
        report.line("");
        report.line("Statements per refresh by kind and table:");
        report.line("");
        for (String name : REALMS) {
            StringBuilder line = new StringBuilder("- " + name + ":");
            statements.get(name).forEach((kind, value) -> line.append(String.format(Locale.ROOT, " %s %.2f;", kind,
                    value[0])));
            report.line(line.toString());
        }
    }

    /** One realm's users, each with its newest refresh token and home address. */
    private static final class Refreshing {

        final String name;
        private final AdminApi admin;
        private final String realmName;
        private final String[] addresses = new String[USERS];
        private final String[] tokens = new String[USERS];

        Refreshing(AdminApi admin, String realmName, String name, List<LoadData.Place> homes) {
            this.admin = admin;
            this.realmName = realmName;
            this.name = name;
            TestRealm realm = name.equals("plain") ? TestRealm.createWithoutProtection(admin, realmName)
                    : TestRealm.create(admin, realmName);
            if (!name.equals("plain")) {
                realm.installTokenRefreshPolicy();
                realm.saveSettings(Map.of("mode", "ENFORCED", "sessions", Map.of("tokenRefresh", name.equals("on"))));
            }
            realm.update(Map.of("eventsEnabled", false));
            for (int i = 0; i < USERS; i++) {
                realm.addUser("user-" + i);
                addresses[i] = homes.get(i).address(10);
                tokens[i] = AdminApi.ok(admin.passwordGrantResponse(realmName, TestRealm.CLIENT, "user-" + i,
                        TestRealm.PASSWORD, "X-Forwarded-For", addresses[i])).get("refresh_token").asText();
            }
        }

        /** One refresh of a user's session from its home address; its time in ns. */
        long refresh(int user) {
            long begin = System.nanoTime();
            HttpResponse<String> response = admin.refreshGrantResponse(realmName, TestRealm.CLIENT, tokens[user],
                    "X-Forwarded-For", addresses[user]);
            long took = System.nanoTime() - begin;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name + ": refresh of user-" + user + " failed with "
                        + response.statusCode() + ": " + response.body());
            }
            tokens[user] = AdminApi.json(response).get("refresh_token").asText();
            return took;
        }
    }
}
