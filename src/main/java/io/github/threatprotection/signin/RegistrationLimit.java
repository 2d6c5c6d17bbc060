package io.github.threatprotection.signin;

import java.util.List;

import jakarta.ws.rs.core.MultivaluedMap;

import org.keycloak.Config;
import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormActionFactory;
import org.keycloak.authentication.FormContext;
import org.keycloak.authentication.ValidationContext;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;

import io.github.threatprotection.settings.ThreatProtectionSettings.Registrations;

/**
 * A check of the registration form, last among its checks: a network over its limit of registration attempts
 * gets one message, and only that one (Keycloak drops the messages of the checks before it, "username already
 * exists" among them), so the answer is the same whether or not an account of that name exists; no account is
 * made. Every attempt that reaches the form counts.
 */
public class RegistrationLimit implements FormAction, FormActionFactory {

    public static final String ID = "threat-protection-registration-limit";
    static final String LIMIT = "registration_network";
    /** Shown as it is: a message key the login theme does not know is printed as written. */
    static final String MESSAGE = "Too many accounts were registered from your network. Please try again later.";

    private static final Requirement[] REQUIREMENTS = {Requirement.REQUIRED, Requirement.DISABLED};

    @Override
    public void validate(ValidationContext context) {
        RequestLimits limits = new RequestLimits(context.getSession(), context.getRealm(),
                context.getAuthenticationSession().getClient().getClientId(), context.getConnection());
        Registrations settings = limits.settings().attackProtection().registrations();
        if (limits.apply() && limits.overForNetwork(LIMIT, settings.perNetwork(), settings.window())) {
            MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
            context.error(Errors.INVALID_REGISTRATION);
            context.excludeOtherErrors();
            context.validationError(form, List.of(new FormMessage(null, MESSAGE)));
            return;
        }
        context.success();
    }

    @Override
    public void buildPage(FormContext context, LoginFormsProvider form) {
    }

    @Override
    public void success(FormContext context) {
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
    public FormAction create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Threat protection - registration limit";
    }

    @Override
    public String getHelpText() {
        return "Refuses registrations from a network over the threat-protection settings' limit. Place it last"
                + " in the registration form.";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
