/**
 * The JAR's command line: corpus build and corpus check.
 */
package io.github.threatprotection.cli;
