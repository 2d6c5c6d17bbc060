package io.github.threatprotection.risk;

import java.util.Arrays;
import java.util.List;

/** The moments at which the extension evaluates a user, as Cognito names them, and the refresh-token grant. */
public enum EventType {
    SIGN_IN(true),
    SIGN_UP(true),
    PASSWORD_CHANGE(true),
    /** A refresh-token grant (offline tokens included) checked against the context of its user session. */
    TOKEN_REFRESH(false);

    /** The events at which a password is submitted, which {@code compromisedCredentials.events} may list. */
    public static final List<EventType> WITH_PASSWORD = Arrays.stream(values()).filter(EventType::hasPassword)
            .toList();

    private final boolean hasPassword;

    EventType(boolean hasPassword) {
        this.hasPassword = hasPassword;
    }

    public boolean hasPassword() {
        return hasPassword;
    }
}
