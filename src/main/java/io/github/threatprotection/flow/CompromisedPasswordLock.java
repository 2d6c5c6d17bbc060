package io.github.threatprotection.flow;

import java.util.Objects;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
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

    private CompromisedPasswordLock() {
    }

    /** Locks the account and ends all of its sessions, so tokens obtained with the password stop working. */
    public static void lock(KeycloakSession session, RealmModel realm, UserModel user) {
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
