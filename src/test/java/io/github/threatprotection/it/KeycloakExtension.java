package io.github.threatprotection.it;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one Keycloak for the whole test run, on first use, and stops it when the run ends. Test classes get
 * it as a parameter ({@code @BeforeAll static void setUp(KeycloakServer server)}).
 * <p>
 * {@code -Dkeycloak.server=distribution|container|auto} chooses how: the unpacked distribution as a process,
 * or testcontainers-keycloak; {@code auto} (default) takes the container only where a Docker engine answers.
 */
public class KeycloakExtension implements ParameterResolver {

    /** Options every test server runs with; tests present client addresses through X-Forwarded-For. */
    static final List<String> SERVER_OPTIONS = List.of(
            "--proxy-headers=xforwarded",
            "--proxy-trusted-addresses=127.0.0.1,::1",
            "--health-enabled=true",
            "--metrics-enabled=true",
            "--features=declarative-ui");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);

    /** The shared server, or why it did not start, so later test classes fail fast with the same reason. */
    private record Running(KeycloakServer server, RuntimeException failure)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    static KeycloakServer server(ExtensionContext context) {
        Running running = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Running.class, key -> {
                    try {
                        return new Running(startServer(), null);
                    } catch (RuntimeException e) {
                        return new Running(null, e);
                    }
                }, Running.class);
        if (running.failure() != null) {
            throw running.failure();
        }
        return running.server();
    }

    private static KeycloakServer startServer() {
        String version = System.getProperty("keycloak.version", "26.7.3");
        Path jar = Path.of(required("threatprotection.jar"));
        try {
            if (useContainer()) {
                return ContainerKeycloakServer.start(version, jar, SERVER_OPTIONS);
            }
            return DistributionKeycloakServer.start(Path.of(required("keycloak.dist")), jar,
                    Path.of(required("keycloak.work")), SERVER_OPTIONS, 0, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Keycloak did not start: " + e.getMessage(), e);
        }
    }

    private static boolean useContainer() {
        String choice = System.getProperty("keycloak.server", "auto");
        return switch (choice) {
            case "distribution" -> false;
            case "container" -> true;
            case "auto" -> dockerAvailable();
            default -> throw new IllegalArgumentException(
                    "keycloak.server must be distribution, container or auto, not " + choice);
        };
    }

    private static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set; run the integration"
                    + " tests through Maven (mvn verify)");
        }
        return value;
    }
}
