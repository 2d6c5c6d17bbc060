package io.github.threatprotection.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import io.github.threatprotection.breach.PasswordHash;

/**
 * A local stand-in for the Pwned Passwords range API, for the download tests and the download benchmark: HTTPS
 * with HTTP/2 (ALPN) on 127.0.0.1 (Jetty, with a self-signed certificate made by the JDK's keytool), answering
 * {@code GET /range/XXXXX} as the real API does: {@code SUFFIX:COUNT} lines joined by CRLF, upper-case hex, sorted,
 * padding rows with count 0, a strong ETag per range version, 304 for a matching {@code If-None-Match}, gzip when
 * asked (even ranges only, so both kinds of body are read). Every range's rows come from a generator seeded with
 * the range and its version, so all 1,048,576 ranges can be served without storing them. Faults can be queued
 * per range for its next requests.
 */
public final class RangeServer implements AutoCloseable {

    public enum Fault {
        /** Headers and part of the body, then nothing until long after the client's timeout. */
        STALL,
        STATUS_503,
        /** 429 with {@code Retry-After: 1}. */
        STATUS_429,
        /** A Content-Length for the whole body, half of it, then the stream is reset. */
        TRUNCATED,
        /** No Content-Length, and the body ends in the middle of a line. */
        CUT_LINE,
        /** A line that is no {@code SUFFIX:COUNT} row among the rows. */
        GARBAGE
    }

    private static final String PASSWORD = "range-server";
    private static final Object KEYS_LOCK = new Object();
    private static Path keys;

