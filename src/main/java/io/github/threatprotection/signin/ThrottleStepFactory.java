package io.github.threatprotection.signin;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/** Registers {@link ThrottleStep}, which {@code POST …/flows} puts first in the direct-grant copy. */
public class ThrottleStepFactory extends UnconfiguredStepFactory {

    public static final String ID = "threat-protection-throttle";

    public ThrottleStepFactory() {
        super(ID, "Threat protection - throttled sources", null,
                "Answers password grants from sources the threat-protection settings throttle like a wrong"
                        + " password, before the password is checked. Place it first in a direct-grant flow.");
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ThrottleStep();
    }
}
