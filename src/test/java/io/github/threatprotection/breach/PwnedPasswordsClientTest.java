package io.github.threatprotection.breach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The range API client against a real local HTTP server. */
class PwnedPasswordsClientTest {

    private static final String KNOWN = "password1";

    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<String> padding = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> body = new AtomicReference<>();
    private volatile long delayMillis;
    private volatile long trickleMillis;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            padding.add(exchange.getRequestHeaders().getFirst("Add-Padding"));
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up
            }
        });
        server.start();
        String hex = PasswordHash.hex(PasswordHash.sha1(KNOWN));
        body.set("0018A45C4D1DEF81644B54AB7F969B88D65:0\r\n" + hex.substring(5) + ":2413945\r\n"
                + "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0\r\n");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PwnedPasswordsClient client(Clock clock) {
        return client(clock, Duration.ofSeconds(10));
    }

    private PwnedPasswordsClient client(Clock clock, Duration timeout) {
        return new PwnedPasswordsClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                timeout, 10, Duration.ofMinutes(5), clock);
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
        assertThrows(HttpTimeoutException.class, () -> client.count(PasswordHash.sha1(KNOWN)));
    }

    @Test
    void aBodyTricklingInForLongerThanTheTimeoutTimesOut() {
        trickleMillis = 400;
        PwnedPasswordsClient client = client(Clock.systemUTC(), Duration.ofMillis(500));
        // The headers come at once: the client's own request timeout alone would wait for the whole body.
        assertThrows(HttpTimeoutException.class, () -> client.count(PasswordHash.sha1(KNOWN)));
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
