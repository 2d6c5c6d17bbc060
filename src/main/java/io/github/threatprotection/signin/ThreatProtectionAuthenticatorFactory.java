package io.github.threatprotection.signin;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

public class ThreatProtectionAuthenticatorFactory extends UnconfiguredStepFactory {

    public static final String ID = "threat-protection";

    public ThreatProtectionAuthenticatorFactory() {
        super(ID, "Threat protection", ID,
                "Evaluates the sign-in's risk against the realm's threat-protection settings, records it, and"
                        + " blocks it like a wrong password when the settings say so. Place it right after the password"
                        + " step.");
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ThreatProtectionAuthenticator(session);
    }
}
