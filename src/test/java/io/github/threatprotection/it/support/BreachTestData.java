package io.github.threatprotection.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Breach data for the test run: an HIBP-format file with known breached passwords among random filler, turned
 * into a corpus by the JAR's own command line, as an operator would.
 */
public final class BreachTestData {

    /** In the corpus, seen 2,500 times. */
    public static final String BREACHED = "Summer2024!";
    /** In the corpus, seen 3 times: below a minimum count of 10. */
    public static final String RARELY_BREACHED = "rarely breached passphrase";
    /** Not in the corpus; the range API stub knows it, seen 42 times. */
    public static final String ONLY_IN_RANGE_API = "only the range api knows this one";
    /** Not breached; the range API stub lists its hash as a count-0 padding row. */
    public static final String PADDING_ONLY = "appears only as a padding row";
    /** Not breached anywhere. */
    public static final String CLEAN = "a clean new passphrase for 2026";

    /** In the first edition of the replaceable corpus only, seen 50 times. */
    public static final String FIRST_EDITION = "listed in the first edition of the replaceable corpus";
    /** In the second edition of the replaceable corpus only, seen 50 times. */
    public static final String SECOND_EDITION = "listed in the second edition of the replaceable corpus";

    /** Every password the tests type, for the check that none of them reaches the server log. */
    public static final List<String> ALL_TEST_PASSWORDS = List.of(BREACHED, RARELY_BREACHED, ONLY_IN_RANGE_API,
            PADDING_ONLY, CLEAN, TestRealm.PASSWORD, FIRST_EDITION, SECOND_EDITION);

    /** The second corpus file of the test server, which only {@link ReplaceableCorpus} changes. */
    public static final String REPLACEABLE_CORPUS = "replaceable.corpus";

    private static final int FILLER_ENTRIES = 20_000;
    /** The first edition is larger than the second, so rebuilding in place shrinks the file under the server. */
    private static final int FIRST_EDITION_FILLER = 60_000;
    private static final int SECOND_EDITION_FILLER = 5_000;

    private BreachTestData() {
    }

    /** Writes the HIBP file and builds the corpus with {@code java -jar <jar> corpus build}; returns the corpus. */
    public static Path buildCorpus(Path jar, Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path input = directory.resolve("pwned-passwords-sha1.txt");
        Path corpus = directory.resolve("breached.corpus");
        List<String> lines = new ArrayList<>();
        lines.add(sha1Hex(BREACHED) + ":2500");
        lines.add(sha1Hex(RARELY_BREACHED) + ":3");
        addFiller(lines, FILLER_ENTRIES, 7);
        Files.write(input, lines);
        runCorpusBuild(jar, input, corpus);
        return corpus;
    }

    /**
     * Builds the first edition of the replaceable corpus, and keeps a copy of it that {@link ReplaceableCorpus}
     * restores from; returns the corpus.
     */
    public static Path buildReplaceableCorpus(Path jar, Path directory) throws IOException, InterruptedException {
        Path corpus = directory.resolve(REPLACEABLE_CORPUS);
        runCorpusBuild(jar, edition(directory, "first", FIRST_EDITION, FIRST_EDITION_FILLER), corpus);
        Files.copy(corpus, ReplaceableCorpus.firstEditionCopy(corpus), StandardCopyOption.REPLACE_EXISTING);
        return corpus;
    }

    /** The HIBP file of the replaceable corpus's second edition, smaller than the first. */
    public static Path secondEdition(Path directory) throws IOException {
        return edition(directory, "second", SECOND_EDITION, SECOND_EDITION_FILLER);
    }

    private static Path edition(Path directory, String name, String password, int filler) throws IOException {
        Files.createDirectories(directory);
        List<String> lines = new ArrayList<>();
        lines.add(sha1Hex(password) + ":50");
        addFiller(lines, filler, name.hashCode());
        return Files.write(directory.resolve(name + "-edition-sha1.txt"), lines);
    }

    private static void addFiller(List<String> lines, int count, long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            lines.add(sha1Hex("filler-" + random.nextLong()) + ":" + (1 + random.nextInt(5000)));
        }
    }

    /** {@code java -jar <jar> corpus build --input <input> --output <output>}, as an operator runs it. */
    public static void runCorpusBuild(Path jar, Path input, Path output) throws IOException, InterruptedException {
        Path log = output.resolveSibling(output.getFileName() + ".build.log");
        Process build = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "corpus", "build", "--input", input.toString(), "--output", output.toString(),
                "--format", "hibp-sha1")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!build.waitFor(2, TimeUnit.MINUTES) || build.exitValue() != 0) {
            throw new IllegalStateException("corpus build failed:\n" + Files.readString(log));
        }
    }

    public static String sha1Hex(String password) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
