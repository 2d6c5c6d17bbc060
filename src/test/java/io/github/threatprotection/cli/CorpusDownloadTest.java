package io.github.threatprotection.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.threatprotection.breach.BreachCorpus;
import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.breach.CompromisedCredentialCheck.FailurePolicy;
import io.github.threatprotection.breach.CompromisedCredentialCheck.Result;
import io.github.threatprotection.breach.CompromisedCredentialCheck.Status;
import io.github.threatprotection.cli.RangeServer.Fault;

/**
 * {@code corpus download} against a local range server speaking HTTP/2 over TLS, with the range API's format,
 * padding rows, ETags and injected faults. Most tests fetch a reduced range space through {@code --ranges} (the
 * option the command documents for tests); one fetches all 1,048,576 ranges.
 */
class CorpusDownloadTest {

    @TempDir
    Path dir;

    private RangeServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = new RangeServer(3, 2);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private int download(String... extra) throws Exception {
        out.reset();
        err.reset();
        List<String> args = new ArrayList<>(List.of("corpus", "download", "--output", corpus().toString(), "--url",
                server.url(), "--state-dir", dir.resolve("state").toString()));
        args.addAll(List.of(extra));
        return Main.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), RangeServer.clientContext());
    }

    private Path corpus() {
        return dir.resolve("hibp.corpus");
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The i-th of the ranges {@code --ranges n} fetches: every (1,048,576 / n)-th. */
    private static int range(int ranges, int i) {
        return i * (RangeAnswer.RANGES / ranges);
    }

    /** Every row the server serves now is found with at least its count bucket; no padding row is found. */
    private void assertEveryServedHashIsFound(int ranges) throws IOException {
        long rows = 0;
        try (BreachCorpus corpus = BreachCorpus.open(corpus())) {
            for (int i = 0; i < ranges; i++) {
                int range = range(ranges, i);
                for (RangeServer.Row row : server.rows(range)) {
                    long found = corpus.count(row.hash());
                    assertTrue(found >= 1 && found <= row.count(), row + " found with count " + found);
                    rows++;
                }
                for (String padding : server.padding(range)) {
                    assertEquals(0, corpus.count(new RangeServer.Row(padding, 0).hash()), "padding " + padding);
                }
            }
            assertEquals(rows, corpus.entries());
        }
        assertTrue(rows > ranges / 2, "rows served: " + rows);
    }

    @Test
    void fetchesEveryRangeOverHttp2AndFindsEveryServedHash() throws Exception {
        assertEquals(0, download("--ranges", "4096", "--parallel", "16"), err());
        assertEveryServedHashIsFound(4096);
        assertEquals(0, server.notHttp2(), "requests over HTTP/1.1");
        for (int i = 0; i < 4096; i++) {
            assertEquals(1, server.requests(range(4096, i)), "requests of range " + range(4096, i) + ": " + err());
        }
        assertEquals(0, server.requests(1));
        assertEquals(0, server.requests(RangeAnswer.RANGES - 1));
        assertTrue(out().contains("fetched: 4096"), out());
        assertTrue(err().contains("only 4,096 of the 1,048,576 ranges, every 256-th"), err());
        assertTrue(err().contains("ranges 4,096 of 4,096 (100.0 %)") && err().contains("MB received")
                && err().contains("ranges/s") && err().contains("time left"), err());
        assertTrue(err().contains("verified: all"), err());
    }

    @Test
    void retriesTimeoutsServerErrorsRateLimitsCutBodiesAndGarbage() throws Exception {
        server.fault(range(256, 3), Fault.STALL);
        server.fault(range(256, 10), Fault.STATUS_503, Fault.STATUS_503);
        server.fault(range(256, 11), Fault.STATUS_429);
        server.fault(range(256, 12), Fault.TRUNCATED);
        server.fault(range(256, 14), Fault.TRUNCATED);
        server.fault(range(256, 21), Fault.CUT_LINE);
        server.fault(range(256, 22), Fault.GARBAGE);
        server.fault(range(256, 255), Fault.GARBAGE, Fault.STATUS_503, Fault.TRUNCATED);
        assertEquals(0, download("--ranges", "256", "--parallel", "8", "--timeout", "2"), err());
        assertEquals(11, server.faultsServed());
        assertEveryServedHashIsFound(256);
        assertEquals(2, server.requests(range(256, 3)));
        assertEquals(3, server.requests(range(256, 10)));
        assertEquals(4, server.requests(range(256, 255)));
        assertTrue(err().contains("11 retries"), err());
    }

    @Test
    void aRangeThatKeepsFailingAbortsAndLeavesTheOldCorpusAsItWas() throws Exception {
        assertEquals(0, download("--ranges", "256"), err());
        byte[] before = Files.readAllBytes(corpus());
        server.change(range(256, 7));
        server.fault(range(256, 7), Fault.STATUS_503, Fault.STATUS_503, Fault.STATUS_503);
        server.fault(range(256, 9), Fault.GARBAGE, Fault.GARBAGE, Fault.GARBAGE);
        assertEquals(1, download("--ranges", "256", "--refresh", "--retries", "2"), err());
        assertTrue(err().contains("error: range 07000 failed 3 times (last: HTTP 503)")
                || err().contains("error: range 09000 failed 3 times (last: range 09000 line"), err());
        assertTrue(err().contains("was not changed"), err());
        assertArrayEquals(before, Files.readAllBytes(corpus()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("hibp.corpus", "state"), files.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet()), "no partial file left");
        }

        // Once the server answers again, the refresh goes on: ranges it had asked are not asked again.
        int asked = server.requests(range(256, 1));
        assertEquals(0, download("--ranges", "256", "--refresh"), err());
        assertEquals(asked, server.requests(range(256, 1)), "range 01000 was confirmed before the abort");
        assertEveryServedHashIsFound(256);
    }

    @Test
    void refreshAsksEveryRangeWithItsETagAndRebuildsFromWhatChangedAndWhatWasKept() throws Exception {
        assertEquals(0, download("--ranges", "512"), err());
        List<RangeServer.Row> before = server.rows(range(512, 40));
        for (int i : new int[] {1, 40, 41, 300}) {
            server.change(range(512, i));
        }
        long conditionalBefore = server.conditional();
        assertEquals(0, download("--ranges", "512", "--refresh", "--parallel", "4"), err());
        assertEquals(512, server.conditional() - conditionalBefore, "every range asked with If-None-Match");
        assertEquals(508, server.notModified());
        assertTrue(out().contains("fetched: 4\nunchanged: 508\n"), out());
        assertEveryServedHashIsFound(512);
        Set<String> now = new HashSet<>();
        server.rows(range(512, 40)).forEach(row -> now.add(row.sha1()));
        try (BreachCorpus corpus = BreachCorpus.open(corpus())) {
            for (RangeServer.Row gone : before) {
                if (!now.contains(gone.sha1())) {
                    assertEquals(0, corpus.count(gone.hash()), "a row the range no longer has: " + gone);
                }
            }
        }

        // Nothing changed since: every range answers 304 and the corpus is not rebuilt.
        long modified = Files.getLastModifiedTime(corpus()).toMillis();
        assertEquals(0, download("--ranges", "512", "--refresh"), err());
        assertTrue(out().contains("fetched: 0\nunchanged: 512\n") && out().contains("built: false"), out());
        assertEquals(modified, Files.getLastModifiedTime(corpus()).toMillis());
    }

    @Test
    void journalsOfReplacedRangesAreRewrittenIntoOneAndKeepTheirETags() throws Exception {
        assertEquals(0, download("--ranges", "64"), err());
        StringBuilder said = new StringBuilder();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 64; i++) {
                server.change(range(64, i));
            }
            assertEquals(0, download("--ranges", "64", "--refresh"), err());
            assertTrue(out().contains("fetched: 64\n"), out());
            said.append(err());
        }
        // Every refresh replaces every record: once the replaced ones outweigh those in use (after two refreshes
        // at the latest), the journals are rewritten into one. Without that there would be four.
        assertTrue(said.toString().contains("state: rewrote "), said.toString());
        try (Stream<Path> files = Files.list(dir.resolve("state"))) {
            assertTrue(files.filter(p -> p.getFileName().toString().endsWith(".journal")).count() <= 2);
        }
        assertEveryServedHashIsFound(64);
        long notModified = server.notModified();
        assertEquals(0, download("--ranges", "64", "--refresh"), err());
        assertEquals(64, server.notModified() - notModified, "ETags read from the rewritten journal");
        assertTrue(out().contains("built: false"), out());
    }

    @Test
    void aKilledDownloadGoesOnWithoutFetchingTheRangesItHadAgain() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        server.onRequest(range -> seen.incrementAndGet());
        Process process = downloadProcess(8192, dir.resolve("first-run.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (seen.get() < 3000 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertTrue(seen.get() >= 3000 && seen.get() < 8192, "killed after " + seen.get() + " requests: "
                + Files.readString(dir.resolve("first-run.log")));
        assertTrue(Files.notExists(corpus()));

        int[] firstRun = new int[8192];
        for (int i = 0; i < 8192; i++) {
            firstRun[i] = server.requests(range(8192, i));
        }
        assertEquals(0, download("--ranges", "8192", "--parallel", "8"), err());
        int again = 0;
        for (int i = 0; i < 8192; i++) {
            int second = server.requests(range(8192, i)) - firstRun[i];
            assertTrue(firstRun[i] + second >= 1);
            if (firstRun[i] > 0 && second > 0) {
                again++;
            }
        }
        // Only ranges in flight when the process was killed (at most --parallel) are asked again.
        assertTrue(again <= 8, again + " ranges fetched again");
        assertTrue(err().contains("ranges are in the state folder already"), err());
        assertEveryServedHashIsFound(8192);
    }

    @Test
    void ctrlCStopsTheRunKeepsWhatWasFetchedAndSaysHowToGoOn() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        server.onRequest(range -> seen.incrementAndGet());
        Process process = downloadProcess(2048, dir.resolve("stopped.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (seen.get() < 500 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("stopped.log"));
        // A JVM ended by a signal exits with 128 + its number: 143 for SIGTERM (130 for Ctrl-C's SIGINT).
        assertEquals(143, process.exitValue(), log);
        assertTrue(log.contains("stopped: ") && log.contains("run the same command again to go on"), log);
        assertTrue(Files.notExists(corpus()));
        int asked = seen.get();
        assertEquals(0, download("--ranges", "2048"), err());
        assertTrue(seen.get() - asked <= 2048 - asked + 8, "the second run asked " + (seen.get() - asked)
                + " ranges after the first asked " + asked);
        assertEveryServedHashIsFound(2048);
    }

    private Process downloadProcess(int ranges, Path log) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + RangeServer.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + RangeServer.trustStorePassword(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "corpus", "download",
                "--output", corpus().toString(), "--url", server.url(), "--state-dir",
                dir.resolve("state").toString(), "--ranges", Integer.toString(ranges), "--parallel", "8")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void keepTextWritesTheRangeFilesThatCorpusBuildReads() throws Exception {
        Path text = dir.resolve("text");
        assertEquals(0, download("--ranges", "64", "--keep-text", text.toString()), err());
        try (Stream<Path> files = Files.list(text)) {
            assertEquals(64, files.count());
        }
        String first = Files.readString(text.resolve("00000.txt"));
        assertTrue(first.endsWith("\r\n") && !first.contains(":0\r\n"), first);
        Path rebuilt = dir.resolve("rebuilt.corpus");
        ByteArrayOutputStream buildOut = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"corpus", "build", "--input", text.toString(), "--output",
                rebuilt.toString()}, new ByteArrayInputStream(new byte[0]), new PrintStream(buildOut),
                new PrintStream(new ByteArrayOutputStream())));
        assertArrayEquals(Files.readAllBytes(corpus()), Files.readAllBytes(rebuilt));
    }

    @Test
    void theServersCheckUsesARefreshedCorpusFromTheLookupAfterTheOneThatNoticedIt() throws Exception {
        assertEquals(0, download("--ranges", "256"), err());
        String password = null;
        for (int i = 0; password == null; i++) {
            // a range that --ranges 256 fetches: every 4096-th, so hex digits 3 to 5 are 000
            if (RangeServer.sha1Hex("download-test-" + i).substring(2, 5).equals("000")) {
                password = "download-test-" + i;
            }
        }
        try (CompromisedCredentialCheck check = new CompromisedCredentialCheck(null, List.of(corpus()),
                FailurePolicy.OPEN, null, FailurePolicy.OPEN)) {
            assertEquals(Status.NOT_FOUND, check.check(password, 1).status());
            server.add(RangeServer.sha1Hex(password), 5000);
            assertEquals(0, download("--ranges", "256", "--refresh"), err());
            // The check opens a changed file at most once a second (CompromisedCredentialCheck.RELOAD_ATTEMPT_MILLIS).
            Thread.sleep(1_100);
            assertEquals(Status.NOT_FOUND, check.check(password, 1).status(), "answered by the version in use");
            Result next = check.check(password, 1);
            assertEquals(Status.FOUND, next.status());
            assertEquals(1000, next.count());
        }
    }

    @Test
    void goesThroughTheProxyInHttpsProxyUnlessNoProxyNamesTheHost() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy()) {
            List<String> args = List.of("corpus", "download", "--output", corpus().toString(), "--url", server.url(),
                    "--state-dir", dir.resolve("state").toString(), "--ranges", "32");
            Map<String, String> environment = Map.of("https_proxy", "http://127.0.0.1:" + proxy.port());
            assertEquals(0, Main.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), environment, RangeServer.clientContext()),
                    err());
            assertTrue(proxy.tunnels() >= 1, "tunnels through the proxy: " + proxy.tunnels());
            assertTrue(proxy.targets().stream().allMatch(t -> t.startsWith("localhost:")), proxy.targets().toString());
            assertTrue(err().contains("proxy: 127.0.0.1:" + proxy.port()), err());
            assertEveryServedHashIsFound(32);

            int before = proxy.tunnels();
            Map<String, String> bypassed = Map.of("HTTPS_PROXY", "127.0.0.1:" + proxy.port(), "no_proxy",
                    "example.org,.localhost,localhost");
            assertEquals(0, Main.run(new String[] {"corpus", "download", "--output", dir.resolve("b.corpus").toString(),
                    "--url", server.url(), "--ranges", "32"}, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), bypassed, RangeServer.clientContext()));
            assertEquals(before, proxy.tunnels());
        }
    }

    @Test
    void malformedOptionsAreUsageErrors() throws Exception {
        assertEquals(2, download("--bogus", "1"));
        assertEquals(1, download("--parallel", "0"));
        assertTrue(err().startsWith("error: --parallel must be a whole number from 1 to 256"), err());
    }
}
