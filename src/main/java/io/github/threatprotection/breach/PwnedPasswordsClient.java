package io.github.threatprotection.breach;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.http.HttpEntity;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.Configurable;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;

/**
 * The Pwned Passwords range API, or a self-hosted mirror of it, with k-anonymity: only the first five hex
 * digits of a password's SHA-1 leave the server, with {@code Add-Padding: true} so the answer's size says
 * nothing either. Answers are cached per prefix on this node, bounded in entries and age.
 * <p>
 * Calls go through Keycloak's own HTTP client (its {@code connections-http-client} provider), so that the
 * server's outgoing HTTP settings apply to them as to Keycloak's other calls: proxy mappings, truststore,
 * connection pool and timeouts (tightened to this client's timeout where they are longer).
 */
public final class PwnedPasswordsClient implements AutoCloseable {

    /**
     * The largest range answer read. A padded answer is 800 to 1,000 rows of about 40 bytes, 30 to 40 KB; a
     * mebibyte leaves room for a mirror that pads more, while bounding what one answer can make a sign-in hold
     * in memory and parse. A larger answer counts as a failed call.
     */
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final int PREFIX_HEX_DIGITS = 5;
    private static final int SUFFIX_HEX_DIGITS = 35;

    /** One range answer, compactly: the first 64 bits of each suffix, sorted, with its count. */
    private record Range(long[] suffixes, long[] counts, long fetchedAtMillis) {
        long count(long suffix64) {
            int i = Arrays.binarySearch(suffixes, suffix64);
            return i >= 0 ? counts[i] : 0;
        }
    }

    private final URI baseUrl;
    private final Duration timeout;
    private final Duration cacheTtl;
    private final Clock clock;
    private final CloseableHttpClient http;
    private final RequestConfig requestConfig;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Map<String, Range> cache;

