package io.github.threatprotection.it.support;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.testcontainers.Testcontainers;
import org.testcontainers.utility.MountableFile;

import dasniko.testcontainers.keycloak.KeycloakContainer;

/**
 * The same server in a container, for machines with a Docker engine. Container networking puts a bridge
 * address between the tests and Keycloak, so every peer is trusted for forwarding headers here; the
 * container is reachable from the test JVM only. Not exercised on the project's CI machines, which have no
 * Docker engine.
 */
public final class ContainerKeycloakServer implements KeycloakServer {

    private static final String CORPUS_OPTION = "--spi-threat-protection--default--breach-corpus=";
    private static final String RANGE_API_OPTION = "--spi-threat-protection--default--pwned-passwords-url=";
    private static final String PROXY_MAPPINGS_OPTION = KeycloakExtension.PROXY_MAPPINGS_OPTION;
    private static final String CONTAINER_CORPORA = "/opt/keycloak/data/breached-";

    private final KeycloakContainer container;

    private ContainerKeycloakServer(KeycloakContainer container) {
        this.container = container;
    }

    public static ContainerKeycloakServer start(String version, Path providerJar, List<String> options) {
        List<String> command = new ArrayList<>();
        Map<String, MountableFile> copies = new LinkedHashMap<>();
        boolean proxied = options.stream().anyMatch(option -> option.startsWith(PROXY_MAPPINGS_OPTION));
        for (String option : options) {
            if (option.startsWith("--proxy-trusted-addresses")) {
                continue;
            }
            if (option.startsWith(CORPUS_OPTION)) {
                // The corpus files go into the container.
                List<String> inContainer = new ArrayList<>();
                for (String file : option.substring(CORPUS_OPTION.length()).split(",")) {
                    String target = CONTAINER_CORPORA + copies.size() + ".corpus";
                    copies.put(target, MountableFile.forHostPath(file));
                    inContainer.add(target);
                }
                command.add(CORPUS_OPTION + String.join(",", inContainer));
            } else if (option.startsWith(PROXY_MAPPINGS_OPTION)) {
                // The forward proxy listens on the host: mapped calls reach it through testcontainers, and it
                // resolves their host names (the range API's localhost) on the host.
                String[] mapping = option.substring(PROXY_MAPPINGS_OPTION.length()).split(";", 2);
                int port = URI.create(mapping[1]).getPort();
                Testcontainers.exposeHostPorts(port);
                command.add(PROXY_MAPPINGS_OPTION + mapping[0] + ";http://host.testcontainers.internal:" + port);
            } else if (option.startsWith(RANGE_API_OPTION) && !proxied) {
                // The range API stub listens on the host; the container reaches it through testcontainers.
                URI url = URI.create(option.substring(RANGE_API_OPTION.length()));
                Testcontainers.exposeHostPorts(url.getPort());
                command.add(RANGE_API_OPTION + "http://host.testcontainers.internal:" + url.getPort());
            } else {
                command.add(option);
            }
        }
        command.add("--proxy-trusted-addresses=0.0.0.0/0,::/0");
        KeycloakContainer container = new KeycloakContainer("quay.io/keycloak/keycloak:" + version)
                .withAdminUsername(ADMIN_USERNAME)
                .withAdminPassword(ADMIN_PASSWORD)
                .withProviderLibsFrom(List.of(new File(providerJar.toString())))
                .withAccessToHost(true)
                .withCustomCommand(String.join(" ", command));
        copies.forEach((target, file) -> container.withCopyFileToContainer(file, target));
        container.start();
        return new ContainerKeycloakServer(container);
    }

    @Override
    public String baseUrl() {
        String url = container.getAuthServerUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String managementUrl() {
        String url = container.getMgmtServerUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The corpora are copies inside the container: what a test does to the files does not reach it. */
    @Override
    public boolean sharesFilesWithTests() {
        return false;
    }

    /** A new container starts from an empty database. */
    @Override
    public boolean keepsDataAcrossRestart() {
        return false;
    }

    @Override
    public void restart(List<String> extraOptions) {
        throw new UnsupportedOperationException("a container restart loses the dev database");
    }

    @Override
    public String log() {
        return container.getLogs();
    }

    @Override
    public void close() {
        container.stop();
    }
}
