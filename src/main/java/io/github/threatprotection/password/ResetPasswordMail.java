package io.github.threatprotection.password;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.core.UriBuilder;

import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionToken;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;

import io.github.threatprotection.AfterCommit;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The mail that lets the owner of a locked account out: Keycloak's own execute-actions mail with the
 * {@code UPDATE_PASSWORD} action, the one an admin's "Credential reset" sends. Its link works whether or not the
 * realm lets users reset their password themselves ("Forgot password"), which the reset-credentials page needs.
 * It lives as long as the admin's mail does (the realm's "User-initiated action lifespan" is minutes, too short for
 * a mail read later), and leads to Keycloak's own "account updated" page, after which the user signs in as usual.
 * <p>
 * Sent off the request thread, after the request's transaction committed, as the lock itself is: whoever caused
 * the lock must not learn from the answer's timing whether a mail went out. Recorded as Keycloak's user event
 * {@code SEND_RESET_PASSWORD} (or {@code SEND_RESET_PASSWORD_ERROR} saying why not) and counted by outcome.
 */
public final class ResetPasswordMail {

    private static final Logger LOG = Logger.getLogger(ResetPasswordMail.class);

    /** Detail of the user event: {@link Outcome}. */
    public static final String DETAIL_OUTCOME = "threat_protection_reset_mail";

    /** What became of the mail. */
    public enum Outcome {
        SENT,
        /** The realm has no SMTP settings. */
        NO_SMTP,
        /** The user has no e-mail address. */
        NO_EMAIL,
        /** The mail server refused or could not be reached. */
        FAILED
    }

    private ResetPasswordMail() {
    }

    /** Sends the mail in a transaction of its own once the request's has committed, off the request thread. */
    public static void sendAfterCommit(KeycloakSession session, Executor executor, RealmModel realm, UserModel user,
                                       CompromisedPasswordLock.Reason reason, String riskEventId) {
        URI serverUrl = session.getContext().getUri().getBaseUri();
        AfterCommit.forUser(session, executor, realm, user, "Sending the locked account's password-reset mail",
                (background, inRealm, inUser) -> send(background, inRealm, inUser, reason, riskEventId, serverUrl));
    }

    /** Sends the mail now, in the caller's transaction; never throws for a mail that cannot go out. */
    static Outcome send(KeycloakSession session, RealmModel realm, UserModel user,
                        CompromisedPasswordLock.Reason reason, String riskEventId, URI serverUrl) {
        Map<String, String> smtp = realm.getSmtpConfig();
        String email = user.getEmail();
        Outcome outcome;
        String problem = null;
        if (smtp == null || smtp.get("host") == null || smtp.get("host").isBlank()) {
            outcome = Outcome.NO_SMTP;
        } else if (email == null || email.isBlank()) {
            outcome = Outcome.NO_EMAIL;
        } else {
            int lifespan = realm.getActionTokenGeneratedByAdminLifespan();
            ExecuteActionsActionToken token = new ExecuteActionsActionToken(user.getId(), email,
                    Time.currentTime() + lifespan, List.of(UserModel.RequiredAction.UPDATE_PASSWORD.name()), null,
                    null);
            // What DefaultActionToken.serialize does with the request's address, from the address kept for it.
            String issuer = Urls.realmIssuer(serverUrl, realm.getName());
            token.issuedNow().id(UUID.randomUUID().toString()).issuer(issuer).audience(issuer);
            String link = UriBuilder.fromUri(serverUrl).path("realms").path(realm.getName()).path("login-actions")
                    .path("action-token").queryParam(Constants.KEY, session.tokens().encode(token)).build()
                    .toString();
            try {
                session.getProvider(EmailTemplateProvider.class)
                        .setAttribute(Constants.TEMPLATE_ATTR_REQUIRED_ACTIONS, token.getRequiredActions())
                        .setRealm(realm)
                        .setUser(user)
                        .sendExecuteActions(link, TimeUnit.SECONDS.toMinutes(lifespan));
                outcome = Outcome.SENT;
            } catch (EmailException | RuntimeException e) {
                outcome = Outcome.FAILED;
                problem = e.getMessage();
            }
        }
        EventBuilder event = new EventBuilder(realm, session)
                .event(EventType.SEND_RESET_PASSWORD)
                .user(user)
                .detail(Details.EMAIL, email)
                .detail(CompromisedPasswordLock.DETAIL_LOCK_REASON, reason.name())
                .detail(RiskEvent.DETAIL_RISK_EVENT_ID, riskEventId)
                .detail(DETAIL_OUTCOME, outcome.name());
        if (outcome == Outcome.SENT) {
            event.success();
        } else {
            LOG.warnf("The password-reset mail of locked user %s in realm %s was not sent: %s%s", user.getId(),
                    realm.getName(), outcome, problem == null ? "" : " (" + problem + ")");
            event.error(Errors.EMAIL_SEND_FAILED);
        }
        ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
        if (threatProtection != null) {
            threatProtection.metrics().resetMail(realm.getName(), reason.name(), outcome.name());
        }
        return outcome;
    }
}
