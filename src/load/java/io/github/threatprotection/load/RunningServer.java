package io.github.threatprotection.load;

import java.nio.file.Path;
import java.util.List;

import io.github.threatprotection.it.support.DistributionKeycloakServer;
import io.github.threatprotection.it.support.KeycloakServer;

/**
 * One Keycloak server of the run, started as the tests start theirs: its URLs, its process tree and the Java
 * process in it (for the CPU accounting and the JIT's state), and the application name its database connections
 * carry in PostgreSQL's statement log.
 */
record RunningServer(KeycloakServer keycloak, ProcessHandle process, long java, String applicationName) {

    static RunningServer start(Path distribution, Path jar, Path work, List<String> options, String applicationName)
            throws Exception {
        DistributionKeycloakServer keycloak = DistributionKeycloakServer.start(distribution, jar, work, options, 0, 0);
        ProcessHandle process = keycloak.processHandle();
        return new RunningServer(keycloak, process, CpuTime.javaProcess(process), applicationName);
    }
}
