package io.github.threatprotection.signin;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.validation.Validation;

import io.github.threatprotection.challenge.ChallengeProvider;
import io.github.threatprotection.challenge.ChallengeResult;

/**
 * Keycloak's Username Password Form, refusing or challenging attempts from throttled sources before it looks the
 * user up or hashes the password. It has to be the form itself: Keycloak hands a form's POST straight to the
 * form's own step, so a step placed before the form runs only when the page is first shown, not at each password
 * tried.
 * <p>
 * A refusal is the page a wrong password gets, rendered by the form itself (so it posts back to the form), with
 * Keycloak's {@code LOGIN_ERROR} {@code invalid_user_credentials}; unlike a wrong password it counts towards no
 * user's brute-force lockout, since no user was even looked up. With {@code throttling.action} {@code CHALLENGE},
 * every page the form shows to a throttled source carries a fresh challenge ({@link ChallengeProvider}), and an
 * attempt whose answer does not pass is refused so.
 */
final class ThrottledUsernamePasswordForm extends UsernamePasswordForm {

    /** The login page's note to a challenged source, in the extension's messages. */
    static final String CHALLENGE_NOTE = "threatProtectionChallengeNote";

    ThrottledUsernamePasswordForm(KeycloakSession session) {
        super(session);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String password = form.getFirst(Validation.FIELD_PASSWORD);
        // Only an attempt that carries a password costs a hash; cancelling and passkeys go on as always.
        if (password != null && !password.isEmpty() && !form.containsKey("cancel")) {
            ThrottleGate.Throttled throttled = ThrottleGate.throttled(context);
            ThrottleGate.Verdict verdict = ThrottleGate.verdict(context, throttled);
            if (verdict == ThrottleGate.Verdict.BLOCK) {
                refuse(context, form, throttled);
                return;
            }
            if (verdict == ThrottleGate.Verdict.CHALLENGE) {
                ChallengeResult answer = context.getSession().getProvider(ChallengeProvider.class).verify(form,
                        context.getAuthenticationSession(), throttled.settings().attackProtection().challenge());
                ThrottleGate.recordAnswer(context, throttled.threatProtection(), answer);
                if (!answer.solved()) {
                    refuse(context, form, throttled);
                    return;
                }
            }
        }
        super.action(context);
    }

    /** The wrong-password page, with a new challenge when the source is challenged, held back. */
    private void refuse(AuthenticationFlowContext context, MultivaluedMap<String, String> form,
                        ThrottleGate.Throttled throttled) {
        String username = form.getFirst(AuthenticationManager.FORM_USERNAME);
        if (username != null) {
            context.getEvent().detail(Details.USERNAME, username.trim());
        }
        ThrottleGate.holdBack(context, throttled);
        context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
        Response page = challenge(context, getDefaultChallengeMessage(context), Validation.FIELD_PASSWORD);
        // A challenge, not a failure: Keycloak would count a failure towards the brute-force lockout of the
        // username this browser tried before.
        context.forceChallenge(page);
    }

    @Override
    protected Response challenge(AuthenticationFlowContext context, MultivaluedMap<String, String> formData) {
        ThrottleGate.Throttled throttled = ThrottleGate.challengingPage(context);
        if (throttled != null) {
            ThrottleGate.addChallenge(context, throttled);
            // Shown when no error is: on the first page, which is where a browser without scripts stays.
            context.getSession().getProvider(LoginFormsProvider.class).setInfo(CHALLENGE_NOTE);
        }
        return super.challenge(context, formData);
    }

    @Override
    protected Response challenge(AuthenticationFlowContext context, String error, String field) {
        addChallengeIfThrottled(context);
        return super.challenge(context, error, field);
    }

    @Override
    protected Response challenge(AuthenticationFlowContext context, String error) {
        addChallengeIfThrottled(context);
        return super.challenge(context, error);
    }

    private static void addChallengeIfThrottled(AuthenticationFlowContext context) {
        ThrottleGate.Throttled throttled = ThrottleGate.challengingPage(context);
        if (throttled != null) {
            ThrottleGate.addChallenge(context, throttled);
        }
    }
}
