/**
 * Throttling of sources whose sign-ins keep failing (credential stuffing, password spraying): counting their
 * failures from the failed-sign-in table, and the throttle itself, an entry in Keycloak's single-use object
 * store that every node sees and that sign-ins look up by key before any password is checked; holding back the
 * refusals of throttled sources; and limits per key and window (reset mails, registrations), counted in the same
 * store.
 */
package io.github.threatprotection.throttling;
