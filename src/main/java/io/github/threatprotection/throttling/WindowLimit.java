package io.github.threatprotection.throttling;

import java.time.Duration;
import java.time.Instant;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * At most {@code limit} uses of something per key and fixed window (reset mails per network, registrations per
 * network), counted cluster-wide in Keycloak's single-use object store. The window's n-th use takes slot n with
 * {@code putIfAbsent}, which only one caller on one node wins, so parallel uses are never lost or counted twice.
 * Slots are taken in order, so the first free one is found by a binary search over {@code contains}: a few key
 * lookups, and one when the window is full. The slots expire with their window. A fixed window lets up to twice
 * the limit through around the turn of a window.
 */
public final class WindowLimit {

    private static final String KEY = "threat-protection.limit:";

    private final SingleUseObjectProvider store;

    public WindowLimit(SingleUseObjectProvider store) {
        this.store = store;
    }

    /**
     * Takes one use for the key in the current window.
     *
     * @return false when the window's {@code limit} uses are taken already
     */
    public boolean take(String key, int limit, Duration window, Instant now) {
        long windowMillis = window.toMillis();
        long index = now.toEpochMilli() / windowMillis;
        long lifespan = Math.max(1, ((index + 1) * windowMillis - now.toEpochMilli()) / 1000 + 1);
        String slots = KEY + key + ":" + index + ":";
        int low = 0;
        int high = limit;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (store.contains(slots + middle)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        for (int slot = low; slot < limit; slot++) {
            if (store.putIfAbsent(slots + slot, lifespan)) {
                return true;
            }
        }
        return false;
    }
}
