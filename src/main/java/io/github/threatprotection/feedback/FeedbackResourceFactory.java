package io.github.threatprotection.feedback;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;
import io.github.threatprotection.notification.FeedbackToken;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/** Serves the one-click feedback pages at {@code /realms/{realm}/threat-protection/feedback}. */
public class FeedbackResourceFactory implements RealmResourceProviderFactory {

    public static final String ID = FeedbackToken.RESOURCE_ID;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new FeedbackResource(session, session.getProvider(ThreatProtectionProvider.class).events());
            }

            @Override
            public void close() {
            }
        };
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
}
