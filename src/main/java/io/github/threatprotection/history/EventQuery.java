package io.github.threatprotection.history;

import java.time.Instant;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;

/**
 * Filters for a realm-wide event search; null fields do not filter.
 *
 * @param from   inclusive
 * @param to     exclusive
 * @param userId one user's events only
 */
public record EventQuery(Instant from, Instant to, RiskLevel level, RiskAction action, String clientId,
                         EventType type, String userId, int first, int max) {

    /** The same filters, another page. */
    public EventQuery page(int first, int max) {
        return new EventQuery(from, to, level, action, clientId, type, userId, first, max);
    }
}
