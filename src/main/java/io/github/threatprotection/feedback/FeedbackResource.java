package io.github.threatprotection.feedback;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorPage;

import io.github.threatprotection.challenge.ChallengeScriptResource;
import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.history.Feedback;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.spi.ThreatProtectionProvider;
import io.github.threatprotection.notification.FeedbackToken;
import io.github.threatprotection.notification.MessageText;
import io.github.threatprotection.notification.NotificationValues;

/**
 * The pages behind the one-click links of a notification. A GET only shows what the link would record (mail
 * scanners open links), with a button that POSTs the same key; the POST records the feedback and applies its
 * effects. Each event takes one answer through its links: a replayed, tampered, expired or foreign token gets
 * an error page and changes nothing. Nothing here redirects.
 */
public class FeedbackResource {

    /** Details of the Keycloak user event an answer records. */
    public static final String FEEDBACK_ACTION = "threat-protection-feedback";
    public static final String DETAIL_FEEDBACK = "threat_protection_feedback";
    static final String TEMPLATE = "threat-protection-feedback.ftl";
    private static final String INVALID_LINK = "threatProtectionFeedbackLinkInvalid";
    private static final String USED_LINK = "threatProtectionFeedbackLinkUsed";
    private static final String ANSWERED_VALID = "threatProtectionFeedbackAnsweredValid";
    private static final String ANSWERED_INVALID = "threatProtectionFeedbackAnsweredInvalid";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final RiskEventStore events;

    FeedbackResource(KeycloakSession session, RiskEventStore events) {
        this.session = session;
        this.events = events;
        this.realm = session.getContext().getRealm();
    }

    /** The login page's challenge script. */
    @Path("challenge")
    public ChallengeScriptResource challenge() {
        return new ChallengeScriptResource();
    }

    /** The signed-in user's own sign-ins, for the account console's "Sign-in activity" page. */
    @Path("account")
    public SignInActivityResource account() {
        return new SignInActivityResource(session, events,
                session.getProvider(ThreatProtectionProvider.class).geoLocator());
    }

    @GET
    @Path("feedback")
    @Produces(MediaType.TEXT_HTML)
    public Response confirm(@QueryParam("key") String key) {
        Redeemable link = verify(key);
        if (link.error() != null) {
            return error(link);
        }
        return page(link, link.token().value().name(), false, null);
    }

