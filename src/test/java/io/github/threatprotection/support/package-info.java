/** Helpers shared by the tests (unit and integration); the integration tests' harness is in {@code it.support}. */
package io.github.threatprotection.support;
