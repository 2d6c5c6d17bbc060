package io.github.threatprotection.signin;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/** "Threat protection - SSO sign-in" ({@value #ID}): see {@link SsoSignInCheck}. */
public class SsoSignInCheckFactory extends UnconfiguredStepFactory {

    public static final String ID = "threat-protection-sso";

    public SsoSignInCheckFactory() {
        super(ID, "Threat protection - SSO sign-in", ThreatProtectionAuthenticatorFactory.ID,
                "Checks a sign-in by the SSO cookie of an existing session against the context the session was"
                        + " signed in from, when the realm's sessions.ssoSignIn setting is on. Place it right after"
                        + " Cookie, both REQUIRED, in an ALTERNATIVE sub-flow that takes Cookie's place.");
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new SsoSignInCheck(session);
    }
}
