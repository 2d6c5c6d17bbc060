package io.github.threatprotection.feedback;

import java.time.Duration;
import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

import io.github.threatprotection.Json;
import io.github.threatprotection.console.ConsoleClient;
import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.geo.GeoLocation;
import io.github.threatprotection.geo.GeoLocator;
import io.github.threatprotection.history.Feedback;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.spi.ThreatProtectionProvider;
import io.github.threatprotection.network.ClientAddress;

/**
 * {@code /realms/{realm}/threat-protection/account/sign-ins}: the signed-in user's own risk events of the last
 * {@value #DAYS} days, for the account console's "Sign-in activity" page, and "this wasn't me" on each. The caller
 * is the user of a bearer token the realm issued to {@value ConsoleClient#CLIENT_ID} (the page gets one with the
 * user's SSO session); every read and answer is limited to that user's events. Only what the user would recognise
 * is shown: time, device, city, country, the network's owner, how they signed in and the result; never an address.
 */
public class SignInActivityResource {

    static final int DAYS = 30;
    /** More than anyone signs in in a month; bounds the read. */
    static final int MAX_EVENTS = 500;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final RiskEventStore events;
    private final GeoLocator geoLocator;

    SignInActivityResource(KeycloakSession session, RiskEventStore events, GeoLocator geoLocator) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.events = events;
        this.geoLocator = geoLocator;
    }

    @GET
    @Path("sign-ins")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        UserModel user = caller();
        Instant since = now().minus(Duration.ofDays(DAYS));
        ArrayNode list = Json.MAPPER.createArrayNode();
        events.listForUser(realm.getId(), user.getId(), 0, MAX_EVENTS).stream()
                .filter(event -> !event.time().isBefore(since))
                .forEach(event -> list.add(write(event)));
        return Response.ok(Json.write(list), MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store")
                .build();
    }

    /**
     * "This wasn't me": the same effects as the mail's link (the sign-in is disowned, sessions end, a new password
     * is required, the user's risk is COMPROMISED). 404 for an event that is not the caller's or older than
     * {@value #DAYS} days, 409 for one answered already.
     */
    @POST
    @Path("sign-ins/{eventId}/not-me")
    @Produces(MediaType.APPLICATION_JSON)
    public Response notMe(@PathParam("eventId") String eventId) {
        UserModel user = caller();
        RiskEvent event = events.listForUser(realm.getId(), user.getId(), 0, MAX_EVENTS).stream()
                .filter(candidate -> candidate.id().equals(eventId))
                .filter(candidate -> !candidate.time().isBefore(now().minus(Duration.ofDays(DAYS))))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("No sign-in " + eventId + " of yours in the last " + DAYS
                        + " days"));
        if (event.feedback() != null) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Json.write(Json.object().put("error", "answered already"))).build();
        }
        Feedback feedback = new Feedback(Feedback.Value.INVALID, Feedback.Provider.USER, now());
        RiskEvent answered = FeedbackEffects.apply(session, events,
                session.getProvider(ThreatProtectionProvider.class).accountLocks(), realm, user, eventId, feedback)
                .orElseThrow(NotFoundException::new);
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.CUSTOM_REQUIRED_ACTION)
                .user(user)
                .detail(Details.CUSTOM_REQUIRED_ACTION, FeedbackResource.FEEDBACK_ACTION)
                .detail(RiskEvent.DETAIL_RISK_EVENT_ID, eventId)
                .detail(FeedbackResource.DETAIL_FEEDBACK, feedback.value().name())
                .success();
        return Response.ok(Json.write(write(answered)), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The user of a valid bearer token of this realm issued to the page's client; 401 otherwise. */
    private UserModel caller() {
        AuthenticationManager.AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session)
                .setRealm(realm)
                .setConnection(session.getContext().getConnection())
                .setHeaders(session.getContext().getRequestHeaders())
                .setUriInfo(session.getContext().getUri())
                .authenticate();
        if (auth == null || auth.getUser() == null
                || !ConsoleClient.CLIENT_ID.equals(auth.getToken().getIssuedFor())) {
            throw new NotAuthorizedException("Bearer");
        }
        return auth.getUser();
    }

    private ObjectNode write(RiskEvent event) {
        RiskEvent.Context where = event.context();
        ObjectNode json = Json.object()
                .put("id", event.id())
                .put("time", event.time().toString())
                .put("type", event.type().name())
                .put("device", where == null ? null : DeviceName.forUser(where.deviceName()))
                .put("city", where == null ? null : where.city())
                .put("country", where == null ? null : where.country())
                .put("networkOwner", networkOwner(where))
                .put("method", event.method() == null ? null : event.method().kind().name())
                .put("identityProvider", event.method() == null ? null : event.method().identityProvider())
                .put("result", event.response().name())
                .put("feedback", event.feedback() == null ? null : event.feedback().value().name());
        return json;
    }

    /**
     * Who runs the network: the autonomous system's organisation, looked up again from the address or network the
     * event kept (never shown itself), else its number.
     */
    private String networkOwner(RiskEvent.Context where) {
        if (where == null) {
            return null;
        }
        String kept = where.ipAddress() != null ? where.ipAddress() : where.network();
        if (kept != null) {
            int slash = kept.indexOf('/');
            try {
                GeoLocation location = geoLocator.locate(ClientAddress.of(slash < 0 ? kept : kept.substring(0, slash)));
                if (location.asnOrganization() != null) {
                    return location.asnOrganization();
                }
            } catch (RuntimeException e) {
                // an address the parser does not take: the number will do
            }
        }
        return where.asn() == null ? null : "AS" + where.asn();
    }

    private static Instant now() {
        return Instant.ofEpochMilli(Time.currentTimeMillis());
    }
}
