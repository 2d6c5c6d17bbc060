package io.github.threatprotection.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.Json;
import io.github.threatprotection.server.ServerOptions;
import io.github.threatprotection.settings.SettingsParser;

/**
 * What can be checked of {@code docker/} without a Docker engine: the files parse, every local file they
 * reference exists, the services they name exist, and the extension options they set are ones the extension has.
 * The built JAR the Dockerfile copies is checked after {@code mvn package} by {@code DockerFilesIT}.
 */
class DockerFilesTest {

    static final Path DOCKER = Path.of("docker");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SPI_ENV = Pattern.compile("KC_SPI_THREAT_PROTECTION__DEFAULT__([A-Z0-9_]+)");

    private static JsonNode compose() throws IOException {
        return YAML.readTree(DOCKER.resolve("compose.yml").toFile());
    }

    /** The host side of a short-syntax bind mount, or null for a named volume. */
    private static Path hostPath(String volume) {
        String source = volume.substring(0, volume.indexOf(':'));
        return source.startsWith(".") || source.startsWith("/") ? DOCKER.resolve(source).normalize() : null;
    }

    @Test
    void everyLocalFileTheComposeFileReferencesExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = compose().get("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode build = service.getValue().get("build");
            if (build != null) {
                Path context = DOCKER.resolve(build.get("context").asText()).normalize();
                checked += 2;
                if (!Files.isDirectory(context)) {
                    missing.add(service.getKey() + " build context " + context);
                }
                if (!Files.isRegularFile(context.resolve(build.get("dockerfile").asText()))) {
                    missing.add(service.getKey() + " dockerfile " + build.get("dockerfile").asText());
                }
            }
            for (JsonNode volume : service.getValue().path("volumes")) {
                Path host = hostPath(volume.asText());
                if (host != null) {
                    checked++;
                    if (!Files.exists(host)) {
                        missing.add(service.getKey() + " volume " + volume.asText());
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
        assertTrue(checked >= 8, "the compose file's references were found: " + checked);
    }

    @Test
    void servicesDependOnAndTalkToServicesThatExist() throws IOException {
        JsonNode services = compose().get("services");
        Set<String> names = new HashSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(Set.of("keycloak", "postgres", "mailpit", "prometheus", "grafana")), names::toString);
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode dependsOn = service.getValue().path("depends_on");
            List<String> dependencies = new ArrayList<>();
            if (dependsOn.isArray()) {
                dependsOn.forEach(name -> dependencies.add(name.asText()));
            } else {
                dependsOn.fieldNames().forEachRemaining(dependencies::add);
            }
            assertTrue(names.containsAll(dependencies), service.getKey() + " depends on " + dependencies);
        }

        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
        JsonNode keycloakJob = prometheus.at("/scrape_configs/0");
        assertEquals("/metrics", keycloakJob.get("metrics_path").asText());
        assertEquals("keycloak:9000", keycloakJob.at("/static_configs/0/targets/0").asText(),
                "Prometheus scrapes Keycloak's management port");

        JsonNode datasources = YAML.readTree(
                DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml").toFile());
        assertEquals("http://prometheus:9090", datasources.at("/datasources/0/url").asText());
        assertTrue(services.at("/prometheus/ports/0").asText().endsWith(":9090"));
    }

    @Test
    void grafanaFindsTheDashboardWhereTheComposeFileMountsIt() throws IOException {
        JsonNode providers = YAML.readTree(
                DOCKER.resolve("grafana/provisioning/dashboards/threat-protection.yml").toFile());
        String folder = providers.at("/providers/0/options/path").asText();
        List<String> mountedThere = new ArrayList<>();
        for (JsonNode volume : compose().at("/services/grafana/volumes")) {
            String[] parts = volume.asText().split(":");
            if (Path.of(parts[1]).getParent().equals(Path.of(folder))) {
                mountedThere.add(parts[0]);
            }
        }
        assertEquals(List.of("./grafana/threat-protection-dashboard.json"), mountedThere);
        assertTrue(Json.read(Files.readString(DOCKER.resolve(mountedThere.get(0)))).has("panels"));
    }

    @Test
    void theExtensionOptionsSetInTheComposeFileAreOptionsTheExtensionHas() throws IOException {
        Set<String> declared = new HashSet<>();
        ServerOptions.metadata().forEach(option -> declared.add(option.getName()));
        List<String> used = new ArrayList<>();
        compose().at("/services/keycloak/environment").fieldNames().forEachRemaining(name -> {
            Matcher matcher = SPI_ENV.matcher(name);
            if (matcher.matches()) {
                used.add(matcher.group(1).toLowerCase().replace('_', '-'));
            }
        });
        assertFalse(used.isEmpty());
        assertTrue(declared.containsAll(used), used + " not all in " + declared);
    }

    @Test
    void theImportedRealmsSettingsAreValidAndNameItsClients() throws IOException {
        JsonNode realm = Json.read(Files.readString(DOCKER.resolve("realm/demo-realm.json")));
        Set<String> clients = new HashSet<>();
        realm.get("clients").forEach(client -> clients.add(client.get("clientId").asText()));
        JsonNode settings = Json.read(realm.at("/attributes/threatProtection.settings").asText());
        try {
            SettingsParser.parse(settings, clients::contains);
        } catch (Exception e) {
            throw new AssertionError("the demo realm's settings do not parse: " + e.getMessage(), e);
        }
        assertEquals("AUDIT", settings.get("mode").asText());
        assertEquals("mailpit", realm.at("/smtpServer/host").asText());
        assertTrue(compose().at("/services").has("mailpit"));
    }

    @Test
    void theDockerfileCopiesOnlyWhatItsIgnoreFileLetsIntoTheBuildContext() throws IOException {
        List<String> sources = DockerfileCopies.sources(DOCKER.resolve("Dockerfile"));
        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"));
        assertEquals(List.of("target/keycloak-threat-protection-*.jar"), sources);
        for (String source : sources) {
            assertTrue(ignore.contains("!" + source), "the ignore file lets " + source + " through: " + ignore);
        }
    }
}
