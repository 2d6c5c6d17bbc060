/**
 * The extension's own Keycloak SPI: what steps and resources get from the extension within one Keycloak session.
 */
package io.github.threatprotection.spi;
