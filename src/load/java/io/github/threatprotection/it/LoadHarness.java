package io.github.threatprotection.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The load driver's one way into the parts of the integration tests' harness that are not public: the test
 * server's options and launcher, the system properties Maven sets, and a realm's SMTP settings. The driver starts
 * Keycloak exactly as the tests do, so it takes these from the harness instead of keeping copies of them; this
 * class sits in the harness's package (compiled with src/load) because src/test keeps them package-private.
 */
public final class LoadHarness {

    private LoadHarness() {
    }

    /** The options every test server runs with. */
    public static List<String> serverOptions() {
        return KeycloakExtension.SERVER_OPTIONS;
    }

    /** A system property Maven sets for the tests and for the load profile; a clear error without it. */
    public static String required(String property) {
        return KeycloakExtension.required(property);
    }

    /** Starts an unpacked distribution with the given extension JAR, as the tests' server, on free ports. */
    public static KeycloakServer startDistribution(Path distribution, Path jar, Path work, List<String> options)
            throws Exception {
        return DistributionKeycloakServer.start(distribution, jar, work, options, 0, 0);
    }

    /** The process of a server that {@link #startDistribution} started (kc.sh, the Java process below it). */
    public static ProcessHandle process(KeycloakServer server) {
        return ((DistributionKeycloakServer) server).processHandle();
    }

    /** A realm's {@code smtpServer} settings for an SMTP server on this machine's loopback address. */
    public static Map<String, String> smtpSettings(int port) {
        return Mailbox.smtpSettings(port);
    }
}
