/**
 * The JAR's command line: corpus build, check, info and download (the range API into a resumable state folder,
 * then the corpus builder).
 */
package io.github.threatprotection.cli;
