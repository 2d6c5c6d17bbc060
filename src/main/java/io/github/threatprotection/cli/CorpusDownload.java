package io.github.threatprotection.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.SSLContext;

import io.github.threatprotection.breach.CorpusBuilder;
import io.github.threatprotection.breach.CorpusInput;

/**
 * {@code corpus download}: fetches every range of the Pwned Passwords range API (or a mirror of it) into a state
 * folder ({@link RangeState}) and builds a corpus from them with {@link CorpusBuilder}, which replaces the output
 * in one rename only after its verification pass.
 * <p>
 * This is a command line with no Keycloak around it, so it uses the JDK's HTTP client; the server's range-API
 * lookups go through Keycloak's HttpClientProvider instead.
 */
final class CorpusDownload {

    static final String DEFAULT_URL = "https://api.pwnedpasswords.com/range/";
    static final int MAX_PARALLEL = 256;
    private static final long PROGRESS_MILLIS = 5_000;
    private static final long SYNC_MILLIS = 10_000;
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    /** The longest a 429's Retry-After is obeyed; a longer one counts as this, and the range tries again. */
    private static final long MAX_RETRY_AFTER_MILLIS = 600_000;
    /** A range answer is 30-80 KB of text; anything far larger is not one. */
    private static final int MAX_BODY_BYTES = 16 << 20;

    /** What the command line asked for. */
    record Options(Path output, URI url, int parallel, Path stateDir, boolean refresh, Path keepText,
            int ranges, Duration timeout, int retries, Path tempDir) {
    }

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient client;
    private final String userAgent;

    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger changed = new AtomicInteger();
    private final AtomicInteger unchanged = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong paddingRows = new AtomicLong();
    private final AtomicLong pausedUntil = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean stopping;

    CorpusDownload(Options options, PrintStream out, PrintStream err, Map<String, String> environment,
            SSLContext ssl) {
        this.options = options;
        this.out = out;
        this.err = err;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(options.timeout());
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        ProxyFromEnvironment.forTarget(options.url(), environment).ifPresent(proxy -> {
            builder.proxy(proxy.selector());
            proxy.authenticator().ifPresent(authenticator -> {
                // The JDK refuses Basic credentials for a CONNECT tunnel unless told otherwise; this process
                // makes no other connections.
                System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
                builder.authenticator(authenticator);
            });
            err.printf("proxy: %s:%d (from the environment)%n", proxy.address().getHostString(),
                    proxy.address().getPort());
        });
        this.client = builder.build();
        String version = CorpusDownload.class.getPackage().getImplementationVersion();
        this.userAgent = "keycloak-threat-protection/" + (version == null ? "dev" : version) + " corpus-download";
    }

