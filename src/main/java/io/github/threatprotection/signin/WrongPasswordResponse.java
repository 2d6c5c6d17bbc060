package io.github.threatprotection.signin;

import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.browser.PasswordFormFactory;
import org.keycloak.authentication.authenticators.directgrant.ValidatePassword;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.validation.Validation;

/**
 * Ends a blocked sign-in the way Keycloak ends one with a wrong password, so a block never tells an attacker
 * that the password was right: the same LOGIN_ERROR event and brute-force count, the same
 * {@code invalid_grant} answer for direct grant, and in the browser the same login page with the same
 * message.
 * <p>
 * The browser page is produced by restarting the flow, so that the password step itself renders the form and
 * the form posts back to that step, exactly as after a wrong password. (Failing in this step instead would
 * render a form that posts to this step's execution id, which an attacker could compare.)
 */
final class WrongPasswordResponse {

    private WrongPasswordResponse() {
    }

    /**
     * @param fromKnownDevice the browser signed in as this user before: the failure listener then leaves this
     *                        refusal out of the user's failure count, so a user refused on their own device does
     *                        not keep their next sign-ins refused
     */
    static void send(AuthenticationFlowContext context, boolean fromKnownDevice) {
        UserModel user = context.getUser();
        context.getEvent().user(user);
        if (fromKnownDevice) {
            context.getEvent().detail(ThreatProtectionAuthenticator.DETAIL_KNOWN_DEVICE, "true");
        }
        context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
        if (isDirectGrant(context)) {
            context.failure(AuthenticationFlowError.INVALID_USER, directGrantAnswer());
            return;
        }
        String passwordStep = previousAuthenticator(context);
        countBruteForceFailure(context, user, passwordStep);
        String message = PasswordFormFactory.PROVIDER_ID.equals(passwordStep)
                ? Messages.INVALID_PASSWORD : Messages.INVALID_USER;
        context.getSession().getProvider(LoginFormsProvider.class)
                .addError(new FormMessage(Validation.FIELD_PASSWORD, message));
        context.resetFlow();
    }

    /** What a password grant with a wrong password gets. */
    static Response directGrantAnswer() {
        return new ValidatePassword().errorResponse(Response.Status.BAD_REQUEST.getStatusCode(), "invalid_grant",
                "Invalid user credentials");
    }

    static boolean isDirectGrant(AuthenticationFlowContext context) {
        return OAuth2Constants.PASSWORD.equals(
                context.getHttpRequest().getDecodedFormParameters().getFirst(OAuth2Constants.GRANT_TYPE));
    }

    /** Keycloak counts a wrong password towards brute-force lockout; a block must count the same. */
    private static void countBruteForceFailure(AuthenticationFlowContext context, UserModel user,
                                               String passwordStep) {
        RealmModel realm = context.getRealm();
        if (!realm.isBruteForceProtected() || user == null) {
            return;
        }
        Set<String> categories = Optional.ofNullable(
                        AuthenticationManager.getAuthenticationCategory(context.getSession(), passwordStep))
                .map(Set::of)
                .orElse(null);
        context.getSession().getProvider(BruteForceProtector.class).failedLogin(realm, user,
                context.getConnection(), context.getUriInfo(), categories);
    }

    /** The authenticator right before this step in its sub-flow: the password step. */
    private static String previousAuthenticator(AuthenticationFlowContext context) {
        AuthenticationExecutionModel self = context.getExecution();
        String previous = null;
        for (AuthenticationExecutionModel execution : (Iterable<AuthenticationExecutionModel>) context.getRealm()
                .getAuthenticationExecutionsStream(self.getParentFlow())::iterator) {
            if (execution.getId().equals(self.getId())) {
                break;
            }
            previous = execution.getAuthenticator();
        }
        return previous;
    }
}
