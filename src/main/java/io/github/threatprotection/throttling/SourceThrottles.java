package io.github.threatprotection.throttling;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.keycloak.models.SingleUseObjectProvider;

import io.github.threatprotection.history.FailedSignInStore;
import io.github.threatprotection.history.FailedSignInStore.SourceFailures;
import io.github.threatprotection.history.FailedSignInStore.Throttle;
import io.github.threatprotection.metrics.ThreatProtectionMetrics;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.settings.ThreatProtectionSettings.Throttling;
import io.github.threatprotection.settings.ThrottleScope;

/**
 * Which sources are throttled, for one Keycloak session.
 * <p>
 * A throttle is an entry in Keycloak's single-use object store (its {@code actionTokens} cache, shared by the
 * cluster), written once a source's failures reach the limit and living for the block time: a sign-in asks for it
 * by key, so a sign-in from a source that is not throttled reads nothing from the database, and a release on one
 * node (removing the entry) holds on all. The failures themselves are rows of the failed-sign-in table, one per
 * failure, counted after each new one: parallel failures on any node are never lost (at worst two failures
 * committed at the same moment each count without the other, and the next failure counts both). Each throttle is
 * also written to {@code TP_THROTTLE} for operators to list; sign-ins never read that table.
 */
public final class SourceThrottles {

    private static final String KEY = "threat-protection.throttle:";
    private static final String RELEASED_KEY = "threat-protection.throttle-released:";
    private static final String RELEASED_AT = "at";
    /** A release marker outlives any counting window (at most a day), so that failures before it never count. */
    private static final Duration RELEASE_MEMORY = Duration.ofDays(1);

    private final SingleUseObjectProvider store;
    private final FailedSignInStore failures;
    private final ThreatProtectionMetrics metrics;

    public SourceThrottles(SingleUseObjectProvider store, FailedSignInStore failures,
                           ThreatProtectionMetrics metrics) {
        this.store = store;
        this.failures = failures;
        this.metrics = metrics;
    }

    /** The source a client counts as under a scope, or null when the request has no address. */
    public static String source(ClientAddress address, ThrottleScope scope) {
        return scope == ThrottleScope.NETWORK ? address.network() : address.host();
    }

    /** Whether the source is throttled now: one key lookup in Keycloak's single-use object store. */
    public boolean isThrottled(String realmId, String source) {
        return store.contains(key(realmId, source));
    }

    /**
     * After a failed sign-in from {@code source} was recorded in this session's transaction: counts the source's
     * failures in the window (since its last release, if later) and throttles it when they reach the limit.
     *
     * @return whether this failure throttled the source (false when it was throttled already)
     */
    public boolean failed(String realmId, String realmName, Throttling settings, String source, Instant now) {
        Instant since = now.minus(settings.window());
        Map<String, String> released = store.get(releasedKey(realmId, source));
        if (released != null && released.get(RELEASED_AT) != null) {
            Instant releasedAt = Instant.ofEpochMilli(Long.parseLong(released.get(RELEASED_AT)));
            if (releasedAt.isAfter(since)) {
                since = releasedAt;
            }
        }
        boolean byNetwork = settings.scope() == ThrottleScope.NETWORK;
        SourceFailures counted = failures.fromSource(realmId, byNetwork, source, since);
        if (counted.count() < settings.failures()) {
            return false;
        }
        // Only one failure, on one node, wins the entry; the others find the source throttled already.
        if (!store.putIfAbsent(key(realmId, source), settings.block().toSeconds())) {
            return false;
        }
        failures.addThrottle(realmId, new Throttle(source, settings.scope().name(), counted.count(), now,
                now.plus(settings.block())));
        metrics.throttled(realmName, settings.scope().name());
        return true;
    }

    /**
     * Ends a source's throttle on every node, and makes its failures until now count no more.
     *
     * @return whether the source was throttled
     */
    public boolean release(String realmId, String source, Instant now) {
        boolean inStore = store.remove(key(realmId, source)) != null;
        boolean recorded = failures.releaseThrottle(realmId, source, now) > 0;
        store.put(releasedKey(realmId, source), RELEASE_MEMORY.toSeconds(),
                Map.of(RELEASED_AT, Long.toString(now.toEpochMilli())));
        return inStore || recorded;
    }

    private static String key(String realmId, String source) {
        return KEY + realmId + ":" + source;
    }

    private static String releasedKey(String realmId, String source) {
        return RELEASED_KEY + realmId + ":" + source;
    }
}
