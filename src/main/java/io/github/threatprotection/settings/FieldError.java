package io.github.threatprotection.settings;

/** One problem in a settings document, located by its JSON path ({@code ipExceptions.alwaysBlock[2]}). */
public record FieldError(String field, String message) {
}
