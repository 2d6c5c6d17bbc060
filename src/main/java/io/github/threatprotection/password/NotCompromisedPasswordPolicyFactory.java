package io.github.threatprotection.password;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;

public class NotCompromisedPasswordPolicyFactory implements PasswordPolicyProviderFactory {

    public static final String ID = "notCompromised";

    @Override
    public PasswordPolicyProvider create(KeycloakSession session) {
        return new NotCompromisedPasswordPolicy(session);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayName() {
        return "Not Compromised (breach data)";
    }

    @Override
    public String getConfigType() {
        return PasswordPolicyProvider.INT_CONFIG_TYPE;
    }

    /** The minimum number of times a password must appear in breach data to be refused. */
    @Override
    public String getDefaultConfigValue() {
        return "1";
    }

    @Override
    public boolean isMultiplSupported() {
        return false;
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
