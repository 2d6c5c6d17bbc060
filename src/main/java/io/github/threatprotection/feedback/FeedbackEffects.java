package io.github.threatprotection.feedback;

import java.util.Optional;
import java.util.concurrent.Executor;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.github.threatprotection.history.Feedback;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.password.CompromisedPasswordLock;
import io.github.threatprotection.password.ResetPasswordMail;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.userrisk.UserRiskStore;

/**
 * What feedback on a sign-in does, whether the user gives it through a one-click link or an admin through the
 * REST API. VALID: the event's device, network and place count as the user's at the next sign-ins (the
 * history read by the risk signals includes confirmed events). INVALID: the event is disowned, so its device
 * stays unknown; all the user's sessions and tokens end and the account needs a new password, set through
 * the reset link mailed to a user who disowned the sign-in, before anyone can sign in with the old one, and the
 * user's risk is COMPROMISED until then.
 */
public final class FeedbackEffects {

    private FeedbackEffects() {
    }

    /** Empty when the event is not the user's. */
    public static Optional<RiskEvent> apply(KeycloakSession session, RiskEventStore events, Executor mailer,
                                            RealmModel realm, UserModel user, String eventId, Feedback feedback) {
        Optional<RiskEvent> updated = events.setFeedback(realm.getId(), user.getId(), eventId, feedback);
        if (updated.isPresent() && feedback.value() == Feedback.Value.INVALID) {
            boolean byUser = feedback.provider() == Feedback.Provider.USER;
            CompromisedPasswordLock.Reason reason = byUser ? CompromisedPasswordLock.Reason.DISOWNED_BY_USER
                    : CompromisedPasswordLock.Reason.DISOWNED_BY_ADMIN;
            CompromisedPasswordLock.lock(session, realm, user, reason, eventId,
                    session.getContext().getConnection().getRemoteHost());
            // The user's way out, whether or not the realm offers "Forgot password"; an admin sends it (or not).
            if (byUser) {
                ResetPasswordMail.sendAfterCommit(session, mailer, realm, user, reason, eventId);
            }
            UserRiskStore.raise(user, UserRisk.State.COMPROMISED, UserRisk.Cause.DISOWNED_SIGN_IN, eventId,
                    feedback.provider() == Feedback.Provider.ADMIN ? "disowned by an admin" : "disowned by the user");
        }
        return updated;
    }
}
