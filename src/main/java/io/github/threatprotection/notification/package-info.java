/**
 * Notification e-mails: the outbox (the notification columns of the risk event rows) and the sender that
 * delivers from it after the sign-in commits, their rendering through the realm's e-mail theme or the realm's
 * own text, the one-click feedback token in them, and the per-user mail limit.
 */
package io.github.threatprotection.notification;
