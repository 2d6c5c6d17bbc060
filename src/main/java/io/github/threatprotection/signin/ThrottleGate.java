package io.github.threatprotection.signin;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.RealmModel;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings.Throttling;
import io.github.threatprotection.spi.ThreatProtectionProvider;
import io.github.threatprotection.throttling.SourceThrottles;

/**
 * Decides, before a password is checked, whether a sign-in attempt comes from a throttled source. Reads the
 * realm's settings (memoised per node) and one key of Keycloak's single-use object store: no database read.
 */
final class ThrottleGate {

    /** Detail of Keycloak's event for an attempt from a throttled source: the source. */
    static final String DETAIL_THROTTLED_SOURCE = "throttled_source";
    /** Detail of Keycloak's event: {@code refused}, or {@code audit} when the attempt went on (AUDIT mode). */
    static final String DETAIL_THROTTLE = "throttle";
    static final String REFUSED = "refused";

    private ThrottleGate() {
    }

    /**
     * Whether this attempt is to be refused. An attempt from a throttled source is counted, and noted on
     * Keycloak's event; in AUDIT mode it goes on.
     */
    static boolean refuses(AuthenticationFlowContext context) {
        ThreatProtectionProvider threatProtection = context.getSession().getProvider(ThreatProtectionProvider.class);
        RealmModel realm = context.getRealm();
        String clientId = context.getAuthenticationSession().getClient().getClientId();
        ThreatProtectionSettings settings = threatProtection.settings().read(realm).forClient(clientId);
        Throttling throttling = settings.attackProtection().throttling();
        if (settings.mode() == Mode.OFF || !throttling.enabled()) {
            return false;
        }
        ClientAddress address = ClientAddress.of(context.getConnection().getRemoteAddr());
        String source = SourceThrottles.source(address, throttling.scope());
        if (source == null || settings.ipExceptions().alwaysAllow().match(address).isPresent()
                || !threatProtection.throttles().isThrottled(realm.getId(), source)) {
            return false;
        }
        boolean enforced = settings.mode() == Mode.ENFORCED;
        threatProtection.metrics().throttledAttempt(realm.getName(), clientId, enforced);
        context.getEvent().detail(DETAIL_THROTTLED_SOURCE, source);
        context.getEvent().detail(DETAIL_THROTTLE, enforced ? REFUSED : "audit");
        return enforced;
    }
}
