package io.github.threatprotection.password;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.requiredactions.UpdatePassword;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.validation.Validation;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * Required action {@code update-compromised-password}: after a sign-in with a breached password that the realm
 * lets through (see docs/compromised-credentials.md), the user must choose a new password that is not in the
 * breach data before continuing. Keycloak's own update-password action does the rest (confirmation, password
 * policy, events).
 */
public class UpdateCompromisedPassword implements RequiredActionProvider {

    static final String REQUIRED_MESSAGE = "compromisedPasswordChangeRequiredMessage";
    private static final String NEW_PASSWORD_FIELD = "password-new";

    private final UpdatePassword keycloakUpdatePassword = new UpdatePassword();

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // Added by the threat-protection step for the sign-in at hand, never by itself.
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(form(context, new FormMessage(null, REQUIRED_MESSAGE)));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        String password = context.getHttpRequest().getDecodedFormParameters().getFirst(NEW_PASSWORD_FIELD);
        ThreatProtectionProvider threatProtection = context.getSession().getProvider(ThreatProtectionProvider.class);
        PasswordBreachCheck check = new PasswordBreachCheck(context.getSession());
        RiskAssessment risk = check.check(context.getRealm(), EventType.PASSWORD_CHANGE, password,
                threatProtection.breachMinCount());
        if (risk != null && risk.compromisedCredentials()) {
            check.record(context.getRealm(), context.getUser().getId(), EventType.PASSWORD_CHANGE, risk);
            context.challenge(form(context, new FormMessage(Validation.FIELD_PASSWORD,
                    NotCompromisedPasswordPolicy.MESSAGE)));
            return;
        }
        keycloakUpdatePassword.processAction(context);
    }

    private static Response form(RequiredActionContext context, FormMessage message) {
        return context.form()
                .setAttribute("username", context.getUser().getUsername())
                .addError(message)
                .createResponse(UserModel.RequiredAction.UPDATE_PASSWORD);
    }

    @Override
    public void close() {
    }
}
