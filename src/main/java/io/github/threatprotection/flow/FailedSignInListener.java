package io.github.threatprotection.flow;

import java.time.Instant;
import java.util.Locale;
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

import io.github.threatprotection.network.IpNetworks;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * Counts failed sign-ins (wrong password, unknown username) for the velocity signals, from Keycloak's own
 * LOGIN_ERROR events. Global, so no realm event configuration is needed.
 */
public class FailedSignInListener implements EventListenerProviderFactory {

    public static final String ID = "threat-protection-failed-sign-ins";
    private static final Set<String> FAILURES = Set.of(Errors.INVALID_USER_CREDENTIALS, Errors.USER_NOT_FOUND);

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() != EventType.LOGIN_ERROR || !FAILURES.contains(event.getError())) {
                    return;
                }
                String userKey = userKey(event);
                if (userKey == null) {
                    return;
                }
                session.getProvider(ThreatProtectionProvider.class).failedSignIns().add(event.getRealmId(),
                        userKey, IpNetworks.networkOf(event.getIpAddress()),
                        Instant.ofEpochMilli(Time.currentTimeMillis()));
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
            }

            @Override
            public void close() {
            }
        };
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
