/**
 * The core's vocabulary: risk levels, actions, signals and their reasons, the score a sign-in's observations add
 * up to, and which notification a decision calls for. Plain Java, no Keycloak types; everything else builds on it.
 */
package io.github.threatprotection.risk;
