package io.github.threatprotection.history;

/** Where a second-factor challenge that the risk level asked for stands. */
public enum MfaOutcome {
    /** The challenge was shown and not answered yet (or abandoned). */
    PENDING,
    SUCCESS,
    FAILURE
}
