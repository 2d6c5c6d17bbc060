/**
 * The extension's counters and timers in Keycloak's metrics registry; labels bounded by configuration, never a
 * user or an address.
 */
package io.github.threatprotection.metrics;
