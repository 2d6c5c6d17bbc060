package io.github.threatprotection.settings;

/** What a throttled source's sign-in attempts get. */
public enum ThrottleAction {
    /** The wrong-password answer, before any password is checked. */
    BLOCK,
    /** A challenge a person can solve and a script cannot afford; not available yet, refused by the parser. */
    CHALLENGE
}