    @POST
    @Path("feedback")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response record(@FormParam("key") String key) {
        Redeemable link = verify(key);
        if (link.error() != null) {
            return error(link);
        }
        // Cluster-wide and atomic, so two clicks racing on two nodes record one answer.
        long lifespan = Math.max(1, link.token().getExp() - Time.currentTime());
        if (!session.singleUseObjects().putIfAbsent(usedKey(link.event().id()), lifespan)) {
            return error(Redeemable.failed(USED_LINK));
        }
        Feedback feedback = new Feedback(link.token().value(), Feedback.Provider.USER,
                Instant.ofEpochMilli(Time.currentTimeMillis()));
        FeedbackEffects.apply(session, events, session.getProvider(ThreatProtectionProvider.class).accountLocks(),
                realm, link.user(), link.event().id(), feedback);
        // Keycloak has no user event type of an extension's own: the answer to a security prompt is recorded
        // as a completed custom action, named in its details.
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.CUSTOM_REQUIRED_ACTION)
                .user(link.user())
                .detail(Details.CUSTOM_REQUIRED_ACTION, FEEDBACK_ACTION)
                .detail(RiskEvent.DETAIL_RISK_EVENT_ID, link.event().id())
                .detail(DETAIL_FEEDBACK, feedback.value().name())
                .success();
        return page(link, link.token().value().name(), true, null);
    }

    /**
     * A link's token, user and event, or the message key of why it cannot be used (with the user and event
     * when the event was answered already, so the page can say how and when).
     */
    private record Redeemable(FeedbackToken token, UserModel user, RiskEvent event, String error) {
        static Redeemable failed(String error) {
            return new Redeemable(null, null, null, error);
        }
    }

    private Redeemable verify(String key) {
        FeedbackToken token = key == null || key.length() > 8192 ? null
                : session.tokens().decode(key, FeedbackToken.class);
        if (token == null || !FeedbackToken.TYPE.equals(token.getActionId()) || !token.isActive()
                || token.value() == null || token.eventId() == null || !FeedbackToken.issuer(
                session.getContext().getUri().getBaseUri(), realm).equals(token.getIssuer())) {
            return Redeemable.failed(INVALID_LINK);
        }
        UserModel user = session.users().getUserById(realm, token.getUserId());
        if (user == null) {
            return Redeemable.failed(INVALID_LINK);
        }
        RiskEvent event = events
                .find(realm.getId(), user.getId(), token.eventId()).orElse(null);
        if (event == null) {
            return Redeemable.failed(INVALID_LINK);
        }
        // The single-use entry lives in a cache; the recorded answer keeps a link used after a full restart.
        if (event.feedback() != null && event.feedback().provider() == Feedback.Provider.USER) {
            return new Redeemable(null, user, event, event.feedback().value() == Feedback.Value.VALID
                    ? ANSWERED_VALID : ANSWERED_INVALID);
        }
        if (session.singleUseObjects().contains(usedKey(event.id()))) {
            return Redeemable.failed(USED_LINK);
        }
        return new Redeemable(token, user, event, null);
    }

    /**
     * The event's page: asking to confirm the link's answer, thanking for it once recorded, or (answered is the
     * message of an event answered before) saying what was answered and when, with the same heading as a thanks.
     */
    private Response page(Redeemable link, String value, boolean recorded, String answered) {
        Map<String, Object> feedback = new HashMap<>();
        feedback.put("value", value);
        feedback.put("recorded", recorded || answered != null);
        Locale locale = NotificationValues.userLocale(realm, link.user());
        ZoneId zone = NotificationValues.userZone(link.user());
        feedback.put("time", NotificationValues.time(link.event().time(), locale, zone));
        feedback.put("ipAddress", MessageText.oneLine(link.event().context().ipAddress()));
        feedback.put("place", MessageText.oneLine(place(link.event(), locale)));
        // null for an unrecognised agent: the page says "Unknown device" rather than text an attacker chose
        feedback.put("deviceName", DeviceName.forUser(link.event().context().deviceName()));
        feedback.put("actionUrl", session.getContext().getUri().getRequestUriBuilder().replaceQuery(null).build()
                .toString());
        feedback.put("key", recorded || answered != null ? ""
                : session.getContext().getUri().getQueryParameters().getFirst("key"));
        if (answered != null) {
            feedback.put("answered", answered);
            feedback.put("answeredTime", NotificationValues.time(link.event().feedback().time(), locale, zone));
        }
        // The user's way out is the reset link mailed with the answer; Keycloak's "Forgot password" page is offered
        // too only where the realm allows it (elsewhere it answers "Reset Credential not allowed").
        if (realm.isResetPasswordAllowed()) {
            feedback.put("resetUrl", session.getContext().getUri().getBaseUriBuilder()
                    .path("realms").path(realm.getName()).path("login-actions").path("reset-credentials").build()
                    .toString());
        }
        LoginFormsProvider form = session.getProvider(LoginFormsProvider.class)
                .setAttribute("threatProtectionFeedback", feedback);
        if (answered != null) {
            form.setStatus(Response.Status.BAD_REQUEST);
        }
        return form.createForm(TEMPLATE);
    }

    private static String place(RiskEvent event, Locale locale) {
        String city = event.context().city();
        String country = NotificationValues.countryName(event.context().country(), locale);
        if (city == null) {
            return country == null ? "" : country;
        }
        return country == null ? city : city + ", " + country;
    }

    private Response error(Redeemable link) {
        if (link.event() == null) {
            return ErrorPage.error(session, null, Response.Status.BAD_REQUEST, link.error());
        }
        return page(link, link.event().feedback().value().name(), false, link.error());
    }

    private static String usedKey(String eventId) {
        return FeedbackToken.TYPE + "." + eventId;
    }
}
