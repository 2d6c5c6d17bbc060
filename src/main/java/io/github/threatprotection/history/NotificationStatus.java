package io.github.threatprotection.history;

/** Where an event's notification e-mail stands. */
public enum NotificationStatus {
    /** Waiting for its first or next delivery attempt. */
    PENDING,
    SENT,
    /** Every attempt failed; the detail says why the last one did. */
    FAILED,
    /** Not sent, for the reason in the detail (no e-mail address, no SMTP settings). */
    SKIPPED
}
