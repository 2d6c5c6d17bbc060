package io.github.threatprotection.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Keycloak server distribution that Maven unpacked under {@code target/}, with the freshly built JAR
 * in {@code providers/}, as a child process on free ports and on a fresh H2 database.
 */
public final class DistributionKeycloakServer implements KeycloakServer {

    private static final Duration STARTUP_TIMEOUT =
            Duration.ofSeconds(Long.getLong("keycloak.startup-timeout-seconds", 300));

    private final Path home;
    private final Path log;
    private final List<String> options;
    private final List<String> extraOptions = new ArrayList<>();
    private final int httpPort;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private DistributionKeycloakServer(Path home, Path log, List<String> options, int httpPort,
                                       int managementPort) {
        this.home = home;
        this.log = log;
        this.httpPort = httpPort == 0 ? freePort() : httpPort;
        this.managementPort = managementPort == 0 ? freePort() : managementPort;
        this.options = new ArrayList<>(options);
        this.options.add("--http-port=" + this.httpPort);
        this.options.add("--http-management-port=" + this.managementPort);
    }

    /**
     * @param distribution  the unpacked {@code keycloak-<version>} folder
     * @param providerJar   the extension JAR to install
     * @param workDirectory where the log goes
     * @param httpPort      0 for any free port; likewise {@code managementPort}
     */
    public static DistributionKeycloakServer start(Path distribution, Path providerJar, Path workDirectory,
                                            List<String> options, int httpPort, int managementPort)
            throws Exception {
        if (!Files.isRegularFile(distribution.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + distribution
                    + "; run the tests through Maven (mvn verify), which unpacks it");
        }
        if (!Files.isRegularFile(providerJar)) {
            throw new IllegalStateException("No extension JAR at " + providerJar + "; run mvn package first");
        }
        Files.createDirectories(workDirectory);
        Path providers = distribution.resolve("providers");
        try (Stream<Path> installed = Files.list(providers)) {
            for (Path jar : installed.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.delete(jar);
            }
        }
        Files.copy(providerJar, providers.resolve("threat-protection.jar"), StandardCopyOption.REPLACE_EXISTING);
        deleteRecursively(distribution.resolve("data"));
        DistributionKeycloakServer server = new DistributionKeycloakServer(distribution,
                workDirectory.resolve("keycloak.log"), options, httpPort, managementPort);
        Files.deleteIfExists(server.log);
        server.startProcess();
        return server;
    }

    private void startProcess() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.add("start-dev");
        // An extra option replaces a run option of the same name.
        for (String option : options) {
            if (extraOptions.stream().noneMatch(extra -> optionName(extra).equals(optionName(option)))) {
                command.add(option);
            }
        }
        command.addAll(extraOptions);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        process = builder.start();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        URI health = URI.create("http://localhost:" + managementPort + "/health/ready");
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " during startup;"
                        + " last lines of " + log + ":\n" + tail(80));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(health)
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            }
            Thread.sleep(500);
        }
        stopProcess();
        throw new IllegalStateException("Keycloak was not ready after " + STARTUP_TIMEOUT + " (" + health + " last"
                + " answered: " + lastAnswer + "); last lines of " + log + ":\n" + tail(80));
    }

    @Override
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public Path logFile() {
        return log;
    }

    /** The running server's process (kc.sh, with the Java process below it), for the load driver's CPU count. */
    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    @Override
    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    @Override
    public boolean keepsDataAcrossRestart() {
        return true;
    }

    @Override
    public void restart(List<String> extra) throws Exception {
        stopProcess();
        extraOptions.clear();
        extraOptions.addAll(extra);
        startProcess();
    }

    @Override
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stopProcess();
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static String optionName(String option) {
        int equals = option.indexOf('=');
        return equals < 0 ? option : option.substring(0, equals);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
