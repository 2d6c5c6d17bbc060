package io.github.threatprotection.signin;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.EventType;

/**
 * Which way into the account the {@code threat-protection} step is evaluating, read from the flow it runs in,
 * so that one step serves every flow: a reset-credentials flow (reached only through the mailed link, since the
 * step comes after "Send Reset Email"), a first or post broker login flow (the identity provider's alias is in
 * Keycloak's brokered-identity note), or a browser or direct-grant flow, where Keycloak's record of the credential
 * types used tells a passkey from a password.
 */
record Entrance(EventType type, RiskEvent.Method method) {

    static Entrance of(AuthenticationFlowContext context) {
        if (LoginActionsService.RESET_CREDENTIALS_PATH.equals(context.getFlowPath())) {
            return new Entrance(EventType.PASSWORD_RESET, RiskEvent.Method.RESET_LINK);
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String identityProvider = identityProvider(authSession);
        if (identityProvider != null) {
            return new Entrance(EventType.SIGN_IN, RiskEvent.Method.federated(identityProvider));
        }
        if (AuthenticatorUtil.getAuthnCredentials(authSession).contains(WebAuthnCredentialModel.TYPE_PASSWORDLESS)) {
            return new Entrance(EventType.SIGN_IN, RiskEvent.Method.PASSKEY);
        }
        return new Entrance(EventType.SIGN_IN, RiskEvent.Method.PASSWORD);
    }

    /** The alias of the identity provider that brokered this sign-in, or null. */
    private static String identityProvider(AuthenticationSessionModel authSession) {
        for (String note : new String[] {PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT,
                AbstractIdpAuthenticator.BROKERED_CONTEXT_NOTE}) {
            SerializedBrokeredIdentityContext brokered =
                    SerializedBrokeredIdentityContext.readFromAuthenticationSession(authSession, note);
            if (brokered != null) {
                return brokered.getIdentityProviderId();
            }
        }
        return null;
    }

    /** Whether the user typed a password just before the step, which the breach check and its timing concern. */
    boolean password() {
        return method == RiskEvent.Method.PASSWORD;
    }

    boolean passwordReset() {
        return type == EventType.PASSWORD_RESET;
    }
}
