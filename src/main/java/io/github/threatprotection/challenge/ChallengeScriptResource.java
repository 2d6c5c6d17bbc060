package io.github.threatprotection.challenge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/**
 * Serves the proof-of-work script at {@code /realms/{realm}/threat-protection/challenge/proof-of-work.js}. The
 * script is the same for every page; the puzzle comes in its own URL's query, which the script reads.
 */
public class ChallengeScriptResource {

    private static final byte[] SCRIPT = load();

    @GET
    @Path("proof-of-work.js")
    public Response proofOfWork() {
        CacheControl cache = new CacheControl();
        // Each page's URL carries its own puzzle: caching would never be hit.
        cache.setNoStore(true);
        return Response.ok(SCRIPT, "text/javascript; charset=utf-8").cacheControl(cache).build();
    }

    private static byte[] load() {
        try (InputStream in = ChallengeScriptResource.class.getResourceAsStream("proof-of-work.js")) {
            if (in == null) {
                throw new IllegalStateException("proof-of-work.js is missing from the provider JAR");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
