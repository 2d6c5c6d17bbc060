/**
 * Where an address is: MaxMind-format City, ASN and Anonymous-IP databases, reloaded when their files change,
 * degrading to no answer when they are missing.
 */
package io.github.threatprotection.geo;
