package io.github.threatprotection.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.Mailbox;

/**
 * What protection costs a real sign-in: real browser-flow sign-ins (login page, form POST, redirect with the code,
 * code exchange) against the test server (the same distribution, options and JAR as the integration tests) on an
 * embedded PostgreSQL, for several realms ({@link RealmSetup}) interleaved in one run, so background noise hits
 * all alike. With option baseline, realms C and A are also signed in to through a second server that runs another
 * JAR on the same database, for a before/after comparison of a change in the same run: each JAR's added cost is
 * taken against plain Keycloak on its own server.
 * <p>
 * The step's own time comes from the extension's timer in each server's /metrics. Earlier sign-ins are copies of
 * the user's real first event, inserted with SQL before the run; after each batch of a C realm the events it added
 * are deleted again (outside the timed part; pending notifications are kept), so a user's history stays at its
 * size. Then, one realm at a time, the SQL statements per sign-in are counted from PostgreSQL's statement log. The
 * CPU time Linux accounts to each process (Keycloak, PostgreSQL, the driver) is read before and after every
 * measured batch, for the CPU a sign-in costs and where. Mail goes to an {@link SmtpSink} that keeps nothing, so the
 * mail server's work is not charged to the sign-ins. Prints Markdown tables and writes them to
 * {@code target/load/results-*.md}.
 * <p>
 * This class is the entry point: it reads the options ({@link LoadOptions}) and runs the parts in order.
 */
public final class LoadDriver {

    private final LoadOptions options;
    private final Report report;
    /** What the run started, closed in reverse order at the end. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    private LoadDriver(LoadOptions options, Report report) {
        this.options = options;
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        LoadDriver driver = new LoadDriver(LoadOptions.parse(args), new Report(System.out));
        try {
            driver.run();
        } finally {
            driver.close();
        }
    }

    private void run() throws Exception {
        Path work = Path.of(KeycloakExtension.required("keycloak.work"));
        Path jar = Path.of(KeycloakExtension.required("threatprotection.jar"));
        Path distribution = Path.of(KeycloakExtension.required("keycloak.dist"));
        report.line("# Sign-in load run " + Instant.now());
        report.line("");
        report.line("Options: " + options + "; load average before setup: " + Report.loadAverage());
        long setUp = System.nanoTime();
        LoadData.Data data = LoadData.write(jar, work.resolve("data"), options.corpus(), 50_000, 10_000,
                LoadRealm.USERS);
        report.line("Data ready after " + Report.seconds(setUp) + " s (corpus "
                + Files.size(data.corpus()) / (1 << 20) + " MiB)");

        LoadDatabase database = started(LoadDatabase.start(work));
        SmtpSink sink = null;
        Map<String, String> smtp;
        switch (options.smtp()) {
            case "sink" -> {
                sink = started(SmtpSink.start());
                smtp = sink.smtpSettings();
            }
            case "greenmail" -> smtp = started(Mailbox.start()).smtpSettings();
            default -> throw new IllegalArgumentException("smtp must be sink or greenmail");
        }
        Servers servers = started(Servers.start(distribution, jar, work, database, data));
        report.line("Keycloak and PostgreSQL up after " + Report.seconds(setUp) + " s");

        EventTables events = new EventTables(database.connection());
        RealmSetup setup = new RealmSetup(servers.branch(), smtp, data, events);
        Map<String, LoadRealm> realms = setup.create(options.quiet(), options.curve());
        report.line("Events in the table: " + setup.seedHistory(realms));
        if (options.failures() > 0) {
            report.line("Failed sign-ins from the users' networks: "
                    + events.seedAttack(realms.get("C"), options.failures()));
        }
        report.line("Realms and history ready after " + Report.seconds(setUp) + " s");
        Optional<Path> baselineJar = options.baseline();
        if (baselineJar.isPresent()) {
            RealmSetup.addSecondServer(realms, servers.startBaseline(baselineJar.get()));
            report.line("Second server with " + baselineJar.get().getFileName() + " up after "
                    + Report.seconds(setUp) + " s");
        }

        CpuAccounting cpu = new CpuAccounting(servers, database.postmaster());
        SignIns signIns = started(new SignIns(options.batch(), events, cpu));
        CompilerWarmUp compiler = new CompilerWarmUp(servers.all());
        String compiled = compiler.run(signIns, new ArrayList<>(realms.values()), options.batch(),
                options.jitMinutes());
        StepTimer stepTimer = new StepTimer();
        Measurement measurement = new Measurement(signIns, stepTimer, servers.all(), options.warmUp(),
                options.signIns());
        for (int concurrency : options.concurrencies()) {
            measurement.run(realms.values(), concurrency);
        }
        Map<String, Map<String, double[]>> statements = new StatementCount(database, events)
                .count(realms, options.writes());

        report.line("");
        report.line("## Results");
        report.line("");
        report.line("Load average (1/5/15 min) before → after: " + measurement.loads());
        report.line("");
        report.line(compiled);
        report.line("");
        report.line("The step's compiled levels at the end: " + compiler.levelsNow());
        if (sink != null) {
            report.line("");
            report.line("Mails the SMTP sink received: " + sink.received());
        }
        report.line("");
        new LatencyTables(report, measurement.results()).write(options.concurrencies());
        CostTables costs = new CostTables(report);
        costs.step(stepTimer);
        costs.cpu(cpu, options.concurrencies());
        costs.statements(statements, options.writes());
        report.writeTo(work);
    }

    private <T extends AutoCloseable> T started(T part) {
        started.push(part);
        return part;
    }

    private void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                report.warn("closing " + part.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
