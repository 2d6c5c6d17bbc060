package io.github.threatprotection.settings;

/** What a throttled source's sign-in attempts get. */
public enum ThrottleAction {
    /** The wrong-password answer, before any password is checked. */
    BLOCK,
    /**
     * A challenge a person's browser passes and a script sending thousands of passwords cannot afford
     * ({@code attackProtection.challenge}); a correct answer lets the password be checked, anything else gets the
     * wrong-password answer before any password is hashed. Direct grants, which cannot answer, get that answer.
     */
    CHALLENGE
}
