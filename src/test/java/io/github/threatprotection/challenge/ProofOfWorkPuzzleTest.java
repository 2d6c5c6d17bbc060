package io.github.threatprotection.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.challenge.ProofOfWorkPuzzle.Check;
import io.github.threatprotection.challenge.ProofOfWorkPuzzle.Refusal;

class ProofOfWorkPuzzleTest {

    private static final byte[] KEY = "a key derived from the realm key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROTATED_KEY = "the realm's next derived key....".getBytes(StandardCharsets.US_ASCII);
    private static final Function<String, byte[]> KEYS = Map.of("kid-1", KEY, "kid-2", ROTATED_KEY)::get;
    private static final String REALM = "realm-id";
    private static final String SIGN_IN = "root-session/tab-1";
    private static final long NOW = 1_800_000_000L;
    private static final int DIFFICULTY = 10;
    private final SecureRandom random = new SecureRandom();

    private ProofOfWorkPuzzle issued() {
        return ProofOfWorkPuzzle.issue("kid-1", DIFFICULTY, NOW + 600, random);
    }

    private static Check check(String token, String solution, long now) {
        return ProofOfWorkPuzzle.check(token, solution, KEYS, REALM, SIGN_IN, now);
    }

    @Test
    void aSolvedPuzzlePassesWithItsNonce() {
        ProofOfWorkPuzzle puzzle = issued();
        String token = puzzle.token(KEY, REALM, SIGN_IN);

        Check check = check(token, puzzle.solve(), NOW);

        assertTrue(check.passed(), String.valueOf(check.refusal()));
        assertEquals(puzzle.nonceText(), check.puzzle().nonceText());
        assertEquals(DIFFICULTY, check.puzzle().difficulty());
    }

    @Test
    void aPuzzleSignedWithAnOlderKeyStillPassesWhileTheRealmHasThatKey() {
        ProofOfWorkPuzzle puzzle = ProofOfWorkPuzzle.issue("kid-2", DIFFICULTY, NOW + 600, random);
        assertTrue(check(puzzle.token(ROTATED_KEY, REALM, SIGN_IN), puzzle.solve(), NOW).passed());
        ProofOfWorkPuzzle unknown = ProofOfWorkPuzzle.issue("kid-removed", DIFFICULTY, NOW + 600, random);
        assertEquals(Refusal.FORGED, check(unknown.token(KEY, REALM, SIGN_IN), unknown.solve(), NOW).refusal());
    }

    @Test
    void theSolutionNeedsTheDifficultysZeroBits() {
        ProofOfWorkPuzzle puzzle = issued();
        String token = puzzle.token(KEY, REALM, SIGN_IN);
        String wrong = null;
        for (long counter = 0; wrong == null; counter++) {
            // fewer zero bits than asked for, but some: a lazier search's answer
            int bits = ProofOfWorkPuzzle.leadingZeroBits(ProofOfWorkPuzzle.hash(puzzle.nonce(), Long.toString(counter)));
            if (bits >= 4 && bits < DIFFICULTY) {
                wrong = Long.toString(counter);
            }
        }

        assertEquals(Refusal.WRONG_SOLUTION, check(token, wrong, NOW).refusal());
        assertEquals(Refusal.WRONG_SOLUTION, check(token, "-1", NOW).refusal());
        assertEquals(Refusal.WRONG_SOLUTION, check(token, "1234567890123456", NOW).refusal(), "too many digits");
    }

    @Test
    void theSmallestSolutionHasExactlyEnoughZeroBitsAndNoSmallerCounterHas() {
        ProofOfWorkPuzzle puzzle = issued();
        long solution = Long.parseLong(puzzle.solve());
        assertTrue(ProofOfWorkPuzzle.leadingZeroBits(
                ProofOfWorkPuzzle.hash(puzzle.nonce(), Long.toString(solution))) >= DIFFICULTY);
        for (long counter = 0; counter < solution; counter++) {
            assertFalse(puzzle.solvedBy(Long.toString(counter)));
        }
    }

    @Test
    void zeroBitsAreCountedAcrossBytes() {
        assertEquals(0, ProofOfWorkPuzzle.leadingZeroBits(new byte[] {(byte) 0x80, 0}));
        assertEquals(7, ProofOfWorkPuzzle.leadingZeroBits(new byte[] {1, 0}));
        assertEquals(8, ProofOfWorkPuzzle.leadingZeroBits(new byte[] {0, (byte) 0xff}));
        assertEquals(13, ProofOfWorkPuzzle.leadingZeroBits(new byte[] {0, 0x04}));
        assertEquals(16, ProofOfWorkPuzzle.leadingZeroBits(new byte[] {0, 0}));
    }

