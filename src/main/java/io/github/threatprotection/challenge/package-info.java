/**
 * The challenge a throttled source's browser must pass before its password is checked: the SPI
 * {@code threat-protection-challenge} and its default provider, a self-hosted proof-of-work puzzle solved with
 * Web Crypto on the login page.
 */
package io.github.threatprotection.challenge;
