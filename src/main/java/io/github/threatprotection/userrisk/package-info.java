/**
 * Each user's remembered risk ({@code NONE}, {@code AT_RISK}, {@code COMPROMISED}), kept in user attributes so
 * that it goes with the user, is cached and replicated by Keycloak's user storage, and can be searched for by
 * Keycloak's user search; what raises it, what remedies it, and the realm's users at risk.
 */
package io.github.threatprotection.userrisk;
