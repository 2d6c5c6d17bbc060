package io.github.threatprotection.signin;

import java.util.EnumSet;
import java.util.Set;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.decision.ReplayFacts;

/** What a risk-driven second-factor challenge needs: whether one is asked for, and whether the user has one. */
final class SecondFactor {

    /** Auth-session note naming the risk event whose MFA challenge is open; the MFA condition reads it. */
    static final String PENDING_EVENT_NOTE = "threatProtection.mfaEventId";
    /** Auth-session note naming the {@link MfaChallenge} asked for; the e-mail code step acts only on its own. */
    static final String CHALLENGE_NOTE = "threatProtection.mfaChallenge";

    /**
     * Credential types whose step, once passed, is a second factor: OTP, WebAuthn two-factor, and a recovery code
     * (which Keycloak's own 2FA sub-flow accepts in place of the other two).
     */
    private static final Set<String> SECOND_FACTOR_TYPES = Set.of(OTPCredentialModel.TYPE,
            WebAuthnCredentialModel.TYPE_TWOFACTOR, RecoveryAuthnCodesCredentialModel.TYPE);

    private SecondFactor() {
    }

    /**
     * Whether the flow can ask for the second factor: an enabled sub-flow gated by an enabled "Condition - risk
     * requires MFA" comes after the threat-protection step, in the same flow. Without one (a direct-grant flow,
     * a browser flow set up without it, or with it placed before the step, where it is decided before the step
     * has run) nobody would ask, and the sign-in would go through unchallenged. The e-mail code needs its step,
     * enabled, in that sub-flow.
     */
    static boolean canBeChallenged(AuthenticationFlowContext context, MfaChallenge challenge) {
        return challengesAfter(context).contains(challenge);
    }

    /** The challenges the flow can ask for after this step (see {@link #canBeChallenged}), in one pass. */
    static Set<MfaChallenge> challengesAfter(AuthenticationFlowContext context) {
        RealmModel realm = context.getRealm();
        String step = context.getExecution().getId();
        Set<MfaChallenge> askable = EnumSet.noneOf(MfaChallenge.class);
        boolean afterStep = false;
        for (AuthenticationExecutionModel sibling :
                realm.getAuthenticationExecutionsStream(context.getExecution().getParentFlow()).toList()) {
            if (sibling.getId().equals(step)) {
                afterStep = true;
            } else if (afterStep && sibling.isAuthenticatorFlow() && !sibling.isDisabled()
                    && hasEnabled(realm, sibling.getFlowId(), RiskRequiresMfaCondition.ID)) {
                askable.add(MfaChallenge.MFA);
                if (hasEnabled(realm, sibling.getFlowId(), EmailCodeAuthenticatorFactory.ID)) {
                    askable.add(MfaChallenge.EMAIL_CODE);
                    return askable;
                }
            }
        }
        return askable;
    }

    private static boolean hasEnabled(RealmModel realm, String flowId, String authenticator) {
        return realm.getAuthenticationExecutionsStream(flowId)
                .anyMatch(execution -> authenticator.equals(execution.getAuthenticator()) && !execution.isDisabled());
    }

    /**
     * Whether a second factor was already given in this sign-in, e.g. to Keycloak's own conditional 2FA
     * sub-flow before the risk-driven one. Keycloak records the credential type of each step passed with one
     * ({@code context.success(type)}: "otp" from OTP Form, "webauthn" from WebAuthn Authenticator) in an auth
     * note of the authentication session, which its own "Condition - credential" reads too and which a restart
     * of the flow clears with the other notes.
     */
    static boolean givenIn(AuthenticationSessionModel authSession) {
        return AuthenticatorUtil.getAuthnCredentials(authSession).stream().anyMatch(SECOND_FACTOR_TYPES::contains);
    }

    /**
     * Whether the e-mail code can stand in for a missing factor: a verified address, and an entrance other than a
     * password reset, whose link proved that very mailbox already.
     */
    static boolean canGetEmailCode(UserModel user, Entrance entrance) {
        return !entrance.passwordReset() && user.isEmailVerified() && user.getEmail() != null
                && !user.getEmail().isBlank();
    }

    /** Which second factors the user has, as the event's replay facts name them. */
    static String configuredKinds(UserModel user) {
        return ReplayFacts.secondFactor(user.credentialManager().isConfiguredFor(OTPCredentialModel.TYPE),
                user.credentialManager().isConfiguredFor(WebAuthnCredentialModel.TYPE_TWOFACTOR));
    }

    /** An OTP or WebAuthn (second-factor) credential; passkeys used as first factor do not count. */
    static boolean isConfiguredFor(UserModel user) {
        return user.credentialManager().isConfiguredFor(OTPCredentialModel.TYPE)
                || user.credentialManager().isConfiguredFor(WebAuthnCredentialModel.TYPE_TWOFACTOR);
    }
}
