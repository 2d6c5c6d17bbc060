package io.github.threatprotection.history;

import java.time.Instant;

/** Someone's verdict on a risk event: was it really the user? */
public record Feedback(Value value, Provider provider, Instant time) {

    public enum Value {
        VALID,
        INVALID
    }

    /** Who gave the feedback: a realm admin, or the user through a notification link. */
    public enum Provider {
        ADMIN,
        USER
    }
}
