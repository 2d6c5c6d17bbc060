package io.github.threatprotection.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The run's Markdown report: each line printed as it comes, so a long run shows its progress, and kept, to be
 * written to {@code results-<time>.md} at the end. Also how the report states elapsed time and machine load.
 */
final class Report {

    private final PrintStream out;
    private final StringBuilder text = new StringBuilder();

    Report(PrintStream out) {
        this.out = out;
    }

    void line(String line) {
        out.println(line);
        out.flush();
        text.append(line).append('\n');
    }

    /** Writes the report's lines into the directory and says where. */
    void writeTo(Path directory) throws IOException {
        Path file = directory.resolve("results-" + Instant.now().toString().replace(':', '-') + ".md");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        out.println("Written to " + file);
    }

    /** A problem that does not spoil the results, printed but kept out of the written report. */
    void warn(String problem) {
        out.println(problem);
    }

    /** Whole seconds since a {@link System#nanoTime()}. */
    static String seconds(long startedNanos) {
        return String.valueOf((System.nanoTime() - startedNanos) / 1_000_000_000L);
    }

    /** The machine's load average over 1, 5 and 15 minutes. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
