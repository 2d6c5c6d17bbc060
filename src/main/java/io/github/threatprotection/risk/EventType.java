package io.github.threatprotection.risk;

import java.util.Arrays;
import java.util.List;

/**
 * The moments at which the extension evaluates a user, as Cognito names them, plus the password reset, the
 * refresh-token grant and the sign-in with an existing session's SSO cookie.
 */
public enum EventType {
    SIGN_IN(true),
    SIGN_UP(true),
    PASSWORD_CHANGE(true),
    /** A reset link from the reset-credentials mail being used: whoever holds the mailbox gets the account. */
    PASSWORD_RESET(false),
    /** A refresh-token grant (offline tokens included) checked against the context of its user session. */
    TOKEN_REFRESH(false),
    /** A browser signed in by the SSO cookie of an existing session, checked against that session's context. */
    SSO_SIGN_IN(false);

    /**
     * The events at which a password is submitted, which {@code compromisedCredentials.events} may list: using a
     * reset link submits none (the new password is checked by the password policy), nor does a refresh grant.
     */
    public static final List<EventType> WITH_PASSWORD = Arrays.stream(values()).filter(EventType::hasPassword)
            .toList();

    private final boolean hasPassword;

    EventType(boolean hasPassword) {
        this.hasPassword = hasPassword;
    }

    public boolean hasPassword() {
        return hasPassword;
    }

    /**
     * Whether events of this type are scored and get the level's action (sign-up and password change only check
     * a password being set; refresh grants have their own actions).
     */
    public boolean scored() {
        return this == SIGN_IN || this == PASSWORD_RESET || this == SSO_SIGN_IN;
    }
}
