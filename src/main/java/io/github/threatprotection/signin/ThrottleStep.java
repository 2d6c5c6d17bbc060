package io.github.threatprotection.signin;

import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.github.threatprotection.challenge.ChallengeResult;

/**
 * The direct-grant flow's first step: a password grant from a throttled source gets the wrong-password answer
 * before the username is looked up or the password hashed, whether the settings block or challenge the source (a
 * grant cannot answer a challenge). A direct grant runs its whole flow in one request, so a
 * step ahead of Keycloak's own does it; for the browser, see {@link ThrottledUsernamePasswordForm}.
 */
final class ThrottleStep implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        String password = context.getHttpRequest().getDecodedFormParameters().getFirst(OAuth2Constants.PASSWORD);
        if (password != null && !password.isEmpty() && refuses(context)) {
            context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
            // A challenge, not a failure: no user's brute-force count moves.
            context.forceChallenge(WrongPasswordResponse.directGrantAnswer());
            return;
        }
        context.success();
    }

    /** A grant cannot answer a challenge: a challenged source's grant is refused, its challenge missing. */
    private static boolean refuses(AuthenticationFlowContext context) {
        ThrottleGate.Throttled throttled = ThrottleGate.throttled(context);
        ThrottleGate.Verdict verdict = ThrottleGate.verdict(context, throttled);
        if (verdict == ThrottleGate.Verdict.PASS) {
            return false;
        }
        if (verdict == ThrottleGate.Verdict.CHALLENGE) {
            ThrottleGate.recordAnswer(context, throttled.threatProtection(), ChallengeResult.MISSING);
        }
        ThrottleGate.holdBack(context, throttled);
        return true;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
