/**
 * Checks on a user session after its sign-in: the context a session keeps (a user-session note, replicated with
 * the session), and the client-policy executor that evaluates refresh-token grants against it and revokes the
 * session when the risk level says so.
 */
package io.github.threatprotection.session;
