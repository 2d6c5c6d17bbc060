package io.github.threatprotection.settings;

import java.util.List;

/** A settings document that was rejected, with every problem found in it. */
public class InvalidSettingsException extends Exception {

    private final transient List<FieldError> errors;

    public InvalidSettingsException(List<FieldError> errors) {
        super(errors.size() + " invalid setting(s), first: " + errors.get(0).field() + ": " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
