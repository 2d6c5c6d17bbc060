package io.github.threatprotection.signin;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.validation.Validation;

/**
 * Keycloak's Username Password Form, refusing attempts from throttled sources before it looks the user up or
 * hashes the password. It has to be the form itself: Keycloak hands a form's POST straight to the form's own
 * step, so a step placed before the form runs only when the page is first shown, not at each password tried.
 * <p>
 * A refusal is the page a wrong password gets, rendered by the form itself (so it posts back to the form), with
 * Keycloak's {@code LOGIN_ERROR} {@code invalid_user_credentials}; unlike a wrong password it counts towards no
 * user's brute-force lockout, since no user was even looked up.
 */
final class ThrottledUsernamePasswordForm extends UsernamePasswordForm {

    ThrottledUsernamePasswordForm(KeycloakSession session) {
        super(session);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String password = form.getFirst(Validation.FIELD_PASSWORD);
        // Only an attempt that carries a password costs a hash; cancelling and passkeys go on as always.
        if (password != null && !password.isEmpty() && !form.containsKey("cancel") && ThrottleGate.refuses(context)) {
            String username = form.getFirst(AuthenticationManager.FORM_USERNAME);
            if (username != null) {
                context.getEvent().detail(Details.USERNAME, username.trim());
            }
            context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
            Response page = challenge(context, getDefaultChallengeMessage(context), Validation.FIELD_PASSWORD);
            // A challenge, not a failure: Keycloak would count a failure towards the brute-force lockout of the
            // username this browser tried before.
            context.forceChallenge(page);
            return;
        }
        super.action(context);
    }
}
