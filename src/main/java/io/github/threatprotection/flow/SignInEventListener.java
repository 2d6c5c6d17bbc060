package io.github.threatprotection.flow;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

import io.github.threatprotection.history.MfaOutcome;
import io.github.threatprotection.network.IpNetworks;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * Learns from Keycloak's own sign-in events what happened after (or instead of) the threat-protection step:
 * failed sign-ins (wrong password, unknown username) for the velocity signals, and how a risk-driven MFA
 * challenge ended (LOGIN once the sign-in completes, LOGIN_ERROR for a wrong code). A global listener, so no
 * realm needs event configuration for it.
 */
public class SignInEventListener implements EventListenerProviderFactory {

    public static final String ID = "threat-protection";
    private static final Set<String> FAILURES = Set.of(Errors.INVALID_USER_CREDENTIALS, Errors.USER_NOT_FOUND);

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() != EventType.LOGIN && event.getType() != EventType.LOGIN_ERROR) {
                    return;
                }
                ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
                String pendingMfaEvent = pendingMfaEventId(session, event);
                if (pendingMfaEvent != null) {
                    threatProtection.events().setMfaOutcome(event.getRealmId(), pendingMfaEvent,
                            event.getType() == EventType.LOGIN ? MfaOutcome.SUCCESS : MfaOutcome.FAILURE);
                }
                String userKey = event.getType() == EventType.LOGIN_ERROR && FAILURES.contains(event.getError())
                        ? userKey(event) : null;
                if (userKey != null) {
                    threatProtection.failedSignIns().add(event.getRealmId(), userKey,
                            IpNetworks.networkOf(event.getIpAddress()), Instant.ofEpochMilli(Time.currentTimeMillis()));
                }
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * The risk event whose MFA challenge is open in this sign-in. The authentication session is in the context
     * for a LOGIN event; error events are sent from a separate session, where it is found through code_id.
     */
    private static String pendingMfaEventId(KeycloakSession session, Event event) {
        AuthenticationSessionModel current = session.getContext().getAuthenticationSession();
        if (current != null) {
            return current.getAuthNote(SecondFactor.PENDING_EVENT_NOTE);
        }
        String rootId = event.getDetails() == null ? null : event.getDetails().get(Details.CODE_ID);
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (rootId == null || realm == null) {
            return null;
        }
        RootAuthenticationSessionModel root = session.authenticationSessions().getRootAuthenticationSession(realm, rootId);
        if (root == null) {
            return null;
        }
        return root.getAuthenticationSessions().values().stream()
                .map(authSession -> authSession.getAuthNote(SecondFactor.PENDING_EVENT_NOTE))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /** The user's id, or the attempted username when it names no user (password spraying tries many). */
    static String userKey(Event event) {
        if (event.getUserId() != null) {
            return event.getUserId();
        }
        String username = event.getDetails() == null ? null : event.getDetails().get(Details.USERNAME);
        if (username == null || username.isBlank()) {
            return null;
        }
        String key = "username:" + username.trim().toLowerCase(Locale.ROOT);
        return key.length() > 255 ? key.substring(0, 255) : key;
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
