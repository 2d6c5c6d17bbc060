package io.github.threatprotection.server;

import java.util.concurrent.Executor;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.breach.SignInBreachCheck;
import io.github.threatprotection.decision.SignInRiskEvaluator;
import io.github.threatprotection.geo.GeoLocator;
import io.github.threatprotection.history.FailedSignInStore;
import io.github.threatprotection.history.RecentActivityStore;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.keys.RealmDerivedKeys;
import io.github.threatprotection.metrics.ThreatProtectionMetrics;
import io.github.threatprotection.network.IpReputationLists;
import io.github.threatprotection.notification.NotificationSender;
import io.github.threatprotection.settings.RealmSettingsStore;
import io.github.threatprotection.throttling.RefusalDelay;
import io.github.threatprotection.throttling.SourceThrottles;
import io.github.threatprotection.throttling.WindowLimit;
import io.github.threatprotection.spi.ThreatProtectionProvider;

final class DefaultThreatProtectionProvider implements ThreatProtectionProvider {

    private final KeycloakSession session;
    private final DefaultThreatProtectionProviderFactory factory;
    private RiskEventStore events;
    private FailedSignInStore failedSignIns;

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
    public SignInBreachCheck signInBreachCheck() {
        return factory.signInBreachCheck();
    }

    @Override
    public long breachMinCount() {
        return factory.breachMinCount();
    }

    @Override
    public RecentActivityStore recentActivity() {
        return new RecentActivityStore(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }

    @Override
    public FailedSignInStore failedSignIns() {
        if (failedSignIns == null) {
            failedSignIns = new FailedSignInStore(session.getProvider(JpaConnectionProvider.class).getEntityManager());
        }
        return failedSignIns;
    }

    @Override
    public SourceThrottles throttles() {
        return new SourceThrottles(session.singleUseObjects(), failedSignIns(), factory.metrics());
    }

    @Override
    public RefusalDelay refusalDelay() {
        return factory.refusalDelay();
    }

    @Override
    public WindowLimit limits() {
        return new WindowLimit(session.singleUseObjects());
    }

    @Override
    public GeoLocator geoLocator() {
        return factory.geoLocator();
    }

    @Override
    public IpReputationLists reputationLists() {
        return factory.reputationLists();
    }

    @Override
    public ThreatProtectionMetrics metrics() {
        return factory.metrics();
    }

    @Override
    public NotificationSender notifications() {
        return factory.notifications();
    }

    @Override
    public Executor accountLocks() {
        return factory.accountLocks();
    }

    @Override
    public RealmDerivedKeys realmDerivedKeys() {
        return factory.realmDerivedKeys();
    }

    @Override
    public void close() {
    }
}
