package io.github.threatprotection.signin;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * "Condition - risk requires MFA" ({@code threat-protection-mfa-condition}): true when the threat-protection
 * step before it decided that this sign-in needs a second factor and none was given yet in this sign-in, so the
 * conditional sub-flow it gates (OTP Form, WebAuthn Authenticator) runs. A factor already asked for by the
 * realm's own conditional 2FA sub-flow, placed before this one, counts: nobody is asked twice.
 */
public class RiskRequiresMfaCondition implements ConditionalAuthenticator, ConditionalAuthenticatorFactory {

    public static final String ID = "threat-protection-mfa-condition";

    private static final Requirement[] REQUIREMENTS = {Requirement.REQUIRED, Requirement.DISABLED};

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        return authSession.getAuthNote(SecondFactor.PENDING_EVENT_NOTE) != null && !SecondFactor.givenIn(authSession);
    }

    @Override
    public ConditionalAuthenticator getSingleton() {
        return this;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Condition - risk requires MFA";
    }

    @Override
    public String getHelpText() {
        return "True when the threat-protection step decided that this sign-in needs a second factor and none was"
                + " given yet in it. Gate a conditional sub-flow with OTP Form and WebAuthn Authenticator with it,"
                + " after that step and after the flow's own conditional 2FA sub-flow.";
    }

    @Override
    public String getReferenceCategory() {
        return REFERENCE_CATEGORY;
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
