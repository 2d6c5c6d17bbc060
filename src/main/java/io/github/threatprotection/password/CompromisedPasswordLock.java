package io.github.threatprotection.password;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import io.github.threatprotection.AfterCommit;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.Enums;
import io.github.threatprotection.userrisk.UserRiskStore;

/**
 * The reset-required state of an account whose password is known to someone else: a breached password was
 * used to sign in, or the user disowned a sign-in ("this wasn't me"). It names the password
 * credential as it was (its creation time), so any new password (set through the e-mailed reset, or by an admin)
 * lifts it; until then every sign-in fails like a wrong password, and an attacker holding the breached password
 * cannot get in to change it.
 * <p>
 * The admin console shows a lock as the user's required action {@value AccountLockedActionFactory#ID} on the
 * user's Details tab (Keycloak has no other per-user marker an extension can add there); removing that action and
 * saving unlocks the account, as {@code DELETE .../threat-protection/users/{id}/lock} does.
 */
public final class CompromisedPasswordLock {

    static final String ATTRIBUTE = "threatProtection.compromisedPasswordLock";
    /** Why the account is locked: a {@link Reason}'s name. */
    static final String REASON_ATTRIBUTE = "threatProtection.compromisedPasswordLockReason";
    /** A lock made before the reason was kept. */
    private static final String REASON_NOT_RECORDED = "NOT_RECORDED";
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
        MARKED_BY_ADMIN;

        /** The reason in an operator's words, for events and the history page. */
        public String words() {
            return switch (this) {
                case BREACHED_PASSWORD -> "a sign-in used a password found in breach data";
                case DISOWNED_BY_USER -> "the user reported a sign-in as not theirs";
                case DISOWNED_BY_ADMIN -> "an admin reported a sign-in as not the user's";
                case MARKED_BY_ADMIN -> "an admin marked the user compromised";
            };
        }
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
        user.setSingleAttribute(REASON_ATTRIBUTE, reason.name());
        user.addRequiredAction(AccountLockedActionFactory.ID);
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
        String ipAddress = session.getContext().getConnection().getRemoteHost();
        URI serverUrl = session.getContext().getUri().getBaseUri();
        // A lock lost here is made by the next sign-in with the breached password, which is refused meanwhile.
        AfterCommit.forUser(session, executor, realm, user, "Locking the account",
                (background, inRealm, inUser) -> lock(background, inRealm, inUser, reason, riskEventId, ipAddress),
                (background, inRealm, inUser) -> ResetPasswordMail.send(background, inRealm, inUser, reason,
                        riskEventId, serverUrl));
    }

    /** An admin dismissed the user's risk or unlocked the account: the password need not be replaced after all. */
    public static void lift(UserModel user) {
        user.removeAttribute(ATTRIBUTE);
        user.removeAttribute(REASON_ATTRIBUTE);
        user.removeRequiredAction(AccountLockedActionFactory.ID);
    }

    /**
     * An admin unlocks the account: the lock goes, and so does a COMPROMISED risk (it locked the account, and
     * would have the next sign-in refused or challenged again). An AT_RISK state stays: it did not lock.
     * Returns whether the account was locked.
     */
    public static boolean unlock(UserModel user, String detail) {
        boolean locked = isLocked(user);
        liftAndDismiss(user, detail);
        return locked;
    }

    private static void liftAndDismiss(UserModel user, String detail) {
        lift(user);
        if (UserRiskStore.state(user) == UserRisk.State.COMPROMISED) {
            UserRiskStore.clear(user, UserRisk.Cause.DISMISSED, detail);
        }
    }

    /**
     * Whether the account is locked. A lock whose password has since been replaced is removed; so is one whose
     * required action an admin removed in the admin console, which also dismisses a COMPROMISED risk as
     * {@link #unlock} does. A lock from before the required action existed gets it.
     */
    public static boolean isLocked(UserModel user) {
        String locked = user.getFirstAttribute(ATTRIBUTE);
        if (locked == null) {
            return false;
        }
        if (!Objects.equals(locked, passwordVersion(user))) {
            lift(user);
            return false;
        }
        boolean shown = user.getRequiredActionsStream().anyMatch(AccountLockedActionFactory.ID::equals);
        if (user.getFirstAttribute(REASON_ATTRIBUTE) == null) {
            user.setSingleAttribute(REASON_ATTRIBUTE, REASON_NOT_RECORDED);
            if (!shown) {
                user.addRequiredAction(AccountLockedActionFactory.ID);
            }
            return true;
        }
        if (!shown) {
            liftAndDismiss(user, "unlocked in the admin console (the required action "
                    + AccountLockedActionFactory.ID + " was removed)");
            return false;
        }
        return true;
    }

    /**
     * An admin set the user a new password: a lock on the old one goes now, so the user's page in the admin
     * console stops showing it at once rather than at the next sign-in.
     */
    public static void passwordSetByAdmin(UserModel user) {
        isLocked(user);
    }

    /** Why the account is locked; empty when it is not, or when the lock predates its reason. */
    public static Optional<Reason> reason(UserModel user) {
        if (!isLocked(user)) {
            return Optional.empty();
        }
        return Optional.ofNullable(Enums.named(Reason.class, user.getFirstAttribute(REASON_ATTRIBUTE)));
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
