package io.github.threatprotection.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Keycloak's admin REST API as the master realm's admin, or as any bearer token a test passes. */
public final class AdminApi {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String adminToken;
    private long adminTokenTime;

    public AdminApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A fresh-enough master admin token (master tokens live for a minute). */
    public String adminToken() {
        if (adminToken == null || System.nanoTime() - adminTokenTime > Duration.ofSeconds(30).toNanos()) {
            adminToken = passwordGrant("master", "admin-cli", KeycloakServer.ADMIN_USERNAME,
                    KeycloakServer.ADMIN_PASSWORD).get("access_token").asText();
            adminTokenTime = System.nanoTime();
        }
        return adminToken;
    }

    /** The token endpoint's answer to a direct grant; fails the test unless it is 200. */
    public JsonNode passwordGrant(String realm, String clientId, String username, String password) {
        HttpResponse<String> response = passwordGrantResponse(realm, clientId, username, password);
        if (response.statusCode() != 200) {
            throw new AssertionError("direct grant for " + username + " failed: " + response.statusCode() + " "
                    + response.body());
        }
        return json(response);
    }

    public HttpResponse<String> passwordGrantResponse(String realm, String clientId, String username,
                                                      String password, String... headers) {
        return tokenRequest(realm, "grant_type=password&client_id=" + encode(clientId) + "&username="
                + encode(username) + "&password=" + encode(password) + "&scope=openid", headers);
    }

    /** @param headers more request headers as name, value pairs, such as {@code X-Forwarded-For} */
    public HttpResponse<String> refreshGrantResponse(String realm, String clientId, String refreshToken,
                                                     String... headers) {
        return tokenRequest(realm, "grant_type=refresh_token&client_id=" + encode(clientId) + "&refresh_token="
                + encode(refreshToken), headers);
    }

    /** A direct grant asking for an offline token as well; fails the test unless it is 200. */
    public JsonNode offlineGrant(String realm, String clientId, String username, String password,
                                 String... headers) {
        return ok(tokenRequest(realm, "grant_type=password&client_id=" + encode(clientId) + "&username="
                + encode(username) + "&password=" + encode(password) + "&scope="
                + encode("openid offline_access"), headers));
    }

    /** A POST of a form to the realm's token endpoint, with more headers as name, value pairs. */
    private HttpResponse<String> tokenRequest(String realm, String form, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm
                        + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public HttpResponse<String> get(String path) {
        return request("GET", path, null, adminToken());
    }

    public HttpResponse<String> put(String path, Object body) {
        return request("PUT", path, body, adminToken());
    }

    public HttpResponse<String> post(String path, Object body) {
        return request("POST", path, body, adminToken());
    }

    public HttpResponse<String> delete(String path) {
        return request("DELETE", path, null, adminToken());
    }

    /** Any admin REST call; {@code token} null sends no Authorization header. */
    public HttpResponse<String> request(String method, String path, Object body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms" + path))
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String text = body instanceof String s ? s : write(body);
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(text));
        }
        return send(request.build());
    }

    /** The body as JSON, failing the test on a non-2xx status. */
    public static JsonNode ok(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return json(response);
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
