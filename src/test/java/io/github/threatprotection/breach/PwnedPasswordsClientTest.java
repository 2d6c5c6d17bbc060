package io.github.threatprotection.breach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

import org.apache.http.impl.client.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The range API client against a real local HTTP server, through an Apache client built by Keycloak's own
 * {@code HttpClientBuilder} with the settings its default {@code connections-http-client} provider uses.
 */
class PwnedPasswordsClientTest {

    private static final String KNOWN = "password1";

    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<String> padding = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> body = new AtomicReference<>();
    private volatile long delayMillis;
    private volatile long trickleMillis;
    private volatile String redirectTo;
    /** Whether the client closed the connection before the trickled body was all sent. */
    private final CompletableFuture<Boolean> trickleCutOff = new CompletableFuture<>();
    private CloseableHttpClient http;
    private final List<PwnedPasswordsClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            padding.add(exchange.getRequestHeaders().getFirst("Add-Padding"));
            if (redirectTo != null && !exchange.getRequestURI().getPath().equals(redirectTo)) {
                exchange.getResponseHeaders().set("Location", redirectTo);
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = body.get().getBytes(StandardCharsets.UTF_8);
            if (trickleMillis == 0) {
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
                return;
            }
            // Headers at once, then the body in four parts, each after a pause.
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                int part = answer.length / 4 + 1;
                for (int from = 0; from < answer.length; from += part) {
                    Thread.sleep(trickleMillis);
                    out.write(answer, from, Math.min(part, answer.length - from));
                    out.flush();
                }
                trickleCutOff.complete(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                trickleCutOff.complete(true);
            }
        });
        server.start();
        // As Keycloak's default provider builds it (socket timeout 5 s, no cookies), but with redirects
        // allowed, as the deprecated allow-redirects option does: the client must not follow them anyway.
        http = new org.keycloak.connections.httpclient.HttpClientBuilder()
                .socketTimeout(5000, TimeUnit.MILLISECONDS)
                .disableCookies(true)
                .build();
        String hex = PasswordHash.hex(PasswordHash.sha1(KNOWN));
        body.set("0018A45C4D1DEF81644B54AB7F969B88D65:0\r\n" + hex.substring(5) + ":2413945\r\n"
                + "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0\r\n");
    }

    @AfterEach
    void stop() throws IOException {
        clients.forEach(PwnedPasswordsClient::close);
        http.close();
        server.stop(0);
    }

    private PwnedPasswordsClient client(Clock clock) {
        return client(clock, Duration.ofSeconds(10));
    }

    private PwnedPasswordsClient client(Clock clock, Duration timeout) {
        PwnedPasswordsClient client = new PwnedPasswordsClient(http,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), timeout, 10, Duration.ofMinutes(5),
                clock);
        clients.add(client);
        return client;
    }

    @Test
    void onlyTheFiveCharacterPrefixIsSentWithPaddingRequested() throws IOException {
        PwnedPasswordsClient client = client(Clock.systemUTC());
        byte[] sha1 = PasswordHash.sha1(KNOWN);
        assertEquals(2_413_945, client.count(sha1));
        assertEquals(List.of("/range/" + PasswordHash.hex(sha1).substring(0, 5)), paths);
        assertEquals(List.of("true"), padding);
    }

    @Test
    void paddingRowsAndUnknownSuffixesCountZero() throws IOException {
        PwnedPasswordsClient client = client(Clock.systemUTC());
        assertEquals(0, client.count(PasswordHash.sha1("not in the answer")));
    }

    @Test
    void answersAreCachedPerPrefixUntilTheyExpire() throws IOException {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        AtomicReference<Instant> time = new AtomicReference<>(now);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return time.get();
            }
        };
        PwnedPasswordsClient client = client(clock);
        byte[] sha1 = PasswordHash.sha1(KNOWN);
        client.count(sha1);
        client.count(sha1);
        assertEquals(1, paths.size());
        time.set(now.plus(Duration.ofMinutes(6)));
        client.count(sha1);
        assertEquals(2, paths.size());
    }

    @Test
    void aSlowAnswerTimesOut() {
        delayMillis = 3000;
        PwnedPasswordsClient client = client(Clock.systemUTC(), Duration.ofMillis(300));
        assertThrows(InterruptedIOException.class, () -> client.count(PasswordHash.sha1(KNOWN)));
    }

    @Test
    void aBodyTricklingInForLongerThanTheTimeoutTimesOut() throws Exception {
        trickleMillis = 400;
        PwnedPasswordsClient client = client(Clock.systemUTC(), Duration.ofMillis(500));
        // The headers come at once and no read waits longer than the socket timeout: only the deadline on the
        // whole call ends it.
        InterruptedIOException error = assertThrows(InterruptedIOException.class,
                () -> client.count(PasswordHash.sha1(KNOWN)));
        assertTrue(error.getMessage().contains("no complete answer within 500 ms"), error.getMessage());
        assertTrue(trickleCutOff.get(10, TimeUnit.SECONDS), "the call was ended, not read on to the end");

        trickleMillis = 0;
        assertEquals(2_413_945, client.count(PasswordHash.sha1(KNOWN)), "the aborted call left the client usable");
    }

    @Test
    void aRedirectIsNotFollowed() {
        redirectTo = "/elsewhere";
        PwnedPasswordsClient client = client(Clock.systemUTC());
        IOException error = assertThrows(IOException.class, () -> client.count(PasswordHash.sha1(KNOWN)));
        assertTrue(error.getMessage().contains("HTTP 302"), error.getMessage());
        assertEquals(List.of("/range/" + PasswordHash.hex(PasswordHash.sha1(KNOWN)).substring(0, 5)), paths);
    }

    @Test
    void anAnswerLargerThanTheLimitIsAnErrorEvenIfItLooksLikeARange() {
        // Far beyond any padded range answer: rows of a well-formed range, 2 MiB of them.
        String row = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n";
        body.set(row.repeat((2 << 20) / row.length()));
        PwnedPasswordsClient client = client(Clock.systemUTC());
        IOException error = assertThrows(IOException.class, () -> client.count(PasswordHash.sha1(KNOWN)));
        assertTrue(error.getMessage().contains("larger than"), error.getMessage());
    }

    @Test
    void anAnswerThatIsNotARangeIsAnError() {
        body.set("<html>maintenance</html>");
        PwnedPasswordsClient client = client(Clock.systemUTC());
        IOException error = assertThrows(IOException.class, () -> client.count(PasswordHash.sha1(KNOWN)));
        assertTrue(error.getMessage().contains("not a range"), error.getMessage());
    }
}
