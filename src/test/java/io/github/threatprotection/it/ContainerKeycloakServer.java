package io.github.threatprotection.it;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import dasniko.testcontainers.keycloak.KeycloakContainer;

/**
 * The same server in a container, for machines with a Docker engine. Container networking puts a bridge
 * address between the tests and Keycloak, so every peer is trusted for forwarding headers here; the
 * container is reachable from the test JVM only.
 */
final class ContainerKeycloakServer implements KeycloakServer {

    private final KeycloakContainer container;

    private ContainerKeycloakServer(KeycloakContainer container) {
        this.container = container;
    }

    static ContainerKeycloakServer start(String version, Path providerJar, List<String> options) {
        List<String> command = new java.util.ArrayList<>(options.stream()
                .filter(option -> !option.startsWith("--proxy-trusted-addresses"))
                .toList());
        command.add("--proxy-trusted-addresses=0.0.0.0/0,::/0");
        KeycloakContainer container = new KeycloakContainer("quay.io/keycloak/keycloak:" + version)
                .withAdminUsername(ADMIN_USERNAME)
                .withAdminPassword(ADMIN_PASSWORD)
                .withProviderLibsFrom(List.of(new File(providerJar.toString())))
                .withCustomCommand(String.join(" ", command));
        container.start();
        return new ContainerKeycloakServer(container);
    }

    @Override
    public String baseUrl() {
        String url = container.getAuthServerUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A new container starts from an empty database. */
    @Override
    public boolean keepsDataAcrossRestart() {
        return false;
    }

    @Override
    public void restart() {
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