    @Test
    void anExpiredPuzzleIsRefusedEvenSolved() {
        ProofOfWorkPuzzle puzzle = issued();
        String token = puzzle.token(KEY, REALM, SIGN_IN);
        String solution = puzzle.solve();

        assertTrue(check(token, solution, NOW + 599).passed());
        assertEquals(Refusal.EXPIRED, check(token, solution, NOW + 600).refusal());
    }

    @Test
    void aPuzzleOfAnotherSignInOrRealmIsRefused() {
        ProofOfWorkPuzzle puzzle = issued();
        String token = puzzle.token(KEY, REALM, SIGN_IN);
        String solution = puzzle.solve();

        assertEquals(Refusal.FORGED, ProofOfWorkPuzzle.check(token, solution, KEYS, REALM, "root-session/tab-2",
                NOW).refusal());
        assertEquals(Refusal.FORGED, ProofOfWorkPuzzle.check(token, solution, KEYS, "other-realm", SIGN_IN,
                NOW).refusal());
        assertEquals(Refusal.FORGED, ProofOfWorkPuzzle.check(token, solution, kid -> ROTATED_KEY, REALM, SIGN_IN,
                NOW).refusal(), "another key");
    }

    @Test
    void everyTamperedFieldIsRefused() {
        ProofOfWorkPuzzle puzzle = issued();
        String token = puzzle.token(KEY, REALM, SIGN_IN);
        String[] parts = token.split("\\.");
        ProofOfWorkPuzzle easier = new ProofOfWorkPuzzle("kid-1", puzzle.nonce(), 1, puzzle.expiresAt());
        ProofOfWorkPuzzle later = new ProofOfWorkPuzzle("kid-1", puzzle.nonce(), DIFFICULTY, puzzle.expiresAt() + 3600);
        ProofOfWorkPuzzle otherNonce = issued();

        // each field swapped, the MAC kept
        assertEquals(Refusal.FORGED, check(with(parts, 3, "1"), easier.solve(), NOW).refusal(), "difficulty");
        assertEquals(Refusal.FORGED, check(with(parts, 4, Long.toString(NOW + 4200)), puzzle.solve(), NOW + 700)
                .refusal(), "expiry");
        assertEquals(Refusal.FORGED, check(with(parts, 2, otherNonce.nonceText()), otherNonce.solve(), NOW)
                .refusal(), "nonce");
        assertEquals(Refusal.FORGED, check(with(parts, 1, "a2lkLTI"), puzzle.solve(), NOW).refusal(), "kid");
        assertEquals(Refusal.FORGED, check(with(parts, 3, "010"), puzzle.solve(), NOW).refusal(),
                "the same difficulty spelt otherwise");
        assertEquals(Refusal.FORGED, check(with(parts, 5, parts[5].substring(1) + "A"), puzzle.solve(), NOW)
                .refusal(), "MAC");
        // a token made without the key
        assertEquals(Refusal.FORGED, check(later.token("guessed".getBytes(StandardCharsets.US_ASCII), REALM,
                SIGN_IN), later.solve(), NOW).refusal());
        assertEquals(Refusal.FORGED, check("pow1.not.a.token", "1", NOW).refusal());
        assertEquals(Refusal.FORGED, check(token.replace("pow1", "pow2"), puzzle.solve(), NOW).refusal());
        assertEquals(Refusal.FORGED, check(with(parts, 3, "x"), puzzle.solve(), NOW).refusal());
    }

    @Test
    void aMissingPuzzleOrSolutionIsMissing() {
        String token = issued().token(KEY, REALM, SIGN_IN);
        assertEquals(Refusal.MISSING, check(null, "1", NOW).refusal());
        assertEquals(Refusal.MISSING, check("", "1", NOW).refusal());
        assertEquals(Refusal.MISSING, check(token, null, NOW).refusal());
        assertEquals(Refusal.MISSING, check(token, "", NOW).refusal());
        assertNull(check(token, "", NOW).puzzle());
    }

    @Test
    void noncesAreRandomAndDifficultyIsBounded() {
        assertNotEquals(issued().nonceText(), issued().nonceText());
        assertThrows(IllegalArgumentException.class, () -> ProofOfWorkPuzzle.issue("kid-1", 0, NOW, random));
        assertThrows(IllegalArgumentException.class, () -> ProofOfWorkPuzzle.issue("kid-1",
                ProofOfWorkPuzzle.MAX_DIFFICULTY + 1, NOW, random));
    }

    private static String with(String[] parts, int index, String value) {
        String[] copy = parts.clone();
        copy[index] = value;
        return String.join(".", copy);
    }
}
