/**
 * Compromised-credential checks: the built-in list of common passwords, the offline breach corpus format, its
 * builder and reader, the Pwned Passwords range API client, and the check a sign-in makes on a deadline.
 */
package io.github.threatprotection.breach;
