/**
 * The sign-in: the authentication step that evaluates and enforces risk, the MFA condition, the token claims, the
 * failed-sign-in listener, and the signals read from the request and the history.
 */
package io.github.threatprotection.signin;
