package io.github.threatprotection.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.threatprotection.challenge.ProofOfWorkPuzzle;

/** The proof-of-work puzzle a login page carries, for tests that answer it without a browser. */
public final class PuzzlePage {

    private static final Pattern PUZZLE = Pattern.compile("proof-of-work\\.js\\?puzzle=([^&\"]+)");

    private PuzzlePage() {
    }

    /** The puzzle token in the page's script address; fails the test when the page has none. */
    public static String puzzle(String page) {
        Matcher matcher = PUZZLE.matcher(page);
        assertTrue(matcher.find(), "no puzzle in page:\n" + page);
        return URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
    }

    /** Whether the page carries a puzzle. */
    public static boolean hasPuzzle(String page) {
        return PUZZLE.matcher(page).find();
    }

    /** What the page's script computes: the smallest counter with enough zero bits. */
    public static String solve(String token) {
        String[] parts = token.split("\\.");
        return new ProofOfWorkPuzzle("", Base64.getUrlDecoder().decode(parts[2]), Integer.parseInt(parts[3]), 0)
                .solve();
    }
}
