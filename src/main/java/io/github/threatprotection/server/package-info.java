/**
 * The composition root: reads the server options, builds the per-node services, hands them to each other, and
 * reacts to Keycloak's lifecycle events.
 */
package io.github.threatprotection.server;
