package io.github.threatprotection.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.math.BigInteger;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local server speaking the Pwned Passwords range protocol ({@code GET /range/ABCDE} answers
 * {@code SUFFIX:COUNT} lines), which can also be made slow or broken. Records every request it gets.
 */
public final class RangeApiStub implements AutoCloseable {

    public enum Behaviour {
        NORMAL,
        /** Answers after two seconds, beyond the timeout the test server is configured with. */
        SLOW,
        /**
         * Answers after 200 ms: within the test server's timeout, beyond its sign-in deadline, as a distant or
         * busy range API does.
         */
        DELAYED,
        /** Answers 200 with something that is not a range. */
        GARBAGE
    }

    /** One request as the stub saw it. */
    public record Request(String path, String addPadding) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = Behaviour.NORMAL;

    private RangeApiStub(HttpServer server) {
        this.server = server;
    }

    public static RangeApiStub start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        RangeApiStub stub = new RangeApiStub(server);
        server.createContext("/", stub::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return stub;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void behave(Behaviour value) {
        behaviour = value;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(path + (exchange.getRequestURI().getRawQuery() == null ? ""
                : "?" + exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders().getFirst("Add-Padding")));
        try {
            if (behaviour == Behaviour.SLOW) {
                Thread.sleep(2000);
            } else if (behaviour == Behaviour.DELAYED) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] body;
        int status = 200;
        if (behaviour == Behaviour.GARBAGE) {
            body = "<html><body>Service temporarily unavailable</body></html>".getBytes(StandardCharsets.UTF_8);
        } else if (path.matches("/range/[0-9A-F]{5}")) {
            body = range(path.substring("/range/".length())).getBytes(StandardCharsets.UTF_8);
        } else {
            status = 404;
            body = new byte[0];
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Random padding rows, plus the rows for the two passwords the stub knows. */
    private static String range(String prefix) {
        StringBuilder lines = new StringBuilder();
        Random random = new Random(prefix.hashCode());
        for (int i = 0; i < 50; i++) {
            lines.append(String.format("%035X", new BigInteger(140, random))).append(":0\r\n");
        }
        String known = BreachTestData.sha1Hex(BreachTestData.ONLY_IN_RANGE_API);
        if (known.startsWith(prefix)) {
            lines.append(known.substring(5)).append(":42\r\n");
        }
        String padding = BreachTestData.sha1Hex(BreachTestData.PADDING_ONLY);
        if (padding.startsWith(prefix)) {
            lines.append(padding.substring(5)).append(":0\r\n");
        }
        return lines.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
