package io.github.threatprotection.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.github.threatprotection.it.support.KeycloakExtension;


/**
 * The run's Keycloak servers: this build's, and with option baseline a second one that runs another JAR (e.g.
 * main's) on the same database and realms, for a before/after comparison in the same run.
 */
final class Servers implements AutoCloseable {

    private static final String BRANCH = "kc-branch";
    private static final String BASELINE = "kc-baseline";

    private final Path distribution;
    private final Path work;
    private final LoadDatabase database;
    private final LoadData.Data data;
    private final RunningServer branch;
    private RunningServer baseline;

    private Servers(Path distribution, Path work, LoadDatabase database, LoadData.Data data, Path jar)
            throws Exception {
        this.distribution = distribution;
        this.work = work;
        this.database = database;
        this.data = data;
        this.branch = RunningServer.start(distribution, jar, work, options(BRANCH), BRANCH);
    }

    /** Starts this build's server. */
    static Servers start(Path distribution, Path jar, Path work, LoadDatabase database, LoadData.Data data)
            throws Exception {
        return new Servers(distribution, work, database, data, jar);
    }

    /** Starts the second server with another JAR, in its own copy of the distribution, kept between runs. */
    RunningServer startBaseline(Path jar) throws Exception {
        Path home = work.resolve("baseline/keycloak");
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            Files.createDirectories(home.getParent());
            Process copy = new ProcessBuilder("cp", "-a", distribution.toString(), home.toString())
                    .inheritIO().start();
            if (copy.waitFor() != 0) {
                throw new IllegalStateException("copying the distribution failed");
            }
        }
        baseline = RunningServer.start(home, jar, work.resolve("baseline"), options(BASELINE), BASELINE);
        return baseline;
    }

    /** The tests' server options, the database, production caching and the run's data files. */
    private List<String> options(String applicationName) {
        // Without --proxy-trusted-addresses: with it, Quarkus's ForwardedProxyHandler opens a DNS client per
        // request whose UDP socket is never closed, and the server runs out of file descriptors after ~20,000
        // requests. Forwarding headers are then accepted from any peer, which here is only the driver.
        List<String> options = new ArrayList<>(KeycloakExtension.SERVER_OPTIONS.stream()
                .filter(option -> !option.startsWith("--proxy-trusted-addresses")).toList());
        options.addAll(List.of(
                "--db=postgres", "--db-url=" + database.jdbcUrl(applicationName), "--db-username=postgres",
                "--db-password=postgres",
                // start-dev turns theme and template caching off; a production server keeps them on
                "--spi-theme--cache-themes=true", "--spi-theme--cache-templates=true",
                "--spi-threat-protection--default--breach-corpus=" + data.corpus(),
                "--spi-threat-protection--default--geoip-city-database=" + data.city(),
                "--spi-threat-protection--default--geoip-asn-database=" + data.asn(),
                "--spi-threat-protection--default--ip-reputation-lists=" + data.reputation()));
        return options;
    }

    RunningServer branch() {
        return branch;
    }

    /** The second server, null without option baseline. */
    RunningServer baseline() {
        return baseline;
    }

    /** This build's server, then the second one if there is one. */
    List<RunningServer> all() {
        return baseline == null ? List.of(branch) : List.of(branch, baseline);
    }

    @Override
    public void close() {
        if (baseline != null) {
            baseline.keycloak().close();
        }
        branch.keycloak().close();
    }
}
