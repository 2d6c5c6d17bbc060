package io.github.threatprotection.session;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/**
 * The client-policy executor {@code threat-protection-token-refresh}. A client-policy executor because Keycloak
 * calls it on every refresh-token grant before the grant issues tokens, and lets it refuse the grant with an
 * OAuth error; the realm's client profiles and policies, which Keycloak keeps with the realm, say which clients
 * it applies to. What it does is set by the realm's threat-protection settings ({@code sessions}), not here.
 */
public class TokenRefreshExecutorFactory implements ClientPolicyExecutorProviderFactory {

    public static final String ID = "threat-protection-token-refresh";

    @Override
    public ClientPolicyExecutorProvider create(KeycloakSession session) {
        return new TokenRefreshExecutor(session);
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

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getHelpText() {
        return "Threat protection: evaluates refresh-token grants against the context of their user session, and"
                + " ends the session when the realm's sessions.refreshActions say so. Configured in the realm's"
                + " threat-protection settings.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
