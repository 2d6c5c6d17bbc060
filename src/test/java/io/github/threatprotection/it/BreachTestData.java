package io.github.threatprotection.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Every password the tests type, for the check that none of them reaches the server log. */
    public static final List<String> ALL_TEST_PASSWORDS = List.of(BREACHED, RARELY_BREACHED, ONLY_IN_RANGE_API,
            PADDING_ONLY, CLEAN, TestRealm.PASSWORD);

    private static final int FILLER_ENTRIES = 20_000;

    private BreachTestData() {
    }

    /** Writes the HIBP file and builds the corpus with {@code java -jar <jar> corpus build}; returns the corpus. */
    static Path buildCorpus(Path jar, Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path input = directory.resolve("pwned-passwords-sha1.txt");
        Path corpus = directory.resolve("breached.corpus");
        List<String> lines = new ArrayList<>();
        lines.add(sha1Hex(BREACHED) + ":2500");
        lines.add(sha1Hex(RARELY_BREACHED) + ":3");
        Random random = new Random(7);
        for (int i = 0; i < FILLER_ENTRIES; i++) {
            lines.add(sha1Hex("filler-" + random.nextLong()) + ":" + (1 + random.nextInt(5000)));
        }
        Files.write(input, lines);
        Path log = directory.resolve("corpus-build.log");
        Process build = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "corpus", "build", "--input", input.toString(), "--output", corpus.toString(),
                "--format", "hibp-sha1")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!build.waitFor(2, TimeUnit.MINUTES) || build.exitValue() != 0) {
            throw new IllegalStateException("corpus build failed:\n" + Files.readString(log));
        }
        return corpus;
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
