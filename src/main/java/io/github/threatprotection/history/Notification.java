package io.github.threatprotection.history;

import io.github.threatprotection.risk.NotificationKind;

/**
 * The notification e-mail of an event.
 *
 * @param detail   why it was skipped or why the last attempt failed; null once sent
 * @param attempts delivery attempts so far
 */
public record Notification(NotificationKind kind, NotificationStatus status, String detail, int attempts) {
}
