package io.github.threatprotection.signin;

import org.keycloak.events.Event;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.userrisk.UserRiskStore;

/**
 * How a user remedies their own risk: a new password chosen after a second factor, or through a link mailed to the
 * user (the "Forgot password" reset, or an admin's mailed required actions), which proves the mailbox. A new
 * password set any other way (by whoever knows the old one, or by an admin) leaves the risk as it is; an admin
 * dismisses it through the REST API.
 */
final class UserRiskRemedy {

    private UserRiskRemedy() {
    }

    /** On Keycloak's UPDATE_PASSWORD: clears the user's risk when the new password was chosen as a remedy. */
    static void passwordUpdated(KeycloakSession session, Event event) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null || event.getUserId() == null) {
            return;
        }
        // Keycloak notes whose mailed action token (reset or required-actions link) this authentication session used.
        boolean mailedLink = event.getUserId()
                .equals(authSession.getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID));
        if (!mailedLink && !SecondFactor.givenIn(authSession)) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user != null) {
            UserRiskStore.clear(user, UserRisk.Cause.REMEDIATED, "the user chose a new password "
                    + (mailedLink ? "through a link mailed to them" : "after a second factor"));
        }
    }
}
