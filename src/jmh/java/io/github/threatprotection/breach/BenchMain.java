package io.github.threatprotection.breach;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Entry point of the bench profile: {@code BenchMain <dir> <sizes,...> <steps,...> [JMH options...]} with steps
 * {@code prepare} (synthetic data, baselines, timed corpus build), {@code fpr} (false positives on 1e7
 * non-members) and {@code jmh} (lookup latency). Writes a Markdown summary to {@code <dir>/results.md}.
 */
public final class BenchMain {

    static final long FPR_QUERIES = 10_000_000;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path root = Path.of(args[0]).toAbsolutePath();
        List<Long> sizes = Arrays.stream(args[1].split(",")).map(String::trim).map(Long::parseLong).toList();
        List<String> steps = List.of(args[2].split(","));
        String[] jmhArgs = Arrays.copyOfRange(args, 3, args.length);
        PrintStream log = System.out;
        Files.createDirectories(root);

        if (steps.contains("prepare")) {
            for (long n : sizes) {
                BenchData.prepare(root, n, log);
            }
        }
        if (steps.contains("fpr")) {
            for (long n : sizes) {
                FalsePositiveCheck.run(root, n, FPR_QUERIES, log);
            }
        }
        Collection<RunResult> results = List.of();
        if (steps.contains("jmh")) {
            CommandLineOptions cli = new CommandLineOptions(jmhArgs);
            OptionsBuilder options = new OptionsBuilder();
            options.parent(cli);
            if (cli.getIncludes().isEmpty()) {
                options.include(LookupBenchmark.class.getSimpleName());
            }
            options.param("entries", sizes.stream().map(String::valueOf).toArray(String[]::new))
                    .jvmArgsAppend("-Dbench.dir=" + root)
                    .resultFormat(ResultFormatType.JSON)
                    .result(root.resolve("jmh-result.json").toString());
            results = new Runner(options.build()).run();
        }
        String summary = summary(root, sizes, results);
        Files.writeString(root.resolve(results.isEmpty() ? "results-nojmh.md" : "results.md"), summary);
        log.println(summary);
    }

    static String summary(Path root, List<Long> sizes, Collection<RunResult> results) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("## Build\n\n| entries | input bytes | wall s | entries/s (wall) | entries per builder-thread CPU s"
                + " | entries per process CPU s | corpus bytes/entry |\n|---|---|---|---|---|---|---|\n");
        for (long n : sizes) {
            Properties b = BenchData.load(BenchData.dir(root, n).resolve("build.properties"));
            if (b.isEmpty()) {
                continue;
            }
            out.append(String.format("| %,d | %,d | %s | %,.0f | %,.0f | %,.0f | %.3f |%n", n,
                    Long.parseLong(b.getProperty("inputBytes")), b.getProperty("wallSeconds"),
                    Double.parseDouble(b.getProperty("entriesPerSecondWall")),
                    Double.parseDouble(b.getProperty("entriesPerBuilderThreadCpuSecond")),
                    Double.parseDouble(b.getProperty("entriesPerProcessCpuSecond")),
                    Double.parseDouble(b.getProperty("corpusBytes")) / n));
        }
        out.append("\n## False positives and size\n\n| entries | non-member queries | corpus hits | corpus 95% upper"
                + " bound | corpus theoretical | Bloom hits | Bloom theoretical | sorted hits | bytes/entry corpus"
                + " | Bloom | sorted | member sample: corpus missing / wrong count bucket / sorted missing /"
                + " Bloom missing |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (long n : sizes) {
            Properties f = BenchData.load(BenchData.dir(root, n).resolve("fpr.properties"));
            if (f.isEmpty()) {
                continue;
            }
            out.append(String.format("| %,d | %,d | %s | %.2e | %.2e | %s | %.2e | %s | %s | %s | %s | %s of %s: %s / %s / %s / %s |%n",
                    n, Long.parseLong(f.getProperty("nonMemberQueries")), f.getProperty("corpus.hits"),
                    Double.parseDouble(f.getProperty("corpus.upper95")),
                    Double.parseDouble(f.getProperty("corpus.theoreticalRate")), f.getProperty("bloom.hits"),
                    Double.parseDouble(f.getProperty("bloom.theoreticalRate")), f.getProperty("sorted.hits"),
                    f.getProperty("corpus.bytesPerEntry"), f.getProperty("bloom.bytesPerEntry"),
                    f.getProperty("sorted.bytesPerEntry"), f.getProperty("memberSample"),
                    f.getProperty("memberSample"), f.getProperty("memberSample.corpusMissing"),
                    f.getProperty("memberSample.corpusWrongCountBucket"), f.getProperty("memberSample.sortedMissing"),
                    f.getProperty("memberSample.bloomMissing")));
        }
        out.append("\n## Scaled-up false-positive estimate (corpus)\n\nMatches of non-members on only the low b"
                + " fingerprint bits, counted, then scaled by 2^(b-30).\n\n| entries | mean entries in the probed"
                + " sub-bucket | b=8 | b=12 | b=16 | b=20 | b=30 (real) | decoders disagree |\n|---|---|---|---|---|---|---|---|\n");
        for (long n : sizes) {
            Properties f = BenchData.load(BenchData.dir(root, n).resolve("fpr.properties"));
            if (f.getProperty("corpus.meanSubBucketEntries") == null) {
                continue;
            }
            out.append(String.format("| %,d | %.4f |", n, Double.parseDouble(f.getProperty("corpus.meanSubBucketEntries"))));
            for (int b : new int[] {8, 12, 16, 20, 30}) {
                out.append(String.format(" %s matches: %.3e |", f.getProperty("corpus.partialMatches." + b),
                        Double.parseDouble(f.getProperty("corpus.scaledEstimate." + b))));
            }
            out.append(' ').append(f.getProperty("wordDecodeProbe.disagreements")).append(" |\n");
        }
        if (results.isEmpty()) {
            return out.toString();
        }
        // entries -> benchmark method -> statistics
        Map<Long, Map<String, Statistics>> bySize = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String method = name.substring(name.lastIndexOf('.') + 1);
            long n = Long.parseLong(r.getParams().getParam("entries"));
            bySize.computeIfAbsent(n, k -> new TreeMap<>()).put(method, r.getPrimaryResult().getStatistics());
        }
        out.append("\n## Lookup latency (ns, Mode.SampleTime, one thread)\n\n| entries | benchmark | samples | p50 |"
                + " p90 | p99 | p99.9 | mean |\n|---|---|---|---|---|---|---|---|\n");
        bySize.forEach((n, methods) -> methods.forEach((method, s) -> out.append(String.format(
                "| %,d | %s | %,d | %.0f | %.0f | %.0f | %.0f | %.1f |%n", n, method, s.getN(), s.getPercentile(50),
                s.getPercentile(90), s.getPercentile(99), s.getPercentile(99.9), s.getMean()))));
        out.append("\n## Ratios, corpus / baseline (same run; below 1 means the corpus is faster)\n\n| entries |"
                + " queries | vs | p50 | p99 | mean |\n|---|---|---|---|---|---|\n");
        bySize.forEach((n, methods) -> {
            for (String kind : List.of("Member", "NonMember")) {
                Statistics corpus = methods.get("corpus" + kind);
                for (String baseline : List.of("sorted", "bloom", "wordDecode")) {
                    Statistics other = methods.get(baseline + kind);
                    if (corpus != null && other != null) {
                        out.append(String.format("| %,d | %s | %s | %.2f | %.2f | %.2f |%n", n, kind, baseline,
                                corpus.getPercentile(50) / other.getPercentile(50),
                                corpus.getPercentile(99) / other.getPercentile(99),
                                corpus.getMean() / other.getMean()));
                    }
                }
            }
        });
        List<String> notes = new ArrayList<>();
        notes.add("bytes/entry: corpus = file size / entries; sorted = 20; Bloom = filter bytes / entries.");
        out.append('\n').append(String.join("\n", notes)).append('\n');
        return out.toString();
    }
}
