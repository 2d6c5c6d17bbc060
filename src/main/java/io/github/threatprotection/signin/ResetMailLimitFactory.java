package io.github.threatprotection.signin;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/**
 * Registers {@link ResetMailLimit}, which {@code POST …/flows} puts right before "Send Reset Email" in the
 * reset-credentials copy.
 */
public class ResetMailLimitFactory extends UnconfiguredStepFactory {

    public static final String ID = "threat-protection-reset-mail-limit";

    public ResetMailLimitFactory() {
        super(ID, "Threat protection - reset mail limits", null,
                "Sends no reset mail for a network or a user over the threat-protection settings' limits, with"
                        + " the page a sent mail gets. Place it right before Send Reset Email.");
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ResetMailLimit();
    }
}
