package io.github.threatprotection.history;

/**
 * A notification waiting to be sent.
 *
 * @param linkBase the server URL its links start with
 */
public record PendingNotification(RiskEvent event, String linkBase) {
}
