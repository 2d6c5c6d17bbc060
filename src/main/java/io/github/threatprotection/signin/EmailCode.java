package io.github.threatprotection.signin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The code mailed to one sign-in, as its authentication session keeps it: never the code, only a keyed hash of
 * it (HMAC-SHA256 under a key derived from the realm's HMAC key, over a random salt and the code), so that
 * whoever reads the authentication sessions' cache cannot simply try the million codes against it. With it
 * the limits of the sign-in: wrong tries count across the codes sent, and resends are counted too.
 *
 * @param kid        the realm key the hash key was derived from, so that a key rotation during the sign-in is
 *                   noticed rather than mistaken for a wrong code
 * @param issuedAt   epoch milliseconds when the current code was made
 * @param wrongTries wrong codes submitted in this sign-in, whichever code they were meant for
 * @param resends    codes sent after the first one
 */
record EmailCode(String kid, byte[] salt, byte[] hash, long issuedAt, int wrongTries, int resends) {

    static final int DIGITS = 6;
    /** Wrong codes after which the sign-in ends. */
    static final int MAX_WRONG_TRIES = 5;
    /** Codes that may be sent after the first. */
    static final int MAX_RESENDS = 3;
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private static final Pattern WELL_FORMED = Pattern.compile("[0-9]{" + DIGITS + "}");
    private static final String MAC = "HmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** How a submitted code fares. */
    enum Check {
        ACCEPTED,
        /** Wrong, with tries left. */
        WRONG,
        /** Wrong, and the last try of the sign-in. */
        TOO_MANY_WRONG,
        /** The code is older than its lifetime: refused whatever was typed; not counted as a try. */
        EXPIRED
    }

    /** Six random digits. */
    static String newCode(SecureRandom random) {
        return String.format("%0" + DIGITS + "d", random.nextInt(1_000_000));
    }

    /** The first code of a sign-in. */
    static EmailCode first(String code, String kid, byte[] key, long now, SecureRandom random) {
        return of(code, kid, key, now, random, 0, 0);
    }

    /** Whether another code may be sent in this sign-in. */
    boolean canResend() {
        return resends < MAX_RESENDS;
    }

    /** A new code in place of this one, which stops working; the wrong tries so far stay counted. */
    EmailCode resent(String code, String kid, byte[] key, long now, SecureRandom random) {
        if (!canResend()) {
            throw new IllegalStateException("no resends left");
        }
        return of(code, kid, key, now, random, wrongTries, resends + 1);
    }

    /**
     * @param submitted what the user typed; spaces are ignored
     * @param key       the key derived from the realm key named by {@link #kid}
     */
    Check check(String submitted, byte[] key, long now, Duration lifetime) {
        if (now - issuedAt >= lifetime.toMillis() || now < issuedAt) {
            return Check.EXPIRED;
        }
        String typed = submitted == null ? "" : submitted.replace(" ", "");
        if (WELL_FORMED.matcher(typed).matches() && MessageDigest.isEqual(hash, hash(key, salt, typed))) {
            return Check.ACCEPTED;
        }
        return wrongTries + 1 >= MAX_WRONG_TRIES ? Check.TOO_MANY_WRONG : Check.WRONG;
    }

    EmailCode withWrongTry() {
        return new EmailCode(kid, salt, hash, issuedAt, wrongTries + 1, resends);
    }

    int triesLeft() {
        return MAX_WRONG_TRIES - wrongTries;
    }

    int resendsLeft() {
        return MAX_RESENDS - resends;
    }

    /** The auth note's text. */
    String encode() {
        return String.join(".", ENCODER.encodeToString(kid.getBytes(StandardCharsets.UTF_8)),
                ENCODER.encodeToString(salt), ENCODER.encodeToString(hash), Long.toString(issuedAt),
                Integer.toString(wrongTries), Integer.toString(resends));
    }

    /** The state an auth note holds, or null for none or one this version cannot read. */
    static EmailCode decode(String note) {
        if (note == null) {
            return null;
        }
        String[] parts = note.split("\\.", -1);
        if (parts.length != 6) {
            return null;
        }
        try {
            return new EmailCode(new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8),
                    DECODER.decode(parts[1]), DECODER.decode(parts[2]), Long.parseLong(parts[3]),
                    Integer.parseInt(parts[4]), Integer.parseInt(parts[5]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static EmailCode of(String code, String kid, byte[] key, long now, SecureRandom random,
                                int wrongTries, int resends) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new EmailCode(kid, salt, hash(key, salt, code), now, wrongTries, resends);
    }

    private static byte[] hash(byte[] key, byte[] salt, String code) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            mac.update(salt);
            return mac.doFinal(code.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is not available", e);
        }
    }
}
