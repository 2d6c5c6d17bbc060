package io.github.threatprotection.flow;

import java.util.Objects;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * The reset-required state of an account whose password is known to someone else: a breached password was
 * used to sign in, or the user disowned a sign-in ("this wasn't me"). It names the password
 * credential as it was (its creation time), so any new password (set through the e-mailed "Forgot password"
 * flow, or by an admin) lifts it; until then every sign-in fails like a wrong password, and an attacker
 * holding the breached password cannot get in to change it.
 */
public final class CompromisedPasswordLock {

    static final String ATTRIBUTE = "threatProtection.compromisedPasswordLock";
    /** Details of the Keycloak user event a lock records. */
    public static final String DETAIL_LOCK_REASON = "threat_protection_lock";
    static final String DETAIL_RISK_EVENT_ID = ThreatProtectionAuthenticator.DETAIL_RISK_EVENT_ID;

    /** Why an account is locked. */
    public enum Reason {
        /** A sign-in used a password found in breach data. */
        BREACHED_PASSWORD,
        /** The user said a sign-in was not them. */
        DISOWNED_BY_USER,
        /** An admin said a sign-in was not the user. */
        DISOWNED_BY_ADMIN
    }

    private CompromisedPasswordLock() {
    }

    /**
     * Locks the account and ends all of its sessions, so tokens obtained with the password stop working; records
     * it as Keycloak's user event {@code USER_DISABLED_BY_PERMANENT_LOCKOUT} (Keycloak's nearest type: the
     * account stays locked until its password is replaced) with the reason and the risk event in its details.
     */
    public static void lock(KeycloakSession session, RealmModel realm, UserModel user, Reason reason,
                            String riskEventId) {
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT)
                .user(user)
                .detail(DETAIL_LOCK_REASON, reason.name())
                .detail(DETAIL_RISK_EVENT_ID, riskEventId)
                .success();
        user.setSingleAttribute(ATTRIBUTE, passwordVersion(user));
        session.sessions().removeUserSessions(realm, user);
        session.sessions().getOfflineUserSessionsStream(realm, user).toList()
                .forEach(offline -> session.sessions().removeOfflineUserSession(realm, offline));
        session.users().setNotBeforeForUser(realm, user, Time.currentTime());
    }

    /** Whether the account is locked; a lock whose password has since been replaced is removed. */
    static boolean isLocked(UserModel user) {
        String locked = user.getFirstAttribute(ATTRIBUTE);
        if (locked == null) {
            return false;
        }
        if (Objects.equals(locked, passwordVersion(user))) {
            return true;
        }
        user.removeAttribute(ATTRIBUTE);
        return false;
    }

    private static String passwordVersion(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .map(CredentialModel::getCreatedDate)
                .filter(Objects::nonNull)
                .max(Long::compare)
                .map(String::valueOf)
                .orElse("none");
    }
}