    private final Server server;
    private final ServerConnector connector;
    private final ScheduledExecutorService stalls = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "range-server-stall");
        thread.setDaemon(true);
        return thread;
    });
    private final int entriesPerRange;
    private final int paddingPerRange;
    private final AtomicIntegerArray versions = new AtomicIntegerArray(1 << 20);
    private final AtomicIntegerArray requests = new AtomicIntegerArray(1 << 20);
    private final Map<Integer, Deque<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<Integer, List<Row>> added = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong notModified = new AtomicLong();
    private final AtomicLong conditional = new AtomicLong();
    private final AtomicLong notHttp2 = new AtomicLong();
    private final AtomicInteger faultsServed = new AtomicInteger();
    private volatile Consumer<Integer> onRequest = range -> { };

    /**
     * @param entriesPerRange breached rows per range on average (the real API has about 2,000)
     * @param paddingPerRange count-0 rows added to each answer
     */
    public RangeServer(int entriesPerRange, int paddingPerRange) throws Exception {
        this.entriesPerRange = entriesPerRange;
        this.paddingPerRange = paddingPerRange;
        Path keyDir = keys();
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyDir.resolve("server.p12").toString());
        tls.setKeyStorePassword(PASSWORD);
        tls.setKeyStoreType("PKCS12");
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
        h2.setMaxConcurrentStreams(512);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        connector = new ServerConnector(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2,
                new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    /** The base URL to give {@code --url}. */
    public String url() {
        return "https://localhost:" + connector.getLocalPort() + "/range/";
    }

    /** A trust store holding the server's certificate, for {@code -Djavax.net.ssl.trustStore}. */
    public static Path trustStore() throws Exception {
        return keys().resolve("trust.p12");
    }

    public static String trustStorePassword() {
        return PASSWORD;
    }

    /** A client context trusting the server's certificate. */
    public static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore())) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static Path keys() throws Exception {
        synchronized (KEYS_LOCK) {
            if (keys == null) {
                Path dir = Files.createTempDirectory("range-server-keys");
                String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
                run(dir, keytool, "-genkeypair", "-alias", "range", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                        "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
                run(dir, keytool, "-exportcert", "-alias", "range", "-keystore", "server.p12", "-storepass", PASSWORD,
                        "-file", "server.cer");
                run(dir, keytool, "-importcert", "-noprompt", "-alias", "range", "-file", "server.cer", "-keystore",
                        "trust.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
                keys = dir;
            }
            return keys;
        }
    }

    private static void run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + ": " + output);
        }
    }

    /** Queues faults for the next requests of {@code range}, one per request, in order. */
    public void fault(int range, Fault... next) {
        faults.computeIfAbsent(range, r -> new ArrayDeque<>()).addAll(List.of(next));
    }

    /** Gives the range new rows and a new ETag. */
    public void change(int range) {
        versions.incrementAndGet(range);
    }

    /** Adds a row (40 hex digits) to its range, which gets a new ETag. */
    public void add(String sha1, long count) {
        int range = Integer.parseInt(sha1.substring(0, 5), 16);
        added.computeIfAbsent(range, r -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(new Row(sha1.toUpperCase(), count));
        change(range);
    }

    /** Called with the range of each request as it arrives. */
    public void onRequest(Consumer<Integer> listener) {
        onRequest = listener;
    }

    public int requests(int range) {
        return requests.get(range);
    }

    public long answered() {
        return answered.get();
    }

    public long notModified() {
        return notModified.get();
    }

    public long conditional() {
        return conditional.get();
    }

    /** Requests that did not come over HTTP/2. */
    public long notHttp2() {
        return notHttp2.get();
    }

    public int faultsServed() {
        return faultsServed.get();
    }

    public String etag(int range) {
        return "\"" + RangeAnswer.prefix(range) + "-v" + versions.get(range) + "\"";
    }

    /** The full SHA-1s (40 upper-case hex digits) and counts the range's current version serves. */
    public List<Row> rows(int range) {
        return rows(range, versions.get(range));
    }

    public record Row(String sha1, long count) {
        public byte[] hash() {
            byte[] hash = new byte[20];
            for (int i = 0; i < 20; i++) {
                hash[i] = (byte) Integer.parseInt(sha1.substring(2 * i, 2 * i + 2), 16);
            }
            return hash;
        }
    }

    List<Row> rows(int range, int version) {
        SplittableRandom random = new SplittableRandom(((long) range << 20) ^ (version * 0x9E3779B97F4A7C15L));
        int count = entriesPerRange <= 1 ? random.nextInt(2) + entriesPerRange
                : entriesPerRange / 2 + random.nextInt(entriesPerRange + 1);
        String[] suffixes = new String[count];
        for (int i = 0; i < count; i++) {
            suffixes[i] = suffix(random);
        }
        Arrays.sort(suffixes);
        List<Row> rows = new ArrayList<>(count);
        String prefix = RangeAnswer.prefix(range);
        for (String suffix : suffixes) {
            long seen = random.nextInt(10) == 0 ? 1 + random.nextLong(10_000_000) : 1 + random.nextInt(60);
            rows.add(new Row(prefix + suffix, seen));
        }
        rows.addAll(added.getOrDefault(range, List.of()));
        return rows;
    }

    /** Hashes of padding rows: served with count 0, so they must not be found. */
    public List<String> padding(int range) {
        SplittableRandom random = new SplittableRandom(~(long) range * 31 + versions.get(range));
        List<String> padding = new ArrayList<>();
        for (int i = 0; i < paddingPerRange; i++) {
            padding.add(RangeAnswer.prefix(range) + suffix(random));
        }
        return padding;
    }

    private static String suffix(SplittableRandom random) {
        String hex = Long.toHexString(random.nextLong() | Long.MIN_VALUE).toUpperCase()
                + Long.toHexString(random.nextLong() | Long.MIN_VALUE).toUpperCase()
                + Long.toHexString(random.nextLong() | Long.MIN_VALUE).toUpperCase();
        return hex.substring(hex.length() - 35);
    }

    private byte[] body(int range, boolean garbage) {
        StringBuilder text = new StringBuilder(40 * (entriesPerRange + paddingPerRange + 2));
        List<String> lines = new ArrayList<>();
        for (Row row : rows(range)) {
            lines.add(row.sha1().substring(5) + ":" + row.count());
        }
        for (String padding : padding(range)) {
            lines.add(padding.substring(5) + ":0");
        }
        lines.sort(null);
        if (garbage) {
            lines.add(lines.size() / 2, "<html>this is not a range row</html>");
        }
        text.append(String.join("\r\n", lines));
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void serve(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        int range = -1;
        if (path.startsWith("/range/") && path.length() == 12) {
            try {
                range = Integer.parseInt(path.substring(7), 16);
            } catch (NumberFormatException e) {
                range = -1;
            }
        }
        if (range < 0) {
            response.setStatus(404);
            callback.succeeded();
            return;
        }
        if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_2) {
            notHttp2.incrementAndGet();
        }
        requests.incrementAndGet(range);
        onRequest.accept(range);
        Deque<Fault> queued = faults.get(range);
        Fault fault;
        synchronized (this) {
            fault = queued == null ? null : queued.poll();
        }
        if (fault != null) {
            faultsServed.incrementAndGet();
        }
        if (fault == Fault.STATUS_503) {
            response.setStatus(503);
            callback.succeeded();
            return;
        }
        if (fault == Fault.STATUS_429) {
            response.setStatus(429);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            callback.succeeded();
            return;
        }
        String etag = etag(range);
        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            conditional.incrementAndGet();
            if (ifNoneMatch.equals(etag) && fault == null) {
                notModified.incrementAndGet();
                response.setStatus(304);
                response.getHeaders().put(HttpHeader.ETAG, etag);
                callback.succeeded();
                return;
            }
        }
        byte[] body = body(range, fault == Fault.GARBAGE);
        String accept = request.getHeaders().get(HttpHeader.ACCEPT_ENCODING);
        if (accept != null && accept.contains("gzip") && range % 2 == 0) {
            body = gzip(body);
            response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.ETAG, etag);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        if (fault == Fault.CUT_LINE) {
            // A plain body without its length, ending in the middle of a row: only the rows can tell.
            byte[] plain = body(range, false);
            response.getHeaders().remove(HttpHeader.CONTENT_ENCODING);
            int cut = Math.max(1, Math.min(plain.length - 1, plain.length / 2 + 7));
            while (cut < plain.length && (plain[cut] == '\r' || plain[cut] == '\n' || plain[cut - 1] == '\n'
                    || plain[cut - 1] == '\r')) {
                cut++;
            }
            response.write(true, ByteBuffer.wrap(plain, 0, Math.min(cut, plain.length)), callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (fault == Fault.TRUNCATED) {
            byte[] sent = body;
            response.write(false, ByteBuffer.wrap(sent, 0, sent.length / 2),
                    Callback.from(() -> callback.failed(new IOException("cut off by the test")), callback::failed));
            return;
        }
        if (fault == Fault.STALL) {
            byte[] sent = body;
            response.write(false, ByteBuffer.wrap(sent, 0, sent.length / 2), Callback.from(
                    () -> stalls.schedule(() -> callback.failed(new IOException("stalled by the test")), 5,
                            TimeUnit.SECONDS), callback::failed));
            return;
        }
        answered.incrementAndGet();
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 2 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The SHA-1 of {@code password} in the API's notation. */
    public static String sha1Hex(String password) {
        return PasswordHash.hex(PasswordHash.sha1(password)).toUpperCase();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        stalls.shutdownNow();
    }
}
