package io.github.threatprotection.risk;

/** The moments at which the extension evaluates a user, as Cognito names them. */
public enum EventType {
    SIGN_IN,
    SIGN_UP,
    PASSWORD_CHANGE
}
