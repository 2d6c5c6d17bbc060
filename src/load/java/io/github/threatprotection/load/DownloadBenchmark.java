package io.github.threatprotection.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.threatprotection.cli.RangeServer;

/**
 * {@code corpus download}'s throughput against the tests' local range server (HTTP/2 over TLS on 127.0.0.1,
 * docs/benchmarks.md, "Corpus download"): the same number of ranges at each {@code --parallel}, in a JVM of its
 * own per run (the JAR's command as an operator starts it), timed from start to the end of the fetch, then the
 * build. Usage: {@code DownloadBenchmark <folder> <ranges> <rows per range> <parallel,...> <jar or classes>}.
 */
public final class DownloadBenchmark {

    private DownloadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        int ranges = Integer.parseInt(args[1]);
        int rows = Integer.parseInt(args[2]);
        String classPath = args.length > 4 ? args[4] : System.getProperty("java.class.path");
        Files.createDirectories(folder);
        try (RangeServer server = new RangeServer(rows, 0)) {
            for (String p : args[3].split(",")) {
                int parallel = Integer.parseInt(p.strip());
                Path run = Files.createTempDirectory(folder, "download-p" + parallel + "-");
                List<String> command = new ArrayList<>();
                if (Files.isExecutable(Path.of("/usr/bin/time"))) {
                    // the download process's own CPU time, fetch and build together
                    command.addAll(List.of("/usr/bin/time", "-f", "cpu: %U s user, %S s system, peak RSS %M KB"));
                }
                command.addAll(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djavax.net.ssl.trustStore=" + RangeServer.trustStore(),
                        "-Djavax.net.ssl.trustStorePassword=" + RangeServer.trustStorePassword(),
                        "-cp", classPath, "io.github.threatprotection.cli.Main", "corpus", "download",
                        "--output", run.resolve("out.corpus").toString(), "--url", server.url(),
                        "--parallel", Integer.toString(parallel), "--ranges", Integer.toString(ranges)));
                long answeredBefore = server.answered();
                long started = System.nanoTime();
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(run.resolve("run.log").toFile()).start();
                int exit = process.waitFor();
                double seconds = (System.nanoTime() - started) / 1e9;
                String log = Files.readString(run.resolve("run.log"), StandardCharsets.UTF_8);
                String lastProgress = log.lines().filter(l -> l.startsWith("ranges ")).reduce((a, b) -> b).orElse("");
                String cpu = log.lines().filter(l -> l.startsWith("cpu: ")).findFirst().orElse("");
                System.out.printf(Locale.ROOT, "parallel %d: exit %d, %d ranges answered, %.1f s in all (fetch and"
                        + " build); last progress line: %s; %s%n", parallel, exit, server.answered() - answeredBefore,
                        seconds, lastProgress, cpu);
                if (exit != 0) {
                    System.out.println(log);
                }
            }
        }
    }
}
