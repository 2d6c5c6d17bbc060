package io.github.threatprotection.password;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyConfigException;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAssessment;

/**
 * Password policy {@code notCompromised(minimum count)}: every password set through Keycloak (registration,
 * the update-password action, the account console, reset-credentials, admin password reset) is checked
 * against breach data and refused with a message that says why, as NIST SP 800-63B asks.
 */
public class NotCompromisedPasswordPolicy implements PasswordPolicyProvider {

    static final String MESSAGE = "invalidPasswordCompromisedMessage";
    /** A refusal under the failure policy {@code closed}: nothing was found, so the message must not say so. */
    static final String UNCHECKED_MESSAGE = "invalidPasswordUncheckedMessage";
    /** Remembers a registration's first check until its second, so the sign-up is recorded once. */
    private static final String PENDING_SIGN_UP = "threatProtection.pendingSignUp";
    private static final String REGISTRATION_FLOW_PATH = "registration";
    private static final String CURRENT_FLOW_PATH_NOTE = "current.flow.path";

    private final KeycloakSession session;

    NotCompromisedPasswordPolicy(KeycloakSession session) {
        this.session = session;
    }

    /** Registration checks the password before the user exists. */
    @Override
    public PolicyError validate(String username, String password) {
        RealmModel realm = session.getContext().getRealm();
        PasswordBreachCheck check = new PasswordBreachCheck(session);
        RiskAssessment risk = check.check(realm, EventType.SIGN_UP, password, minCount(realm));
        if (risk == null) {
            return null;
        }
        if (risk.blocks()) {
            check.record(realm, null, EventType.SIGN_UP, risk);
            return refusal(risk);
        }
        // Recorded with the new user's id when Keycloak stores the password a moment later.
        session.setAttribute(PENDING_SIGN_UP, username);
        return null;
    }

    @Override
    public PolicyError validate(RealmModel realm, UserModel user, String password) {
        EventType type = isSignUp(user) ? EventType.SIGN_UP : EventType.PASSWORD_CHANGE;
        session.removeAttribute(PENDING_SIGN_UP);
        PasswordBreachCheck check = new PasswordBreachCheck(session);
        RiskAssessment risk = check.check(realm, type, password, minCount(realm));
        if (risk == null) {
            return null;
        }
        check.record(realm, user.getId(), type, risk);
        return risk.blocks() ? refusal(risk) : null;
    }

    private static PolicyError refusal(RiskAssessment risk) {
        return new PolicyError(risk.compromisedCredentials() ? MESSAGE : UNCHECKED_MESSAGE);
    }

    private boolean isSignUp(UserModel user) {
        Object pending = session.getAttribute(PENDING_SIGN_UP);
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        boolean registering = authSession != null
                && REGISTRATION_FLOW_PATH.equals(authSession.getAuthNote(CURRENT_FLOW_PATH_NOTE));
        return registering || (pending != null && (pending.equals(user.getUsername()) || pending.equals(user.getEmail())));
    }

    private static long minCount(RealmModel realm) {
        Integer configured = realm.getPasswordPolicy().getPolicyConfig(NotCompromisedPasswordPolicyFactory.ID);
        return configured == null ? 1 : configured;
    }

    @Override
    public Object parseConfig(String value) {
        Integer count = parseInteger(value, 1);
        if (count < 1) {
            throw new PasswordPolicyConfigException("The minimum count must be at least 1");
        }
        return count;
    }

    @Override
    public void close() {
    }
}
