package io.github.threatprotection.userrisk;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.github.threatprotection.metrics.ThreatProtectionMetrics;
import io.github.threatprotection.risk.UserRisk;

/**
 * The gauge {@code threat_protection_users_at_risk} per realm and state. Counted by Keycloak's user search (the
 * user-attribute index, one count per realm and state) when the registry is scraped, at most once per
 * {@link #MAX_AGE_MILLIS} per node however often it is scraped; every node reports the database's count.
 */
public final class UsersAtRiskGauge {

    private static final Logger LOG = Logger.getLogger(UsersAtRiskGauge.class);
    static final long MAX_AGE_MILLIS = 10_000;

    private final KeycloakSessionFactory factory;
    private final ThreatProtectionMetrics metrics;
    /** The latest count by realm id and state, per node: derived from the database, never the truth itself. */
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    private record Count(long value, long readAt) {
    }

    public UsersAtRiskGauge(KeycloakSessionFactory factory, ThreatProtectionMetrics metrics) {
        this.factory = factory;
        this.metrics = metrics;
    }

    /** Registers the realm's gauges (at start, and for each new realm). */
    public void register(RealmModel realm) {
        String realmId = realm.getId();
        for (UserRisk.State state : new UserRisk.State[] {UserRisk.State.AT_RISK, UserRisk.State.COMPROMISED}) {
            metrics.usersAtRisk(realm.getName(), state.name(), () -> count(realmId, state));
        }
    }

    public void forget(RealmModel realm) {
        metrics.forgetUsersAtRisk(realm.getName());
        counts.keySet().removeIf(key -> key.startsWith(realm.getId() + "/"));
    }

    private long count(String realmId, UserRisk.State state) {
        String key = realmId + "/" + state;
        long now = System.currentTimeMillis();
        Count cached = counts.get(key);
        if (cached != null && now - cached.readAt() < MAX_AGE_MILLIS) {
            return cached.value();
        }
        try {
            long[] value = {0};
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                if (realm != null) {
                    value[0] = UserRiskStore.count(session, realm, state);
                }
            });
            counts.put(key, new Count(value[0], now));
            return value[0];
        } catch (RuntimeException e) {
            LOG.debugf(e, "Counting the users %s in realm %s failed", state, realmId);
            return cached == null ? 0 : cached.value();
        }
    }
}
