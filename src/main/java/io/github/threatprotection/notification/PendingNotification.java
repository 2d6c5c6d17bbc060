package io.github.threatprotection.notification;

import io.github.threatprotection.history.RiskEvent;

/**
 * A notification waiting to be sent.
 *
 * @param linkBase the server URL its links start with
 */
record PendingNotification(RiskEvent event, String linkBase) {
}
