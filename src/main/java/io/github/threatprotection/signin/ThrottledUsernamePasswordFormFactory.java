package io.github.threatprotection.signin;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.KeycloakSession;

/**
 * Registers {@link ThrottledUsernamePasswordForm}. It inherits everything else from Keycloak's factory (its
 * reference category {@code password}, which brute-force detection and the credential-type records go by), so
 * the form stands in for Keycloak's wherever that one stood.
 */
public class ThrottledUsernamePasswordFormFactory extends UsernamePasswordFormFactory {

    /** Keycloak keeps a step's provider id in 36 characters. */
    public static final String ID = "threat-protection-login-form";

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ThrottledUsernamePasswordForm(session);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Username Password Form (threat protection)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's Username Password Form, answering attempts from sources the threat-protection settings"
                + " throttle like a wrong password, before the password is checked.";
    }
}
