package io.github.threatprotection.password;

import java.util.Objects;
import java.util.concurrent.Executor;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import io.github.threatprotection.history.RiskEvent;

/**
 * The reset-required state of an account whose password is known to someone else: a breached password was
 * used to sign in, or the user disowned a sign-in ("this wasn't me"). It names the password
 * credential as it was (its creation time), so any new password (set through the e-mailed "Forgot password"
 * flow, or by an admin) lifts it; until then every sign-in fails like a wrong password, and an attacker
 * holding the breached password cannot get in to change it.
 */
public final class CompromisedPasswordLock {

    private static final Logger LOG = Logger.getLogger(CompromisedPasswordLock.class);

    static final String ATTRIBUTE = "threatProtection.compromisedPasswordLock";
    /** Details of the Keycloak user event a lock records. */
    public static final String DETAIL_LOCK_REASON = "threat_protection_lock";

    /** Why an account is locked. */
    public enum Reason {
        /** A sign-in used a password found in breach data. */
        BREACHED_PASSWORD,
        /** The user said a sign-in was not them. */
        DISOWNED_BY_USER,
        /** An admin said a sign-in was not the user. */
        DISOWNED_BY_ADMIN,
        /** An admin marked the user's risk COMPROMISED. */
        MARKED_BY_ADMIN
    }

    private CompromisedPasswordLock() {
    }

    /**
     * Locks the account and ends all of its sessions, so tokens obtained with the password stop working; records
     * it as Keycloak's user event {@code USER_DISABLED_BY_PERMANENT_LOCKOUT} (Keycloak's nearest type: the
     * account stays locked until its password is replaced) with the reason and the risk event in its details.
     *
     * @param ipAddress whose request caused the lock, for the user event
     */
    public static void lock(KeycloakSession session, RealmModel realm, UserModel user, Reason reason,
                            String riskEventId, String ipAddress) {
        new EventBuilder(realm, session)
                .event(EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT)
                .user(user)
                .ipAddress(ipAddress)
                .detail(DETAIL_LOCK_REASON, reason.name())
                .detail(RiskEvent.DETAIL_RISK_EVENT_ID, riskEventId)
                .success();
        user.setSingleAttribute(ATTRIBUTE, passwordVersion(user));
        session.sessions().removeUserSessions(realm, user);
        session.sessions().getOfflineUserSessionsStream(realm, user).toList()
                .forEach(offline -> session.sessions().removeOfflineUserSession(realm, offline));
        session.users().setNotBeforeForUser(realm, user, Time.currentTime());
    }

    /**
     * Locks the account in a transaction of its own once the sign-in's has committed, off the request thread:
     * the lock's writes take longer than a wrong password's answer, so doing them in the request would tell
     * whoever tries a breached password that it is the right one. The refused sign-in itself needs no lock (the
     * same password is refused again); a lock lost to a crash in between is made by the next such sign-in.
     */
    public static void lockAfterCommit(KeycloakSession session, Executor executor, RealmModel realm, UserModel user,
                                       Reason reason, String riskEventId) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        String userId = user.getId();
        String ipAddress = session.getContext().getConnection().getRemoteHost();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                executor.execute(() -> {
                    try {
                        KeycloakModelUtils.runJobInTransaction(factory, background -> {
                            RealmModel lockedRealm = background.realms().getRealm(realmId);
                            if (lockedRealm == null) {
                                return;
                            }
                            background.getContext().setRealm(lockedRealm);
                            UserModel lockedUser = background.users().getUserById(lockedRealm, userId);
                            if (lockedUser != null) {
                                lock(background, lockedRealm, lockedUser, reason, riskEventId, ipAddress);
                            }
                        });
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "Locking the account of user %s in realm %s failed; the next sign-in with"
                                + " the breached password is refused and locks it", userId, realmId);
                    }
                });
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    /** An admin dismissed the user's risk: the password need not be replaced after all. */
    public static void lift(UserModel user) {
        user.removeAttribute(ATTRIBUTE);
    }

    /** Whether the account is locked; a lock whose password has since been replaced is removed. */
    public static boolean isLocked(UserModel user) {
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
