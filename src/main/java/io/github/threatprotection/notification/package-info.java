/**
 * Notification e-mails: the outbox sender that delivers them after the sign-in commits, their rendering through
 * the realm's e-mail theme or the realm's own text, the one-click feedback token in them, and the per-user mail
 * limit.
 */
package io.github.threatprotection.notification;
