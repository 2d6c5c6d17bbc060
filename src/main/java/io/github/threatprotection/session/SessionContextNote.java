package io.github.threatprotection.session;

import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.risk.SessionContext;

/**
 * The user-session note that holds a session's {@link SessionContext}. A note because Keycloak keeps notes with
 * the session itself: replicated to every node, copied into offline sessions, persisted with them, gone with
 * the session. A refresh from the session's own context therefore reads nothing but the session Keycloak reads
 * anyway.
 */
public final class SessionContextNote {

    public static final String NAME = "threatProtection.context";

    private SessionContextNote() {
    }

    /** At an evaluated sign-in: Keycloak copies the note onto the user session it makes or joins. */
    public static void remember(AuthenticationSessionModel authenticationSession, SessionContext context) {
        authenticationSession.setUserSessionNote(NAME, context.encode());
    }

    /** After a use that was evaluated and let through: later uses are compared with this one. */
    public static void replace(UserSessionModel userSession, SessionContext context) {
        userSession.setNote(NAME, context.encode());
    }

    /** The session's context, or null when it has none (signed in while protection was off) or it is unreadable. */
    public static SessionContext read(UserSessionModel userSession) {
        return SessionContext.decode(userSession.getNote(NAME));
    }
}
