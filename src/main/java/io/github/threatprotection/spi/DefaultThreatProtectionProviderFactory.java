package io.github.threatprotection.spi;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.timer.TimerProvider;

import io.github.threatprotection.config.RealmSettingsStore;
import io.github.threatprotection.history.EventRetentionTask;
import io.github.threatprotection.risk.SignInRiskEvaluator;

/**
 * Provider {@code default} of the {@code threat-protection} SPI. Removes a user's or realm's events with them
 * and schedules the retention purge.
 */
public class DefaultThreatProtectionProviderFactory implements ThreatProtectionProviderFactory {

    public static final String ID = "default";
    static final String RETENTION_PURGE_INTERVAL = "retention-purge-interval";
    private static final int DEFAULT_RETENTION_PURGE_INTERVAL_SECONDS = 3600;

    private static final Logger LOG = Logger.getLogger(DefaultThreatProtectionProviderFactory.class);

    private final RealmSettingsStore settingsStore = new RealmSettingsStore();
    private final SignInRiskEvaluator riskEvaluator = new SignInRiskEvaluator();
    private long purgeIntervalMillis;

    @Override
    public ThreatProtectionProvider create(KeycloakSession session) {
        return new DefaultThreatProtectionProvider(session, this);
    }

    @Override
    public void init(Config.Scope config) {
        int seconds = config.getInt(RETENTION_PURGE_INTERVAL, DEFAULT_RETENTION_PURGE_INTERVAL_SECONDS);
        if (seconds < 1) {
            throw new IllegalArgumentException("spi-threat-protection--default--" + RETENTION_PURGE_INTERVAL
                    + " must be at least 1 second, got " + seconds);
        }
        purgeIntervalMillis = seconds * 1000L;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(this::onProviderEvent);
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .scheduleTask(new EventRetentionTask(), purgeIntervalMillis, EventRetentionTask.NAME));
    }

    private void onProviderEvent(ProviderEvent event) {
        if (event instanceof UserModel.UserRemovedEvent removed) {
            int deleted = create(removed.getKeycloakSession()).events()
                    .deleteForUser(removed.getRealm().getId(), removed.getUser().getId());
            LOG.debugf("Deleted %d risk events of removed user %s", deleted, removed.getUser().getId());
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            create(removed.getKeycloakSession()).events().deleteForRealm(removed.getRealm().getId());
            settingsStore.forget(removed.getRealm().getId());
        }
    }

    RealmSettingsStore settingsStore() {
        return settingsStore;
    }

    SignInRiskEvaluator riskEvaluator() {
        return riskEvaluator;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name(RETENTION_PURGE_INTERVAL)
                .type("int")
                .helpText("Seconds between runs of the purge that deletes risk events older than each realm's"
                        + " retention.eventDays.")
                .defaultValue(DEFAULT_RETENTION_PURGE_INTERVAL_SECONDS)
                .add()
                .build();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void close() {
    }
}
