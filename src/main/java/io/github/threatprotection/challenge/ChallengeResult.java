package io.github.threatprotection.challenge;

import java.util.Locale;

/**
 * How a posted answer to a challenge fared. The name is what Keycloak's event detail {@code challenge} and the
 * metric label {@code result} show, in lower case.
 */
public enum ChallengeResult {
    SOLVED,
    /** The form carried no answer (no script ran, or a client that cannot solve it). */
    MISSING,
    /** Not issued by this realm to this sign-in, tampered with, or wrong. */
    INVALID,
    /** Issued too long ago. */
    EXPIRED,
    /** Genuine and solved, but used before. */
    REPLAYED;

    public boolean solved() {
        return this == SOLVED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
