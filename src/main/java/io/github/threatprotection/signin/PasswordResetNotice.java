package io.github.threatprotection.signin;

import org.keycloak.models.KeycloakSession;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The mail that tells a user their password was reset, and from where. The step evaluates the reset when the
 * link is used, before the new password is chosen; the mail goes out only once Keycloak's Update Password
 * required action has set it (its UPDATE_PASSWORD event), so a reset abandoned on the form mails nothing.
 * <p>
 * Unlike the sign-in mails, it is not limited by {@code repeatAfterMinutes}: each one follows a link from the
 * user's own mailbox, so nobody else can make them pile up.
 */
final class PasswordResetNotice {

    /** Auth-session note naming the PASSWORD_RESET event whose mail waits for the new password. */
    static final String EVENT_NOTE = "threatProtection.passwordResetEventId";

    private PasswordResetNotice() {
    }

    /** After an enforced reset was let through: the new password, once set, is told of. */
    static void expect(AuthenticationSessionModel authSession, String eventId) {
        authSession.setAuthNote(EVENT_NOTE, eventId);
    }

    /** On UPDATE_PASSWORD: sends the mail of the reset this authentication session is completing, if any. */
    static void passwordUpdated(KeycloakSession session, ThreatProtectionProvider threatProtection) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        String eventId = authSession == null ? null : authSession.getAuthNote(EVENT_NOTE);
        if (eventId == null) {
            return;
        }
        authSession.removeAuthNote(EVENT_NOTE);
        threatProtection.notifications().notifyAfterCommit(session, eventId, NotificationKind.PASSWORD_RESET,
                session.getContext().getUri().getBaseUri().toString());
    }
}
