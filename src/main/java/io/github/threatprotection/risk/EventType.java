package io.github.threatprotection.risk;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** The moments at which the extension evaluates a user, as Cognito names them, and the password reset. */
public enum EventType {
    SIGN_IN,
    SIGN_UP,
    PASSWORD_CHANGE,
    /** A reset link from the reset-credentials mail being used: whoever holds the mailbox gets the account. */
    PASSWORD_RESET;

    /**
     * The types whose password is checked against breach data ({@code compromisedCredentials.events}): using a
     * reset link submits no password, and the new one is checked by the password policy.
     */
    public static final Set<EventType> WITH_PASSWORD = Collections.unmodifiableSet(
            EnumSet.of(SIGN_IN, SIGN_UP, PASSWORD_CHANGE));

    /**
     * Whether events of this type are scored by the adaptive signals and get the level's action (the others only
     * check a password being set against breach data).
     */
    public boolean scored() {
        return this == SIGN_IN || this == PASSWORD_RESET;
    }
}
