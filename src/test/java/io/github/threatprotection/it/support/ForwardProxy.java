package io.github.threatprotection.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A plain-HTTP forward proxy for the test server's outgoing calls. It takes requests in absolute form
 * ({@code GET http://host:port/path HTTP/1.1}), as a client sends them to a proxy, forwards each to its host
 * with the same method, headers (those about the connection aside) and body, answers with what came back, and records
 * what it forwarded. Requests in origin form are no proxy requests and get 400.
 */
public final class ForwardProxy implements AutoCloseable {

    /** One forwarded request: its method, absolute target and {@code Add-Padding} header. */
    public record Forwarded(String method, URI target, String addPadding) {
    }

    /**
     * Not passed on: headers about one connection rather than the message, and those the JDK client and server
     * set themselves.
     */
    private static final Set<String> NOT_PASSED_ON = Set.of("connection", "proxy-connection", "keep-alive",
            "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "date");

    private final HttpServer server;
    private final ExecutorService threads;
    private final HttpClient upstream = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();

    private ForwardProxy(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    public static ForwardProxy start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Several at once: a slow upstream answer must not hold up the next request.
        ExecutorService threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "forward-proxy");
            thread.setDaemon(true);
            return thread;
        });
        ForwardProxy proxy = new ForwardProxy(server, threads);
        server.createContext("/", proxy::handle);
        server.setExecutor(threads);
        server.start();
        return proxy;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The value of Keycloak's {@code proxy-mappings} option that sends calls to this host name (exactly) through
     * this proxy.
     */
    public String mappingFor(String hostname) {
        // [.] rather than \. : the option's value passes through the configuration's escape handling
        return hostname.replace(".", "[.]") + ";" + url();
    }

    public List<Forwarded> forwarded() {
        return List.copyOf(forwarded);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI target = exchange.getRequestURI();
            if (!target.isAbsolute()) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            forwarded.add(new Forwarded(exchange.getRequestMethod(), target,
                    exchange.getRequestHeaders().getFirst("Add-Padding")));
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_PASSED_ON.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!NOT_PASSED_ON.contains(name.toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (IOException e) {
            // The caller gave up (Keycloak aborts a range call at its timeout): nothing to answer.
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
