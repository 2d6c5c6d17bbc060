package io.github.threatprotection.password;

import java.time.Duration;
import java.time.Instant;

import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.history.EventResponse;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/** Checks a password being set (sign-up or password change) against breach data, following the realm settings. */
final class PasswordBreachCheck {

    private final KeycloakSession session;
    private final ThreatProtectionProvider threatProtection;
    private Duration took = Duration.ZERO;

    PasswordBreachCheck(KeycloakSession session) {
        this.session = session;
        this.threatProtection = session.getProvider(ThreatProtectionProvider.class);
    }

    /**
     * The verdict on the password, or null when the realm's settings do not check this event (mode OFF, the
     * event not selected) or no breach data is configured. Recorded when {@code userId} is given.
     */
    RiskAssessment check(RealmModel realm, EventType type, String password, long minCount) {
        ThreatProtectionSettings settings = threatProtection.settings().read(realm).forClient(clientId());
        if (settings.mode() == Mode.OFF || !settings.compromisedCredentials().events().contains(type)
                || !threatProtection.breachCheck().isConfigured() || password == null || password.isEmpty()) {
            return null;
        }
        long started = System.nanoTime();
        CompromisedCredentialCheck.Result result = threatProtection.breachCheck().check(password, minCount);
        RiskAssessment risk = threatProtection.riskEvaluator().evaluatePassword(settings, result);
        took = Duration.ofNanos(System.nanoTime() - started);
        return risk;
    }

    void record(RealmModel realm, String userId, EventType type, RiskAssessment risk) {
        ClientAddress address = ClientAddress.of(session.getContext().getConnection().getRemoteAddr());
        boolean storeNetworkOnly = threatProtection.settings().read(realm).privacy().storeNetworkOnly();
        String userAgent = session.getContext().getRequestHeaders().getHeaderString("User-Agent");
        RiskEvent event = new RiskEvent(KeycloakModelUtils.generateId(), realm.getId(), type,
                Instant.ofEpochMilli(Time.currentTimeMillis()), userId, clientId(),
                risk.blocks() ? EventResponse.FAIL : EventResponse.PASS, risk, null, null,
                RiskEvent.Context.of(address, storeNetworkOnly, DeviceName.of(userAgent)), null, null, null);
        if (risk.blocks()) {
            // A refused password fails the request, and Keycloak rolls its transaction back (an admin's password
            // reset does): the event is stored in a transaction of its own so that the refusal stays on record.
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                    own -> own.getProvider(ThreatProtectionProvider.class).events().add(event));
        } else {
            threatProtection.events().add(event);
        }
        threatProtection.metrics().evaluated(realm.getName(), event, took);
    }

    private String clientId() {
        ClientModel client = session.getContext().getClient();
        return client == null ? null : client.getClientId();
    }
}