    int run() throws IOException, InterruptedException {
        Path output = options.output().toAbsolutePath();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // Ctrl-C or a kill: stop asking, keep what was fetched (each range is written as it arrives).
            stopping = true;
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "corpus-download-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (RangeState state = RangeState.open(options.stateDir(), err)) {
            return download(state, output);
        } finally {
            // After the state folder is closed (and forced to disk): then the hook lets the JVM end.
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook runs.
            }
        }
    }

    private int download(RangeState state, Path output) throws IOException, InterruptedException {
        int ranges = options.ranges();
        // Every step-th range: spread over the whole space, so a reduced corpus has the usual shape.
        int step = RangeAnswer.RANGES / ranges;
        if (ranges < RangeAnswer.RANGES) {
            err.printf("warning: only %,d of the %,d ranges, every %,d-th (--ranges, for tests): the corpus does not"
                    + " cover the others%n", ranges, RangeAnswer.RANGES, step);
        }
        int generation;
        if (options.refresh() && state.generationComplete()) {
            generation = state.generation() + 1;
            state.startGeneration(generation, options.url().toString());
        } else if (options.refresh()) {
            generation = state.generation();
            err.printf("going on with the refresh that stopped before it was complete%n");
        } else {
            generation = Math.max(1, state.generation());
            if (state.generation() == 0) {
                state.startGeneration(generation, options.url().toString());
            }
        }
        int[] todo = new int[ranges];
        int count = 0;
        for (int r = 0; r < RangeAnswer.RANGES; r += step) {
            if (!state.has(r) || (options.refresh() && state.checkedIn(r) < generation)) {
                todo[count++] = r;
            }
        }
        int kept = ranges - count;
        if (kept > 0 && count > 0) {
            err.printf("%,d of %,d ranges are in the state folder already and are not fetched again%n", kept,
                    ranges);
        }
        if (options.keepText() != null) {
            Files.createDirectories(options.keepText());
        }
        fetchAll(state, generation, todo, count);
        if (stopping && failure.get() == null) {
            err.printf("stopped: %,d ranges of %,d are in %s; %s was not changed; run the same command again to go on%n",
                    ranges - count + done.get(), ranges, options.stateDir(), output);
            // The JVM is shutting down on a signal and exits with its status (130 for SIGINT, 143 for SIGTERM).
            return 130;
        }
        if (failure.get() != null) {
            err.printf("error: %s; %s was not changed; the %,d ranges fetched are kept in %s: run the same command"
                    + " again to go on%n", failure.get(), output, ranges - state.missing(step),
                    options.stateDir());
            return 1;
        }
        int missing = state.missing(step);
        if (missing > 0) {
            throw new IOException(missing + " ranges have no answer in " + options.stateDir()
                    + " after every range was fetched");
        }
        state.completeGeneration();
        out.printf("ranges: %d%nfetched: %d%nunchanged: %d%nkept from earlier runs: %d%n", ranges, changed.get(),
                unchanged.get(), kept);
        if (changed.get() == 0 && kept + unchanged.get() == ranges && state.builtInto(output)) {
            err.printf("no range changed since %s was built; it is left as it is%n", output);
            out.printf("built: false%n");
            return 0;
        }
        long entries = state.entries(step);
        Path temp = options.tempDir() != null ? options.tempDir() : output.getParent();
        CorpusInput input = CorpusInput.ofEntries(entries, sink -> state.readEntries(step, sink));
        CorpusBuilder.Report report = new CorpusBuilder(err).build(input, output, temp);
        state.recordBuild(output);
        state.compactIfWasteful(err);
        out.printf("built: true%nentries: %d%nbytes: %d%n", report.entries(), report.bytes());
        return 0;
    }

    private void fetchAll(RangeState state, int generation, int[] todo, int count) throws InterruptedException {
        long started = System.nanoTime();
        Thread[] workers = new Thread[Math.min(options.parallel(), Math.max(1, count))];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(() -> work(state, generation, todo, count), "range-fetch-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
        long lastSync = System.nanoTime();
        for (Thread worker : workers) {
            while (worker.isAlive()) {
                worker.join(PROGRESS_MILLIS);
                if (worker.isAlive()) {
                    progress(started, count);
                    if (System.nanoTime() - lastSync > SYNC_MILLIS * 1_000_000) {
                        lastSync = System.nanoTime();
                        try {
                            state.sync();
                        } catch (IOException e) {
                            failure.compareAndSet(null, "the state folder cannot be written: " + Main.describe(e));
                        }
                    }
                }
            }
        }
        if (count > 0) {
            progress(started, count);
        }
    }

    private void progress(long started, int count) {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        int finished = done.get();
        double rate = finished / seconds;
        String left = rate <= 0 ? "unknown" : duration((count - finished) / rate);
        err.printf(Locale.ROOT, "ranges %,d of %,d (%.1f %%), %.1f MB received, %.0f ranges/s, %.2f MB/s, time left"
                + " %s%s%n", finished, count, count == 0 ? 100.0 : 100.0 * finished / count, bytes.get() / 1e6,
                rate, bytes.get() / 1e6 / seconds, left,
                retries.get() == 0 ? "" : ", " + retries.get() + " retries");
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d h %02d min", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%d min %02d s", s / 60, s % 60) : s + " s";
    }

    private void work(RangeState state, int generation, int[] todo, int count) {
        while (!stopping && failure.get() == null) {
            int next = cursor.getAndIncrement();
            if (next >= count) {
                return;
            }
            int range = todo[next];
            try {
                String etag = options.refresh() ? state.etag(range) : null;
                Fetched fetched = fetch(range, etag);
                if (fetched == null) {
                    return;
                }
                if (fetched.answer() == null) {
                    state.confirm(range, generation);
                    unchanged.incrementAndGet();
                } else {
                    if (fetched.text() != null) {
                        keepText(range, fetched.text());
                    }
                    state.add(fetched.answer(), fetched.etag(), generation);
                    paddingRows.addAndGet(fetched.answer().paddingRows);
                    changed.incrementAndGet();
                }
                done.incrementAndGet();
            } catch (RangeFailedException e) {
                failure.compareAndSet(null, e.getMessage());
            } catch (IOException e) {
                failure.compareAndSet(null, "the state folder cannot be written: " + Main.describe(e));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A range's answer; {@code answer} null for "not modified". */
    private record Fetched(RangeAnswer answer, String etag, StringBuilder text) {
    }

    private static final class RangeFailedException extends Exception {
        RangeFailedException(String message) {
            super(message);
        }
    }

    /** Asks for one range until it answers; null when the run is stopping. */
    private Fetched fetch(int range, String etag) throws RangeFailedException, InterruptedException {
        String prefix = RangeAnswer.prefix(range);
        URI uri = options.url().resolve(prefix);
        for (int attempt = 1; ; attempt++) {
            long pause = pausedUntil.get() - System.currentTimeMillis();
            if (pause > 0) {
                sleep(pause);
            }
            if (stopping || failure.get() != null) {
                return null;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(options.timeout())
                    .header("Accept-Encoding", "gzip")
                    .header("User-Agent", userAgent)
                    .GET();
            if (etag != null) {
                request.header("If-None-Match", etag);
            }
            CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request.build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String problem;
            long wait = backoff(attempt);
            try {
                // The request's own timeout ends when the headers arrive; this one covers the body too.
                HttpResponse<byte[]> response = call.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
                int status = response.statusCode();
                if (status == 200) {
                    byte[] body = body(response);
                    bytes.addAndGet(response.body().length);
                    StringBuilder text = options.keepText() != null ? new StringBuilder() : null;
                    RangeAnswer answer = RangeAnswer.parse(range, body, body.length, text);
                    return new Fetched(answer, response.headers().firstValue("ETag").orElse(null), text);
                }
                if (status == 304 && etag != null) {
                    return new Fetched(null, etag, null);
                }
                if (status == 429) {
                    problem = "HTTP 429 (too many requests)";
                    wait = retryAfter(response).orElse(wait);
                    long until = System.currentTimeMillis() + wait;
                    pausedUntil.accumulateAndGet(until, Math::max);
                } else if (status >= 500) {
                    problem = "HTTP " + status;
                } else {
                    throw new RangeFailedException("range " + prefix + " answered HTTP " + status + " from " + uri);
                }
            } catch (TimeoutException e) {
                call.cancel(true);
                problem = "no complete answer within " + options.timeout().toMillis() + " ms";
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                problem = cause instanceof HttpTimeoutException
                        ? "no answer within " + options.timeout().toMillis() + " ms"
                        : "the request failed: " + Main.describe(cause);
            } catch (IOException e) {
                problem = e.getMessage();
            }
            if (attempt > options.retries()) {
                throw new RangeFailedException("range " + prefix + " failed " + attempt + " times (last: " + problem
                        + ")");
            }
            retries.incrementAndGet();
            err.printf(Locale.ROOT, "range %s: %s; trying again in %.1f s%n", prefix, problem, wait / 1000.0);
            sleep(wait);
        }
    }

    /** The body as text: checked against its Content-Length, then unzipped if it came zipped. */
    private static byte[] body(HttpResponse<byte[]> response) throws IOException {
        byte[] raw = response.body();
        Optional<String> length = response.headers().firstValue("Content-Length");
        if (length.isPresent() && !length.get().strip().equals(Integer.toString(raw.length))) {
            throw new IOException("the body was cut off: " + raw.length + " of " + length.get().strip() + " bytes");
        }
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity").strip()
                .toLowerCase(Locale.ROOT);
        if (encoding.equals("identity")) {
            return raw;
        }
        if (!encoding.equals("gzip")) {
            throw new IOException("unexpected Content-Encoding " + encoding);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            byte[] text = in.readNBytes(MAX_BODY_BYTES + 1);
            if (text.length > MAX_BODY_BYTES) {
                throw new IOException("the answer is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return text;
        } catch (IOException e) {
            throw new IOException("the zipped body is cut off or damaged: " + Main.describe(e), e);
        }
    }

    private static Optional<Long> retryAfter(HttpResponse<?> response) {
        Optional<String> value = response.headers().firstValue("Retry-After").map(String::strip);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        long millis;
        try {
            millis = Long.parseLong(value.get()) * 1000;
        } catch (NumberFormatException e) {
            try {
                millis = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                        .toEpochMilli() - System.currentTimeMillis();
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
        return Optional.of(Math.max(0, Math.min(millis, MAX_RETRY_AFTER_MILLIS)));
    }

    private static long backoff(int attempt) {
        long base = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 20));
        return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    private void sleep(long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        for (long left = millis; left > 0 && !stopping && failure.get() == null;
                left = until - System.currentTimeMillis()) {
            Thread.sleep(Math.min(left, 200));
        }
    }

    /** Writes the range as Have I Been Pwned's downloader does ({@code 5A3F1.txt}), replacing it in one rename. */
    private void keepText(int range, StringBuilder text) throws IOException {
        Path file = options.keepText().resolve(RangeAnswer.prefix(range) + ".txt");
        Path temp = options.keepText().resolve("." + RangeAnswer.prefix(range) + ".txt.new");
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
