package io.github.threatprotection.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.keycloak.common.Version;
import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The event history page: static HTML, script and style from the JAR. It holds no data and no secret; the
 * script signs the admin in with the realm's {@value ConsoleClient#CLIENT_ID} client (authorization code with
 * PKCE) and calls the admin REST API with the token, which Keycloak checks as for any admin call.
 */
public class ConsoleResource {

    private static final Map<String, String> FILES = Map.of(
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    /**
     * Everything the page loads comes from this server; nothing inline, nothing from elsewhere. PatternFly's
     * style sheet draws a few icons as data: images and loads its fonts from beside it; a CSV export is saved
     * from a blob: address.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    /**
     * PatternFly 5, as the Keycloak server itself ships and serves it for its own themes (the keycloak-themes-vendor
     * library, under the common theme "keycloak"): the page looks like the admin console without this JAR carrying
     * a copy of its own, and follows the server's PatternFly when Keycloak is upgraded.
     */
    static final String PATTERNFLY = "common/keycloak/vendor/patternfly-v5/";

    private final KeycloakSession session;

    ConsoleResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    public Response index() {
        String basePath = session.getContext().getUri().getBaseUri().getPath();
        String realm = session.getContext().getRealm().getName();
        String base = basePath.endsWith("/") ? basePath : basePath + "/";
        String html = read("index.html")
                .replace("{{patternfly}}", escape(base + "resources/" + Version.RESOURCES_VERSION + "/" + PATTERNFLY))
                .replace("{{basePath}}", escape(base))
                .replace("{{realmPath}}", escape(URLEncoder.encode(realm, StandardCharsets.UTF_8).replace("+", "%20")))
                .replace("{{realm}}", escape(realm));
        return secured(Response.ok(html, "text/html; charset=utf-8"));
    }

    /**
     * Where the account console's "Sign-in activity" page lands its silent sign-in, in a hidden frame of the same
     * origin: an empty page that only that origin may frame, whose address the page reads the code from.
     */
    @GET
    @Path("signed-in")
    public Response signedIn() {
        session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
        return Response.ok("<!doctype html><title>Signed in</title>", "text/html; charset=utf-8")
                .header("X-Frame-Options", "SAMEORIGIN")
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .build();
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String file) {
        String type = FILES.get(file);
        if (type == null) {
            throw new NotFoundException();
        }
        return secured(Response.ok(read(file), type));
    }

    /** Keycloak's realm-wide headers would replace this page's stricter policy; the page sets all of its own. */
    private Response secured(Response.ResponseBuilder response) {
        session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
        return response
                .header("X-Frame-Options", "DENY")
                .header("X-Robots-Tag", "none")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .build();
    }

    private static String read(String file) {
        try (InputStream in = ConsoleResource.class.getResourceAsStream("/" + ConsoleResourceProviderFactory.ID
                + "/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing from the JAR: " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For HTML text and attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
