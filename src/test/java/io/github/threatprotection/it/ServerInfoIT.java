package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;

@ExtendWith(KeycloakExtension.class)
class ServerInfoIT {

    @Test
    void theServerInfoPageShowsTheVersionFromTheJarsManifest(KeycloakServer server) throws Exception {
        String manifestVersion;
        try (JarFile jar = new JarFile(Path.of(System.getProperty("threatprotection.jar")).toFile())) {
            manifestVersion = jar.getManifest().getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
            assertEquals("Keycloak Threat Protection",
                    jar.getManifest().getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_TITLE));
        }
        assertNotNull(manifestVersion, "the JAR's manifest has an Implementation-Version");

        AdminApi admin = new AdminApi(server.baseUrl());
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/serverinfo"))
                        .header("Authorization", "Bearer " + admin.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode info = AdminApi.ok(response)
                .at("/providers/threat-protection/providers/default/operationalInfo");

        assertEquals(manifestVersion, info.path("version").asText(), info.toString());
    }
}
