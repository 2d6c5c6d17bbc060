package io.github.threatprotection.notification;

import java.util.Optional;

import org.keycloak.models.KeycloakSession;

import io.github.threatprotection.history.Notification;
import io.github.threatprotection.history.NotificationStatus;
import io.github.threatprotection.metrics.ThreatProtectionMetrics;
import io.github.threatprotection.risk.NotificationKind;

/**
 * At most one mail of each kind to a user per {@code notification.repeatAfterMinutes}: whoever knows a password,
 * or sits in a blocked range, must not be able to mail the user at every attempt. The mark is an entry in
 * Keycloak's single-use object store, atomic and shared by the cluster, that expires with the interval, so a
 * quiet sign-in costs no database read. It is taken when the sign-in decides to mail; a sign-in whose
 * transaction then fails leaves the mark without a mail, which errs on the side of fewer mails.
 */
public final class UserMailLimit {

    private UserMailLimit() {
    }

    /**
     * The notification an event gets: pending, or skipped (and counted) because the user had one of its kind
     * within {@code repeatAfterMinutes}.
     */
    public static Notification notification(KeycloakSession session, ThreatProtectionMetrics metrics,
                                            String realmId, String realmName, String userId, NotificationKind kind,
                                            int repeatAfterMinutes) {
        Optional<String> skipped = skipReason(session, realmId, userId, kind, repeatAfterMinutes);
        if (skipped.isEmpty()) {
            return new Notification(kind, NotificationStatus.PENDING, null, 0);
        }
        metrics.notification(realmName, kind, "skipped");
        return new Notification(kind, NotificationStatus.SKIPPED, skipped.get(), 0);
    }

    /** Empty when the mail may go; otherwise why it is skipped. */
    private static Optional<String> skipReason(KeycloakSession session, String realmId, String userId,
                                               NotificationKind kind, int repeatAfterMinutes) {
        if (repeatAfterMinutes == 0) {
            return Optional.empty();
        }
        String mark = "threat-protection.mail." + realmId + "." + userId + "." + kind.name();
        if (session.singleUseObjects().putIfAbsent(mark, repeatAfterMinutes * 60L)) {
            return Optional.empty();
        }
        return Optional.of("a " + kind.name() + " notification went to this user less than " + repeatAfterMinutes
                + " minutes ago (notification.repeatAfterMinutes)");
    }
}
