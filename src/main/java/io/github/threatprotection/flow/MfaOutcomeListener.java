package io.github.threatprotection.flow;

import java.util.Objects;

import org.keycloak.Config;
import org.keycloak.events.Details;
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
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * Records how a risk-driven MFA challenge ended. Keycloak's own MFA steps (OTP Form, WebAuthn) report it: a
 * LOGIN event once the sign-in completes, a LOGIN_ERROR for a wrong code. A global listener, so it needs no
 * per-realm event configuration; it acts only inside a sign-in whose threat-protection step asked for MFA.
 */
public class MfaOutcomeListener implements EventListenerProviderFactory {

    public static final String ID = "threat-protection-mfa-outcome";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() != EventType.LOGIN && event.getType() != EventType.LOGIN_ERROR) {
                    return;
                }
                String eventId = pendingEventId(event);
                if (eventId == null) {
                    return;
                }
                MfaOutcome outcome = event.getType() == EventType.LOGIN ? MfaOutcome.SUCCESS : MfaOutcome.FAILURE;
                session.getProvider(ThreatProtectionProvider.class).events()
                        .setMfaOutcome(event.getRealmId(), eventId, outcome);
            }

            /**
             * The sign-in's authentication session is in the context for a LOGIN event; error events are sent
             * from a separate session, where it is found through the event's code_id.
             */
            private String pendingEventId(Event event) {
                AuthenticationSessionModel current = session.getContext().getAuthenticationSession();
                if (current != null) {
                    return current.getAuthNote(SecondFactor.PENDING_EVENT_NOTE);
                }
                String rootId = event.getDetails() == null ? null : event.getDetails().get(Details.CODE_ID);
                RealmModel realm = session.realms().getRealm(event.getRealmId());
                if (rootId == null || realm == null) {
                    return null;
                }
                RootAuthenticationSessionModel root = session.authenticationSessions()
                        .getRootAuthenticationSession(realm, rootId);
                if (root == null) {
                    return null;
                }
                return root.getAuthenticationSessions().values().stream()
                        .map(authSession -> authSession.getAuthNote(SecondFactor.PENDING_EVENT_NOTE))
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null);
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
            }

            @Override
            public void close() {
            }
        };
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
