package io.github.threatprotection.it.support;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;

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
    public static final List<String> SERVER_OPTIONS = List.of(
            "--proxy-headers=xforwarded",
            "--proxy-trusted-addresses=127.0.0.1,::1",
            "--health-enabled=true",
            "--metrics-enabled=true",
            "--features=declarative-ui",
            // Quick retries, so a test sees a notification through an SMTP outage in seconds
            "--spi-threat-protection--default--notification-retry=1",
            "--spi-threat-protection--default--notification-max-retry-delay=2");

    /**
     * The range API timeout of the test server: well below the stub's slow answers (2 s), well above a normal
     * answer on a machine busy with other builds (at 500 ms, normal answers timed out under a load average of 20).
     */
    public static final int RANGE_API_TIMEOUT_MILLIS = 1500;
    /**
     * How long every sign-in's breach check takes on the test server: shorter than the default, so that the
     * suite's thousands of sign-ins do not add minutes, and shorter than the stub's delayed answers.
     */
    public static final int RANGE_API_DEADLINE_MILLIS = 50;

    /** Keycloak's outgoing HTTP proxy mappings ({@code hostname-regex;proxy-url}). */
    static final String PROXY_MAPPINGS_OPTION = "--spi-connections-http-client--default--proxy-mappings=";
    /** The host name in the shared range API URL, which Keycloak's proxy mappings send through the proxy. */
    static final String RANGE_API_HOST = "localhost";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);

    /**
     * The shared server with the range API stub it is pointed at and the forward proxy its range calls go
     * through, or why it did not start, so later test classes fail fast with the same reason.
     */
    private record Running(KeycloakServer server, RangeApiStub rangeApi, ForwardProxy proxy,
                           RuntimeException failure)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
            if (rangeApi != null) {
                rangeApi.close();
            }
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KeycloakServer.class || type == RangeApiStub.class || type == ForwardProxy.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running running = running(context);
        Class<?> type = parameter.getParameter().getType();
        return type == RangeApiStub.class ? running.rangeApi() : type == ForwardProxy.class ? running.proxy()
                : running.server();
    }

    private static Running running(ExtensionContext context) {
        Running running = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Running.class, key -> start(), Running.class);
        if (running.failure() != null) {
            throw running.failure();
        }
        return running;
    }

    /**
     * Builds the test breach corpora with the JAR's command line (the shared one, and one that only
     * {@link ReplaceableCorpus} changes), starts the range API stub and the forward proxy, then Keycloak pointed
     * at them. The shared stub is named {@code localhost} in the server's options, the stubs some tests start
     * themselves 127.0.0.1; Keycloak's proxy mappings send calls to {@code localhost} through the proxy, which
     * forwards faithfully. So other tests see the shared stub as before, and their own stubs are called directly.
     */
    private static Running start() {
        String version = System.getProperty("keycloak.version", "26.7.3");
        Path jar = Path.of(required("threatprotection.jar"));
        Path work = Path.of(required("keycloak.work"));
        RangeApiStub rangeApi = null;
        ForwardProxy proxy = null;
        try {
            Path corpus = BreachTestData.buildCorpus(jar, work.resolve("breach"));
            Path replaceable = BreachTestData.buildReplaceableCorpus(jar, work.resolve("breach"));
            rangeApi = RangeApiStub.start();
            proxy = ForwardProxy.start();
            List<String> options = new ArrayList<>(SERVER_OPTIONS);
            options.add("--spi-threat-protection--default--breach-corpus=" + corpus + "," + replaceable);
            options.add("--spi-threat-protection--default--pwned-passwords-url=" + rangeApiUrl(rangeApi));
            options.add(PROXY_MAPPINGS_OPTION + proxy.mappingFor(RANGE_API_HOST));
            options.add("--spi-threat-protection--default--pwned-passwords-timeout=" + RANGE_API_TIMEOUT_MILLIS);
            options.add("--spi-threat-protection--default--pwned-passwords-deadline=" + RANGE_API_DEADLINE_MILLIS);
            options.addAll(TestGeoData.write(work.resolve("geo")));
            // For debugging a run, e.g. -Dkeycloak.extra-options=--log-level=INFO,org.keycloak.authentication:debug
            for (String extra : System.getProperty("keycloak.extra-options", "").split(" ")) {
                if (!extra.isBlank()) {
                    options.add(extra);
                }
            }
            KeycloakServer server = useContainer()
                    ? ContainerKeycloakServer.start(version, jar, options)
                    : DistributionKeycloakServer.start(Path.of(required("keycloak.dist")), jar, work, options, 0, 0);
            return new Running(server, rangeApi, proxy, null);
        } catch (Exception e) {
            if (rangeApi != null) {
                rangeApi.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            RuntimeException failure = e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Keycloak did not start: " + e.getMessage(), e);
            return new Running(null, null, null, failure);
        }
    }

    /** The shared stub's URL as the test server is given it, under {@link #RANGE_API_HOST}. */
    public static String rangeApiUrl(RangeApiStub rangeApi) {
        return "http://" + RANGE_API_HOST + ":" + URI.create(rangeApi.url()).getPort();
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

    public static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set; run the integration"
                    + " tests through Maven (mvn verify)");
        }
        return value;
    }
}
