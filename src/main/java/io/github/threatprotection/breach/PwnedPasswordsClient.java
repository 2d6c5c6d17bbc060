package io.github.threatprotection.breach;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Pwned Passwords range API, or a self-hosted mirror of it, with k-anonymity: only the first five hex
 * digits of a password's SHA-1 leave the server, with {@code Add-Padding: true} so the answer's size says
 * nothing either. Answers are cached per prefix on this node, bounded in entries and age.
 */
public final class PwnedPasswordsClient {

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
    private final HttpClient http;
    private final Map<String, Range> cache;

    public PwnedPasswordsClient(URI baseUrl, Duration timeout, int cacheEntries, Duration cacheTtl, Clock clock) {
        String text = baseUrl.toString();
        this.baseUrl = URI.create(text.endsWith("/") ? text : text + "/");
        this.timeout = timeout;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Range> eldest) {
                return size() > cacheEntries;
            }
        };
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * How often the password with this SHA-1 was seen (0 if never).
     *
     * @throws IOException when the API cannot be reached in time or answers something that is not a range
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
     * The timeout covers the whole call, body included: the HTTP client's own request timeout ends when the
     * headers arrive, so a server trickling its body would otherwise hold the sign-in for as long as it likes.
     */
    private Range fetch(String prefix) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve("range/" + prefix))
                .timeout(timeout)
                .header("Add-Padding", "true")
                .header("User-Agent", "keycloak-threat-protection")
                .GET()
                .build();
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(request, info -> new LimitedBody());
        HttpResponse<String> response;
        try {
            response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException cause) {
                throw cause;
            }
            throw new IOException(String.valueOf(e.getCause()), e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new IOException("answered HTTP " + response.statusCode());
        }
        return parse(response.body());
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

    /** Collects a body of at most {@link #MAX_BODY_BYTES}; a larger one ends the call instead of being kept. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription value) {
            subscription = value;
            value.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (bytes.size() + buffer.remaining() > MAX_BODY_BYTES) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("answered more than " + MAX_BODY_BYTES
                            + " bytes, larger than any range answer"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toString(StandardCharsets.UTF_8));
        }
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
