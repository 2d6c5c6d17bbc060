package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.threatprotection.docker.DockerfileCopies;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;

/**
 * The parts of {@code docker/} that need the built JAR or a running Keycloak, checked without Docker: the
 * Dockerfile's COPY sources exist after {@code mvn package}; the compose stack's realm file imports into this
 * Keycloak with the extension; its flow-install script binds the protected flows; and a demo user then signs in
 * through them.
 */
@ExtendWith(KeycloakExtension.class)
class DockerFilesIT {

    private static final Path DOCKER = Path.of("docker");

    @Test
    void eachCopySourceOfTheDockerfileMatchesExactlyOneFileAfterPackage() throws IOException {
        // compose.yml builds with the project root as context
        Path context = DOCKER.resolve("..").normalize().toAbsolutePath();
        for (String source : DockerfileCopies.sources(DOCKER.resolve("Dockerfile"))) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + source);
            try (Stream<Path> files = Files.walk(context.resolve(Path.of(source).getParent()), 1)) {
                List<Path> matches = files.map(context::relativize).filter(matcher::matches).toList();
                assertEquals(1, matches.size(), source + " matches " + matches);
            }
        }
    }

    @Test
    void theComposeRealmImportsAndItsFlowScriptProtectsIt(KeycloakServer server) throws Exception {
        AdminApi admin = new AdminApi(server.baseUrl());
        ObjectNode realm = (ObjectNode) AdminApi.JSON.readTree(DOCKER.resolve("realm/demo-realm.json").toFile());
        String name = "docker-demo";
        realm.put("realm", name);
        AdminApi.ok(admin.post("", realm));
        try {
            assertEquals(0, runInstallFlows(server, name), "first run installs");
            assertEquals(0, runInstallFlows(server, name), "a second run finds them installed");

            JsonNode imported = AdminApi.ok(admin.get("/" + name));
            String browserFlow = imported.get("browserFlow").asText();
            List<String> providers = AdminApi.ok(admin.get("/" + name + "/authentication/flows/"
                    + AdminApi.encode(browserFlow) + "/executions")).findValuesAsText("providerId");
            assertTrue(providers.contains("threat-protection"), providers.toString());
            assertTrue(providers.contains("threat-protection-mfa-condition"), providers.toString());
            // installed without riskDecidesMfa: Keycloak's own 2FA keeps asking users who have a second factor
            List<String> keycloak2fa = new ArrayList<>();
            for (JsonNode execution : AdminApi.ok(admin.get("/" + name + "/authentication/flows/"
                    + AdminApi.encode(browserFlow) + "/executions"))) {
                if (execution.get("displayName").asText().endsWith("Browser - Conditional 2FA")) {
                    keycloak2fa.add(execution.get("requirement").asText());
                }
            }
            assertEquals(List.of("CONDITIONAL"), keycloak2fa);
            assertEquals("AUDIT", AdminApi.ok(admin.get("/" + name + "/threat-protection/settings"))
                    .get("mode").asText());

            JsonNode alice = realm.get("users").get(0);
            admin.passwordGrant(name, "demo-app", alice.get("username").asText(),
                    alice.at("/credentials/0/value").asText());
            String aliceId = AdminApi.ok(admin.get("/" + name + "/users?exact=true&username=alice")).get(0)
                    .get("id").asText();
            JsonNode events = AdminApi.ok(admin.get("/" + name + "/threat-protection/users/" + aliceId + "/events"));
            assertEquals(1, events.size(), "the direct grant went through the protected flow: " + events);
            assertEquals(false, events.at("/0/risk/enforced").asBoolean(), "AUDIT mode: " + events);
        } finally {
            admin.delete("/" + name);
        }
    }

    private static int runInstallFlows(KeycloakServer server, String realm) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", DOCKER.resolve("setup/install-flows.sh").toString())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "KC_URL", server.baseUrl(),
                "KC_MANAGEMENT_URL", server.managementUrl(),
                "REALM", realm,
                "KC_ADMIN", KeycloakServer.ADMIN_USERNAME,
                "KC_ADMIN_PASSWORD", KeycloakServer.ADMIN_PASSWORD));
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("install-flows.sh did not finish");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("install-flows.sh: " + output.trim());
        return process.exitValue();
    }
}
