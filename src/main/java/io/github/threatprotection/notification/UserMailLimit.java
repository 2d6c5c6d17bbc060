package io.github.threatprotection.notification;

import java.util.Optional;

import org.keycloak.models.KeycloakSession;
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

    /** Empty when the mail may go; otherwise why it is skipped. */
    public static Optional<String> skipReason(KeycloakSession session, String realmId, String userId,
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
