package io.github.threatprotection.challenge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Function;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A proof-of-work puzzle as the login page carries it: a random nonce, the difficulty (leading zero bits), an
 * expiry, and the kid of the realm key the MAC key was derived from, signed together with the realm and the
 * sign-in (authentication session and tab) it was issued to. The binding is in the MAC, not in the token, so the
 * page shows no session id.
 * <p>
 * A solution is a counter, in decimal, such that SHA-256(nonce bytes ‖ counter's ASCII digits) starts with
 * {@code difficulty} zero bits: on average 2<sup>difficulty</sup> hashes to find, one to check.
 *
 * @param expiresAt epoch seconds
 */
public record ProofOfWorkPuzzle(String kid, byte[] nonce, int difficulty, long expiresAt) {

    /** The highest difficulty a puzzle may have: 2^32 hashes is far beyond any browser's patience. */
    public static final int MAX_DIFFICULTY = 32;
    private static final int NONCE_BYTES = 16;
    /** A counter that needs more digits than this was not found by searching from zero. */
    private static final Pattern SOLUTION = Pattern.compile("[0-9]{1,15}");
    private static final String MAC = "HmacSHA256";
    private static final String FORMAT = "pow1";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** Why a solution is refused; {@code null} in a {@link Check} that passed. */
    public enum Refusal {
        /** No puzzle or no solution came with the form. */
        MISSING,
        /** The token does not parse, its MAC does not match (tampered, another realm or sign-in, unknown key). */
        FORGED,
        EXPIRED,
        /** The token is genuine but the counter does not give enough zero bits. */
        WRONG_SOLUTION
    }

    /** The outcome of checking a solution: the puzzle when it passed, else the refusal. */
    public record Check(ProofOfWorkPuzzle puzzle, Refusal refusal) {
        public boolean passed() {
            return refusal == null;
        }
    }

    public static ProofOfWorkPuzzle issue(String kid, int difficulty, long expiresAt, SecureRandom random) {
        if (difficulty < 1 || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException("difficulty must be 1 to " + MAX_DIFFICULTY + ": " + difficulty);
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return new ProofOfWorkPuzzle(kid, nonce, difficulty, expiresAt);
    }

    /** The nonce as the single-use store keys it. */
    public String nonceText() {
        return ENCODER.encodeToString(nonce);
    }

    /** The token the page carries: {@code pow1.kid.nonce.difficulty.expiresAt.mac}, all URL-safe. */
    public String token(byte[] key, String realmId, String binding) {
        return body() + "." + ENCODER.encodeToString(mac(key, realmId, binding, body()));
    }

    /**
     * Checks a token and its solution, cheapest refusal first once the MAC is known good: signature, expiry,
     * then one SHA-256. Claiming the nonce (replay) is the caller's, after a pass.
     *
     * @param keyForKid the MAC key derived from the realm key with this kid, or null for a kid the realm lacks
     */
    public static Check check(String token, String solution, Function<String, byte[]> keyForKid, String realmId,
                              String binding, long nowSeconds) {
        if (token == null || token.isEmpty() || solution == null || solution.isEmpty()) {
            return new Check(null, Refusal.MISSING);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 6 || !FORMAT.equals(parts[0])) {
            return new Check(null, Refusal.FORGED);
        }
        ProofOfWorkPuzzle puzzle;
        byte[] mac;
        try {
            puzzle = new ProofOfWorkPuzzle(new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8),
                    DECODER.decode(parts[2]), Integer.parseInt(parts[3]), Long.parseLong(parts[4]));
            mac = DECODER.decode(parts[5]);
        } catch (IllegalArgumentException e) {
            return new Check(null, Refusal.FORGED);
        }
        byte[] key = keyForKid.apply(puzzle.kid());
        if (key == null || !puzzle.body().equals(String.join(".", parts[0], parts[1], parts[2], parts[3], parts[4]))
                || !MessageDigest.isEqual(mac, mac(key, realmId, binding, puzzle.body()))) {
            return new Check(null, Refusal.FORGED);
        }
        if (nowSeconds >= puzzle.expiresAt()) {
            return new Check(puzzle, Refusal.EXPIRED);
        }
        if (!SOLUTION.matcher(solution).matches() || !puzzle.solvedBy(solution)) {
            return new Check(puzzle, Refusal.WRONG_SOLUTION);
        }
        return new Check(puzzle, null);
    }

    /** Whether SHA-256(nonce ‖ counter) has at least {@code difficulty} leading zero bits. */
    public boolean solvedBy(String counter) {
        return leadingZeroBits(hash(nonce, counter)) >= difficulty;
    }

    /** Searches the smallest counter that solves the puzzle, as the login page's script does; for tests. */
    public String solve() {
        for (long counter = 0; ; counter++) {
            String text = Long.toString(counter);
            if (solvedBy(text)) {
                return text;
            }
        }
    }

    static byte[] hash(byte[] nonce, String counter) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(nonce);
            return sha256.digest(counter.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }

    private String body() {
        return String.join(".", FORMAT, ENCODER.encodeToString(kid.getBytes(StandardCharsets.UTF_8)), nonceText(),
                Integer.toString(difficulty), Long.toString(expiresAt));
    }

    /** HMAC-SHA256 over the realm, the sign-in's binding and the token's body, newline-separated. */
    private static byte[] mac(byte[] key, String realmId, String binding, String body) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            return mac.doFinal(String.join("\n", realmId, binding, body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is not available", e);
        }
    }
}
