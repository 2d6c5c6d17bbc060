package io.github.threatprotection.settings;

/** What happens when a password is found in breach data. */
public enum CompromisedCredentialsAction {
    BLOCK,
    NO_ACTION
}
