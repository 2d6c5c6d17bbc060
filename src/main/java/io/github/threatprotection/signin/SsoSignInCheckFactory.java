package io.github.threatprotection.signin;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** "Threat protection - SSO sign-in" ({@value #ID}): see {@link SsoSignInCheck}. */
public class SsoSignInCheckFactory implements AuthenticatorFactory {

    public static final String ID = "threat-protection-sso";

    private static final Requirement[] REQUIREMENTS = {Requirement.REQUIRED, Requirement.DISABLED};

    @Override
    public Authenticator create(KeycloakSession session) {
        return new SsoSignInCheck(session);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Threat protection - SSO sign-in";
    }

    @Override
    public String getHelpText() {
        return "Checks a sign-in by the SSO cookie of an existing session against the context the session was"
                + " signed in from, when the realm's sessions.ssoSignIn setting is on. Place it right after Cookie,"
                + " both REQUIRED, in an ALTERNATIVE sub-flow that takes Cookie's place.";
    }

    @Override
    public String getReferenceCategory() {
        return ThreatProtectionAuthenticatorFactory.ID;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
