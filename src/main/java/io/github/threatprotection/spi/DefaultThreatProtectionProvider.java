package io.github.threatprotection.spi;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.config.RealmSettingsStore;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.risk.SignInRiskEvaluator;

final class DefaultThreatProtectionProvider implements ThreatProtectionProvider {

    private final KeycloakSession session;
    private final DefaultThreatProtectionProviderFactory factory;
    private RiskEventStore events;

    DefaultThreatProtectionProvider(KeycloakSession session, DefaultThreatProtectionProviderFactory factory) {
        this.session = session;
        this.factory = factory;
    }

    @Override
    public RealmSettingsStore settings() {
        return factory.settingsStore();
    }

    @Override
    public RiskEventStore events() {
        if (events == null) {
            events = new RiskEventStore(session.getProvider(JpaConnectionProvider.class).getEntityManager());
        }
        return events;
    }

    @Override
    public SignInRiskEvaluator riskEvaluator() {
        return factory.riskEvaluator();
    }

    @Override
    public CompromisedCredentialCheck breachCheck() {
        return factory.breachCheck();
    }

    @Override
    public long breachMinCount() {
        return factory.breachMinCount();
    }

    @Override
    public void close() {
    }
}
