package io.github.threatprotection.notification;

import java.net.URI;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;

import io.github.threatprotection.Enums;
import io.github.threatprotection.history.Feedback;

/**
 * The Keycloak action token behind a one-click feedback link: signed with the realm's keys, bound to the user
 * (subject) and the event, expiring. Single use is enforced where it is redeemed.
 */
public class FeedbackToken extends DefaultActionToken {

    public static final String TYPE = "threat-protection-feedback";
    /** The realm resource that serves the links' pages: {@code /realms/{realm}/threat-protection/feedback}. */
    public static final String RESOURCE_ID = "threat-protection";
    private static final String EVENT_CLAIM = "tp_event";
    private static final String VALUE_CLAIM = "tp_feedback";

    /** For reading a token back. */
    public FeedbackToken() {
    }

    FeedbackToken(String userId, String eventId, Feedback.Value value, int expiresAtEpochSeconds) {
        super(userId, TYPE, expiresAtEpochSeconds, UUID.randomUUID());
        setNote(EVENT_CLAIM, eventId);
        setNote(VALUE_CLAIM, value.name());
    }

    @JsonIgnore
    public String eventId() {
        return getNote(EVENT_CLAIM);
    }

    /** The feedback the link gives, or null when the claim is not one. */
    @JsonIgnore
    public Feedback.Value value() {
        return Enums.named(Feedback.Value.class, getNote(VALUE_CLAIM));
    }

    /** Signs the token for the realm as seen at {@code serverUrl}, which also makes it the issuer. */
    String encode(KeycloakSession session, RealmModel realm, URI serverUrl) {
        String issuer = issuer(serverUrl, realm);
        issuedNow().id(UUID.randomUUID().toString()).issuer(issuer).audience(issuer);
        return session.tokens().encode(this);
    }

    public static String issuer(URI serverUrl, RealmModel realm) {
        return Urls.realmIssuer(serverUrl, realm.getName());
    }
}
