package io.github.threatprotection.load;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run's options: {@code key=value} arguments over the defaults, an unknown key an error. The report quotes
 * them in the order of the defaults.
 */
final class LoadOptions {

    private static final String[] DEFAULTS = {"signins", "1000", "warmup", "200", "batch", "20", "concurrency", "1,8",
        "curve", "true", "writes", "100", "corpus", "10000000", "baseline", "", "quiet", "true", "smtp", "sink",
        "jit", "10", "failures", "0"};

    private final Map<String, String> values = new LinkedHashMap<>();

    private LoadOptions() {
        for (int i = 0; i < DEFAULTS.length; i += 2) {
            values.put(DEFAULTS[i], DEFAULTS[i + 1]);
        }
    }

    static LoadOptions parse(String... args) {
        LoadOptions options = new LoadOptions();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2 || !options.values.containsKey(pair[0])) {
                throw new IllegalArgumentException("unknown option " + arg + "; known: " + options.values.keySet());
            }
            options.values.put(pair[0], pair[1]);
        }
        return options;
    }

    /** For drivers whose options are all whole numbers: {@code key=value} arguments over {@code defaults}, in place. */
    static void overWholeNumbers(Map<String, Integer> defaults, String... args) {
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2 || !defaults.containsKey(pair[0])) {
                throw new IllegalArgumentException("unknown option " + arg + "; known: " + defaults.keySet());
            }
            defaults.put(pair[0], Integer.parseInt(pair[1]));
        }
    }

    /** Measured sign-ins per realm and concurrency, after that concurrency's warm-up. */
    int signIns() {
        return integer("signins");
    }

    /** Unmeasured sign-ins per realm at the start of each concurrency. */
    int warmUp() {
        return integer("warmup");
    }

    /** Sign-ins per thread in one batch. */
    int batch() {
        return integer("batch");
    }

    /** The concurrencies measured, in this order. */
    List<Integer> concurrencies() {
        return Arrays.stream(values.get("concurrency").split(",")).map(level -> Integer.parseInt(level.trim()))
                .toList();
    }

    /** Whether to add the history-size realms C10, C100k and C1M. */
    boolean curve() {
        return Boolean.parseBoolean(values.get("curve"));
    }

    /** Sign-ins per realm for the statement count. */
    int writes() {
        return integer("writes");
    }

    /** Entries of the breach corpus. */
    long corpus() {
        return Long.parseLong(values.get("corpus"));
    }

    /** A second JAR, for the realms C-main and A-main on a second server; empty for none. */
    Optional<Path> baseline() {
        return values.get("baseline").isEmpty() ? Optional.empty() : Optional.of(Path.of(values.get("baseline")));
    }

    /** Whether to add realm C-quiet. */
    boolean quiet() {
        return Boolean.parseBoolean(values.get("quiet"));
    }

    /** The realms' SMTP server: {@code sink}, or {@code greenmail} for the tests' one. */
    String smtp() {
        return values.get("smtp");
    }

    /**
     * At most this many minutes of sign-ins at concurrency 8 before anything is measured, until the step runs as
     * C2 code on every server; 0: none.
     */
    int jitMinutes() {
        return integer("jit");
    }

    /**
     * An attack: that many failed sign-ins from each network realm C's users sign in from, for 20,000 usernames,
     * dated inside the velocity window for the whole run; 0: none.
     */
    int failures() {
        return integer("failures");
    }

    private int integer(String name) {
        return Integer.parseInt(values.get(name));
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
