package io.github.threatprotection.history;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers the event-history table with Keycloak's JPA layer and its Liquibase changelog. */
public class RiskEventEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String ID = "threat-protection";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(RiskEventEntity.class, FailedSignInEntity.class, ThrottleEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/threat-protection-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return ID;
    }

    @Override
    public String getId() {
        return ID;
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
