package io.github.threatprotection.load;

import java.nio.file.Path;
import java.util.List;

import io.github.threatprotection.it.KeycloakServer;
import io.github.threatprotection.it.LoadHarness;

/**
 * One Keycloak server of the run, started as the tests start theirs: its URLs, its process tree and the Java
 * process in it (for the CPU accounting and the JIT's state), and the application name its database connections
 * carry in PostgreSQL's statement log.
 */
record RunningServer(KeycloakServer keycloak, ProcessHandle process, long java, String applicationName) {

    static RunningServer start(Path distribution, Path jar, Path work, List<String> options, String applicationName)
            throws Exception {
        KeycloakServer keycloak = LoadHarness.startDistribution(distribution, jar, work, options);
        ProcessHandle process = LoadHarness.process(keycloak);
        return new RunningServer(keycloak, process, CpuTime.javaProcess(process), applicationName);
    }
}
