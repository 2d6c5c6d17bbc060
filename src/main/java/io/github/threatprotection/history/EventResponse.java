package io.github.threatprotection.history;

/** Whether the evaluated step let the user through. */
public enum EventResponse {
    PASS,
    FAIL
}
