/**
 * Keys derived from the realm's own HMAC keys (Keycloak's key providers), so that device cookies and stored
 * usernames rotate with the realm's keys.
 */
package io.github.threatprotection.keys;
