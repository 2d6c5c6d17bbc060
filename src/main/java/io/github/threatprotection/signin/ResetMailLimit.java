package io.github.threatprotection.signin;

import java.util.Objects;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.messages.Messages;

import io.github.threatprotection.settings.ThreatProtectionSettings.ResetMails;

/**
 * Right before Keycloak's "Send Reset Email": a reset mail asked for from a network, or for a user, over its
 * limit is not sent, and the page says what it says when a mail was sent or when no account has that name
 * ("You should receive an email shortly…"), so the answer never tells whether the account exists. Every request
 * counts towards its network's limit, named users or not; a user's limit counts the mails asked for them.
 */
final class ResetMailLimit implements Authenticator {

    static final String NETWORK_LIMIT = "reset_mail_network";
    static final String USER_LIMIT = "reset_mail_user";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        String linkUser = context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID);
        // The mailed link in use: the flow passes "Send Reset Email" again without sending anything.
        if (user != null && Objects.equals(user.getId(), linkUser)) {
            context.success();
            return;
        }
        RequestLimits limits = new RequestLimits(context.getSession(), context.getRealm(),
                context.getAuthenticationSession().getClient().getClientId(), context.getConnection());
        if (!limits.apply()) {
            context.success();
            return;
        }
        ResetMails settings = limits.settings().attackProtection().resetMails();
        boolean refused = limits.overForNetwork(NETWORK_LIMIT, settings.perNetwork(), settings.window());
        if (!refused && user != null) {
            refused = limits.overForUser(USER_LIMIT, user.getId(), settings.perUser(), settings.window());
        }
        if (refused) {
            context.forkWithSuccessMessage(new FormMessage(Messages.EMAIL_SENT));
            return;
        }
        context.success();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
