package io.github.threatprotection.history;

import java.time.Instant;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;

/**
 * Filters for a realm-wide event search; null fields do not filter.
 *
 * @param from inclusive
 * @param to   exclusive
 */
public record EventQuery(Instant from, Instant to, RiskLevel level, RiskAction action, String clientId,
                         EventType type, int first, int max) {
}
