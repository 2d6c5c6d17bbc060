package io.github.threatprotection.flow;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

import io.github.threatprotection.risk.RiskAction;

/** What a risk-driven second-factor challenge needs: whether one is asked for, and whether the user has one. */
final class SecondFactor {

    /** Auth-session note naming the risk event whose MFA challenge is open; the MFA condition reads it. */
    static final String PENDING_EVENT_NOTE = "threatProtection.mfaEventId";

    private SecondFactor() {
    }

    static boolean isRequested(RiskAction action) {
        return action == RiskAction.MFA_IF_CONFIGURED || action == RiskAction.MFA_REQUIRED;
    }

    /**
     * Whether the flow can ask for the second factor: a sub-flow gated by "Condition - risk requires MFA" sits
     * next to the threat-protection step. Without one (a direct-grant flow, or a browser flow set up without
     * it) nobody would ask, and the sign-in would go through unchallenged.
     */
    static boolean canBeChallenged(AuthenticationFlowContext context) {
        RealmModel realm = context.getRealm();
        return realm.getAuthenticationExecutionsStream(context.getExecution().getParentFlow())
                .filter(AuthenticationExecutionModel::isAuthenticatorFlow)
                .anyMatch(subFlow -> realm.getAuthenticationExecutionsStream(subFlow.getFlowId())
                        .anyMatch(execution -> RiskRequiresMfaCondition.ID.equals(execution.getAuthenticator())
                                && !execution.isDisabled()));
    }

    /** An OTP or WebAuthn (second-factor) credential; passkeys used as first factor do not count. */
    static boolean isConfiguredFor(UserModel user) {
        return user.credentialManager().isConfiguredFor(OTPCredentialModel.TYPE)
                || user.credentialManager().isConfiguredFor(WebAuthnCredentialModel.TYPE_TWOFACTOR);
    }
}
