package io.github.threatprotection.signin;

import java.time.Duration;
import java.time.Instant;

import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The limits on reset mails and registrations, for one request: takes a use of each limit that applies and says
 * whether the request is to be refused. In AUDIT mode a request over a limit is counted and goes on.
 */
final class RequestLimits {

    private final ThreatProtectionProvider threatProtection;
    private final RealmModel realm;
    private final ThreatProtectionSettings settings;
    private final ClientAddress address;
    private final Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());

    RequestLimits(KeycloakSession session, RealmModel realm, String clientId, ClientConnection connection) {
        this.threatProtection = session.getProvider(ThreatProtectionProvider.class);
        this.realm = realm;
        this.settings = threatProtection.settings().read(realm).forClient(clientId);
        this.address = ClientAddress.of(connection.getRemoteAddr());
    }

    ThreatProtectionSettings settings() {
        return settings;
    }

    /** Whether the mode lets limits apply at all, and the address is not on {@code alwaysAllow}. */
    boolean apply() {
        return settings.mode() != Mode.OFF && settings.ipExceptions().alwaysAllow().match(address).isEmpty();
    }

    /**
     * Takes a use of the network's limit of this kind.
     *
     * @return whether the request is refused for it
     */
    boolean overForNetwork(String limit, int perNetwork, Duration window) {
        String network = address.network();
        if (perNetwork == 0 || network == null) {
            return false;
        }
        return over(limit, limit + ":" + realm.getId() + ":" + network, perNetwork, window);
    }

    /** As {@link #overForNetwork}, for one user's limit. */
    boolean overForUser(String limit, String userId, int perUser, Duration window) {
        if (perUser == 0 || userId == null) {
            return false;
        }
        return over(limit, limit + ":" + realm.getId() + ":" + userId, perUser, window);
    }

    private boolean over(String limit, String key, int max, Duration window) {
        if (threatProtection.limits().take(key, max, window, now)) {
            return false;
        }
        boolean enforced = settings.mode() == Mode.ENFORCED;
        threatProtection.metrics().limited(realm.getName(), limit, enforced);
        return enforced;
    }
}