    /**
     * @param http    Keycloak's shared client ({@code HttpClientProvider.getHttpClient()}); it stays Keycloak's
     *                to close
     * @param timeout how long a call may take, from asking for a connection to the answer's last byte
     */
    public PwnedPasswordsClient(CloseableHttpClient http, URI baseUrl, Duration timeout, int cacheEntries,
                                Duration cacheTtl, Clock clock) {
        String text = baseUrl.toString();
        this.baseUrl = URI.create(text.endsWith("/") ? text : text + "/");
        this.timeout = timeout;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
        this.http = http;
        this.requestConfig = requestConfig(http, timeout);
        // Ends calls that outlive the timeout: one thread for all of them, there only while calls are in flight.
        this.deadlines = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "threat-protection-range-api-deadline");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        deadlines.setKeepAliveTime(10, TimeUnit.SECONDS);
        deadlines.allowCoreThreadTimeOut(true);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Range> eldest) {
                return size() > cacheEntries;
            }
        };
    }

    /**
     * Keycloak's settings for its client (proxy, timeouts, ...) with redirects off, whatever the server allows
     * elsewhere: a range API that redirects is misconfigured, and following it would send the prefix to a host
     * nobody configured. Timeouts longer than this client's are cut to it; the connect timeout matters most,
     * as an abort does not end a connect in progress.
     */
    private static RequestConfig requestConfig(CloseableHttpClient http, Duration timeout) {
        RequestConfig keycloaks = http instanceof Configurable configurable && configurable.getConfig() != null
                ? configurable.getConfig() : RequestConfig.DEFAULT;
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return RequestConfig.copy(keycloaks)
                .setRedirectsEnabled(false)
                .setConnectionRequestTimeout(atMost(keycloaks.getConnectionRequestTimeout(), millis))
                .setConnectTimeout(atMost(keycloaks.getConnectTimeout(), millis))
                .setSocketTimeout(atMost(keycloaks.getSocketTimeout(), millis))
                .build();
    }

    /** Apache's timeouts: 0 is none, negative the system default; both mean ours. */
    private static int atMost(int configured, int millis) {
        return configured > 0 ? Math.min(configured, millis) : millis;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * How often the password with this SHA-1 was seen (0 if never).
     *
     * @throws InterruptedIOException when the API does not answer in time
     * @throws IOException            when the API cannot be reached or answers something that is not a range
     */
    public long count(byte[] sha1) throws IOException {
        String hex = PasswordHash.hex(sha1);
        String prefix = hex.substring(0, PREFIX_HEX_DIGITS);
        Range range = cached(prefix);
        if (range == null) {
            range = fetch(prefix);
            synchronized (cache) {
                cache.put(prefix, range);
            }
        }
        return range.count(Long.parseUnsignedLong(hex.substring(PREFIX_HEX_DIGITS, PREFIX_HEX_DIGITS + 16), 16));
    }

    private Range cached(String prefix) {
        synchronized (cache) {
            Range range = cache.get(prefix);
            if (range != null && clock.millis() - range.fetchedAtMillis() > cacheTtl.toMillis()) {
                cache.remove(prefix);
                return null;
            }
            return range;
        }
    }

    /**
     * The timeout covers the whole call, body included: the client's own timeouts bound each wait for a
     * connection or a read, so a server trickling its body would otherwise hold the call for as long as it
     * likes. When the timeout passes, the request is aborted, which closes its connection under the read.
     */
    private Range fetch(String prefix) throws IOException {
        HttpGet request = new HttpGet(baseUrl.resolve("range/" + prefix));
        request.setConfig(requestConfig);
        request.setHeader("Add-Padding", "true");
        request.setHeader("User-Agent", "keycloak-threat-protection");
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            timedOut.set(true);
            request.abort();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try (CloseableHttpResponse response = http.execute(request)) {
            int status = response.getStatusLine().getStatusCode();
            if (status != 200) {
                request.abort();
                throw new IOException("answered HTTP " + status);
            }
            String body = read(response.getEntity(), request);
            if (timedOut.get()) {
                throw timeoutError();
            }
            return parse(body);
        } catch (IOException e) {
            if (timedOut.get()) {
                throw timeoutError();
            }
            throw e;
        } catch (RuntimeException e) {
            // e.g. Keycloak's connection pool shut down: a failed call like any other, for the failure policy
            throw new IOException(e.toString(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    private SocketTimeoutException timeoutError() {
        return new SocketTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
    }

    /** Reads a body of at most {@link #MAX_BODY_BYTES}; a larger one ends the call instead of being read. */
    private static String read(HttpEntity entity, HttpGet request) throws IOException {
        if (entity == null) {
            return "";
        }
        if (entity.getContentLength() > MAX_BODY_BYTES) {
            request.abort();
            throw tooLarge();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (InputStream in = entity.getContent()) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                if (bytes.size() + n > MAX_BODY_BYTES) {
                    // Aborted, not read to its end, which closing the stream would do to keep the connection.
                    request.abort();
                    throw tooLarge();
                }
                bytes.write(chunk, 0, n);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static IOException tooLarge() {
        return new IOException("answered more than " + MAX_BODY_BYTES + " bytes, larger than any range answer");
    }

    private Range parse(String body) throws IOException {
        String[] lines = body.split("\r?\n");
        long[] suffixes = new long[lines.length];
        long[] counts = new long[lines.length];
        int size = 0;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon != SUFFIX_HEX_DIGITS) {
                throw new IOException("answered something that is not a range (a line of " + line.length()
                        + " characters without a hash suffix)");
            }
            long count;
            long suffix;
            try {
                for (int i = 0; i < SUFFIX_HEX_DIGITS; i++) {
                    if (Character.digit(line.charAt(i), 16) < 0) {
                        throw new NumberFormatException();
                    }
                }
                suffix = Long.parseUnsignedLong(line.substring(0, 16), 16);
                count = Long.parseLong(line.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IOException("answered something that is not a range (a line that does not parse)");
            }
            // Padding rows carry count 0 and stand for no password.
            if (count > 0) {
                suffixes[size] = suffix;
                counts[size] = count;
                size++;
            }
        }
        long[][] sorted = sortTogether(Arrays.copyOf(suffixes, size), Arrays.copyOf(counts, size));
        return new Range(sorted[0], sorted[1], clock.millis());
    }

    /** Stops the deadline thread; the HTTP client is Keycloak's and stays open. */
    @Override
    public void close() {
        deadlines.shutdownNow();
    }

    private static long[][] sortTogether(long[] keys, long[] values) {
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
        long[] sortedKeys = new long[keys.length];
        long[] sortedValues = new long[keys.length];
        for (int i = 0; i < order.length; i++) {
            sortedKeys[i] = keys[order[i]];
            sortedValues[i] = values[order[i]];
        }
        return new long[][] {sortedKeys, sortedValues};
    }
}
