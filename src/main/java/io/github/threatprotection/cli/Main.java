package io.github.threatprotection.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.github.threatprotection.breach.BreachCorpus;
import io.github.threatprotection.breach.CommonPasswords;
import io.github.threatprotection.breach.CorpusBuilder;
import io.github.threatprotection.breach.CorpusInput;
import io.github.threatprotection.breach.PasswordHash;

/**
 * The JAR's command line: {@code java -jar keycloak-threat-protection-<version>.jar corpus
 * build|check|info|download}.
 * Needs no Keycloak. Answers go to standard output; an error is one line on standard error ("error: …") and
 * exit code 1, a usage mistake the usage text and exit code 2.
 */
public final class Main {

    private static final String USAGE = """
            usage:
              corpus build --input <file|folder> --output <file> [--format hibp-sha1|plaintext] [--temp-dir <folder>]
              corpus check <corpus> -      asks for the password (or reads it from standard input)
              corpus info [<corpus>]        without a corpus: the built-in list of common passwords
              corpus download --output <file> [--url <range API>] [--parallel <n>] [--state-dir <folder>]
                              [--refresh] [--keep-text <folder>] [--timeout <seconds>] [--retries <n>]
                              [--temp-dir <folder>]
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, out, err, System.getenv(), null);
    }

    /**
     * @param environment where {@code corpus download} finds {@code https_proxy}
     * @param ssl         for {@code corpus download}'s connections, or null for the JVM's default
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
            SSLContext ssl) {
        try {
            if (args.length < 2 || !args[0].equals("corpus")) {
                err.print(USAGE);
                return 2;
            }
            List<String> rest = List.of(args).subList(2, args.length);
            return switch (args[1]) {
                case "build" -> build(rest, out, err);
                case "check" -> check(rest, in, out, err);
                case "info" -> info(rest, out, err);
                case "download" -> download(rest, out, err, environment, ssl);
                default -> {
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (Exception | Error e) {
            // An operator's tool: what went wrong, in one line, not a stack trace.
            err.println("error: " + describe(e));
            return 1;
        }
    }

    /** The problem in one line, naming the file where the exception only gives its path. */
    static String describe(Throwable e) {
        String text;
        if (e instanceof NoSuchFileException missing) {
            text = "no such file or folder: " + missing.getFile();
        } else if (e instanceof AccessDeniedException denied) {
            text = "permission denied: " + denied.getFile();
        } else if (e instanceof FileSystemException file && file.getReason() != null) {
            text = file.getFile() + ": " + file.getReason();
        } else if (e instanceof OutOfMemoryError) {
            text = "out of memory (give Java more with -Xmx, e.g. java -Xmx2g -jar …)";
        } else if (e.getMessage() != null) {
            text = e.getMessage();
        } else {
            text = e.getClass().getSimpleName();
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    private static int build(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size() || !args.get(i).startsWith("--")) {
                err.print(USAGE);
                return 2;
            }
            options.put(args.get(i).substring(2), args.get(i + 1));
        }
        if (!options.containsKey("input") || !options.containsKey("output")
                || !List.of("input", "output", "format", "temp-dir").containsAll(options.keySet())) {
            err.print(USAGE);
            return 2;
        }
        Path output = Path.of(options.get("output")).toAbsolutePath();
        Path temp = Path.of(options.getOrDefault("temp-dir", output.getParent().toString()));
        CorpusInput input = CorpusInput.of(Path.of(options.get("input")), options.getOrDefault("format", "hibp-sha1"));
        CorpusBuilder.Report report = new CorpusBuilder(err).build(input, output, temp);
        out.printf("entries: %d%nbytes: %d%nentries per second: %.0f%n", report.entries(), report.bytes(),
                report.entriesPerSecond());
        return 0;
    }

    private static int download(List<String> args, PrintStream out, PrintStream err, Map<String, String> environment,
            SSLContext ssl) throws IOException, InterruptedException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!name.startsWith("--") || !DOWNLOAD_OPTIONS.contains(name.substring(2))) {
                err.print(USAGE);
                return 2;
            }
            if (name.equals("--refresh")) {
                options.put("refresh", "true");
            } else if (i + 1 < args.size()) {
                options.put(name.substring(2), args.get(++i));
            } else {
                err.print(USAGE);
                return 2;
            }
        }
        if (!options.containsKey("output")) {
            err.print(USAGE);
            return 2;
        }
        Path output = Path.of(options.get("output")).toAbsolutePath();
        String url = options.getOrDefault("url", CorpusDownload.DEFAULT_URL);
        URI base = URI.create(url.endsWith("/") ? url : url + "/");
        if (base.getScheme() == null || !List.of("http", "https").contains(base.getScheme())) {
            throw new IllegalArgumentException("--url must be an http or https URL: " + url);
        }
        int parallel = number(options, "parallel", 16, 1, CorpusDownload.MAX_PARALLEL);
        int ranges = number(options, "ranges", RangeAnswer.RANGES, 1, RangeAnswer.RANGES);
        if (Integer.bitCount(ranges) != 1) {
            throw new IllegalArgumentException("--ranges must be a power of two: " + ranges);
        }
        int retries = number(options, "retries", 8, 0, 1000);
        double timeout = Double.parseDouble(options.getOrDefault("timeout", "30"));
        if (!(timeout > 0)) {
            throw new IllegalArgumentException("--timeout must be a number of seconds above 0");
        }
        Path state = Path.of(options.getOrDefault("state-dir", output + ".download"));
        CorpusDownload.Options parsed = new CorpusDownload.Options(output, base, parallel, state,
                options.containsKey("refresh"), options.containsKey("keep-text") ? Path.of(options.get("keep-text"))
                        : null, ranges, Duration.ofMillis(Math.round(timeout * 1000)), retries,
                options.containsKey("temp-dir") ? Path.of(options.get("temp-dir")) : null);
        return new CorpusDownload(parsed, out, err, environment, ssl).run();
    }

    /**
     * {@code ranges} is for tests and benchmarks: only n ranges (a power of two), every (1,048,576 / n)-th from
     * 00000 on, are fetched, and the corpus covers only those; the command says so when it is used.
     */
    private static final List<String> DOWNLOAD_OPTIONS = List.of("output", "url", "parallel", "state-dir", "refresh",
            "keep-text", "timeout", "retries", "temp-dir", "ranges");

    private static int number(Map<String, String> options, String name, int fallback, int min, int max) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--" + name + " must be a whole number from " + min + " to " + max
                + ": " + value);
    }

    private static int check(List<String> args, InputStream in, PrintStream out, PrintStream err)
            throws IOException {
        if (args.size() != 2) {
            err.print(USAGE);
            return 2;
        }
        String password = args.get(1);
        if (password.equals("-")) {
            password = readPassword(in);
            if (password == null) {
                err.println("error: no password on standard input");
                return 1;
            }
        } else {
            err.println("warning: a password given as an argument is visible to every user of this machine in the"
                    + " process list and may stay in the shell's history; use - and give it on standard input");
        }
        Path file = Path.of(args.get(0));
        try (BreachCorpus corpus = open(file)) {
            long count;
            try {
                count = corpus.count(PasswordHash.sha1(password));
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            out.println(count > 0 ? "found: true\ncount: at least " + count : "found: false");
        }
        return 0;
    }

    /** At a terminal without echoing it, else the first line of {@code in}; null when there is none. */
    private static String readPassword(InputStream in) throws IOException {
        Console console = System.console();
        if (in == System.in && console != null) {
            char[] typed = console.readPassword("password: ");
            return typed == null ? null : new String(typed);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    }

    private static int info(List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.isEmpty()) {
            out.printf("built-in list: %d common passwords, from the %s%n"
                    + "used by the server alongside any breach corpus unless builtin-corpus=false%n",
                    CommonPasswords.builtIn().size(), CommonPasswords.SOURCE);
            return 0;
        }
        if (args.size() != 1) {
            err.print(USAGE);
            return 2;
        }
        try (BreachCorpus corpus = open(Path.of(args.get(0)))) {
            out.printf("entries: %d%nbytes: %d%nbytes per entry: %.3f%nfalse-positive rate: %.3g%n",
                    corpus.entries(), corpus.sizeBytes(), corpus.bytesPerEntry(), corpus.falsePositiveRate());
        }
        return 0;
    }

    /** Opens a corpus with the server's checks; a refusal names the file. */
    private static BreachCorpus open(Path file) throws IOException {
        try {
            return BreachCorpus.open(file);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
