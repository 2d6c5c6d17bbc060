package io.github.threatprotection.signin;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * What Keycloak asks of a flow step that has no configuration and nothing for a user to set up, REQUIRED or
 * DISABLED: a subclass names the step and creates it.
 */
abstract class UnconfiguredStepFactory implements AuthenticatorFactory {

    private static final Requirement[] REQUIREMENTS = {Requirement.REQUIRED, Requirement.DISABLED};

    private final String id;
    private final String displayType;
    private final String referenceCategory;
    private final String helpText;

    /** @param referenceCategory null when the step stands for no kind of credential or check of its own */
    UnconfiguredStepFactory(String id, String displayType, String referenceCategory, String helpText) {
        this.id = id;
        this.displayType = displayType;
        this.referenceCategory = referenceCategory;
        this.helpText = helpText;
    }

    @Override
    public final String getId() {
        return id;
    }

    @Override
    public final String getDisplayType() {
        return displayType;
    }

    @Override
    public final String getHelpText() {
        return helpText;
    }

    @Override
    public final String getReferenceCategory() {
        return referenceCategory;
    }

    @Override
    public final boolean isConfigurable() {
        return false;
    }

    @Override
    public final Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public final boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public final List<ProviderConfigProperty> getConfigProperties() {
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
