/**
 * What a sign-in's risk means under a realm's settings: the mode, IP overrides, the breach check's verdict and the
 * score, turned into one risk assessment. Plain Java, no Keycloak types.
 */
package io.github.threatprotection.decision;
