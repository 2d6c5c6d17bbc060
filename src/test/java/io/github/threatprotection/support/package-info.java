/** Helpers shared by the unit tests; the integration tests' harness is in {@code it.support}. */
package io.github.threatprotection.support;
