package io.github.threatprotection.signin;

import org.keycloak.events.Event;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.userrisk.UserRiskStore;

/**
 * How a user remedies their own risk: a new password chosen after a second factor, or through the e-mailed reset
 * (its link proves the mailbox). A new password set any other way (by whoever knows the old one, or by an admin)
 * leaves the risk as it is; an admin dismisses it through the REST API.
 */
final class UserRiskRemedy {

    /** Auth-session note: this authentication session came through the reset link the user was mailed. */
    static final String EMAILED_RESET_NOTE = "threatProtection.emailedReset";

    private UserRiskRemedy() {
    }

    /** The step let a reset through: the new password chosen in this authentication session remedies. */
    static void emailedReset(AuthenticationSessionModel authSession) {
        authSession.setAuthNote(EMAILED_RESET_NOTE, "true");
    }

    /** On Keycloak's UPDATE_PASSWORD: clears the user's risk when the new password was chosen as a remedy. */
    static void passwordUpdated(KeycloakSession session, Event event) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null || event.getUserId() == null) {
            return;
        }
        boolean remedy = "true".equals(authSession.getAuthNote(EMAILED_RESET_NOTE)) || SecondFactor.givenIn(authSession);
        if (!remedy) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user != null) {
            UserRiskStore.clear(user, UserRisk.Cause.REMEDIATED, "the user chose a new password "
                    + ("true".equals(authSession.getAuthNote(EMAILED_RESET_NOTE)) ? "through the e-mailed reset"
                    : "after a second factor"));
        }
    }
}
