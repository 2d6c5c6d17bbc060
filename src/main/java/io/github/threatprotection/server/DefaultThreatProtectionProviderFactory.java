package io.github.threatprotection.server;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;
import org.apache.http.impl.client.CloseableHttpClient;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.timer.TimerProvider;

import io.github.threatprotection.breach.CommonPasswords;
import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.breach.PwnedPasswordsClient;
import io.github.threatprotection.breach.SignInBreachCheck;
import io.github.threatprotection.console.ConsoleClient;
import io.github.threatprotection.console.SettingsTab;
import io.github.threatprotection.decision.SignInRiskEvaluator;
import io.github.threatprotection.device.DeviceCookie;
import io.github.threatprotection.geo.GeoLocator;
import io.github.threatprotection.history.EventRetentionTask;
import io.github.threatprotection.keys.RealmDerivedKeys;
import io.github.threatprotection.metrics.ThreatProtectionMetrics;
import io.github.threatprotection.network.IpReputationLists;
import io.github.threatprotection.notification.NotificationOutbox;
import io.github.threatprotection.notification.NotificationSender;
import io.github.threatprotection.password.AccountLockedActionFactory;
import io.github.threatprotection.password.UpdateCompromisedPasswordFactory;
import io.github.threatprotection.settings.RealmSettingsStore;
import io.github.threatprotection.spi.ThreatProtectionProvider;
import io.github.threatprotection.throttling.RefusalDelay;
import io.github.threatprotection.userrisk.UsersAtRiskGauge;
import io.github.threatprotection.spi.ThreatProtectionProviderFactory;

/**
 * Provider {@code default} of the {@code threat-protection} SPI: reads the server options, opens the breach
 * data, removes a user's or realm's events with them, schedules the retention purge and runs the notification
 * sender.
 */
public class DefaultThreatProtectionProviderFactory implements ThreatProtectionProviderFactory,
        ServerInfoAwareProviderFactory {

    public static final String ID = "default";

    private static final Logger LOG = Logger.getLogger(DefaultThreatProtectionProviderFactory.class);

    /** Every settings write also updates the admin console page's copy. */
    private final RealmSettingsStore settingsStore = new RealmSettingsStore(SettingsTab::showCurrentSettings);
    private final RealmDerivedKeys realmDerivedKeys = new RealmDerivedKeys();
    private ServerOptions options;
    private SignInRiskEvaluator riskEvaluator;
    private PwnedPasswordsClient rangeApi;
    private CompromisedCredentialCheck breachCheck;
    private SignInBreachCheck signInBreachCheck;
    private GeoLocator geoLocator;
    private IpReputationLists reputationLists;
    private final ThreatProtectionMetrics metrics = new ThreatProtectionMetrics();
    private NotificationSender notifications;
    private UsersAtRiskGauge usersAtRisk;
    private RefusalDelay refusalDelay;
    private final ExecutorService accountLocks = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "threat-protection-account-locks");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public ThreatProtectionProvider create(KeycloakSession session) {
        return new DefaultThreatProtectionProvider(session, this);
    }

    @Override
    public void init(Config.Scope config) {
        options = ServerOptions.from(config);
        riskEvaluator = new SignInRiskEvaluator(options.riskEvaluationFailure());
        refusalDelay = new RefusalDelay(options.throttleRefusalSlots());

        geoLocator = new GeoLocator(options.geoipCityDatabase(), options.geoipAsnDatabase(),
                options.geoipAnonymousDatabase(), options.fileRecheckInterval(), Clock.systemUTC());
        reputationLists = new IpReputationLists(options.ipReputationLists(), options.fileRecheckInterval(),
                Clock.systemUTC());
        metrics.dependencyErrors("geo", geoLocator, GeoLocator::failures);
        metrics.dependencyErrors("risk_engine", riskEvaluator, SignInRiskEvaluator::failures);
    }

    private static String name(CompromisedCredentialCheck.FailurePolicy policy) {
        return policy.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Opens the breach data in postInit, as the range API client needs Keycloak's HTTP client, which only a
     * session hands out.
     */
    private void openBreachData(KeycloakSessionFactory factory) {
        if (options.pwnedPasswordsUrl() != null) {
            // Keycloak's own client rather than one of ours, so that the server's outgoing HTTP settings
            // (--spi-connections-http-client--default--*: proxy mappings, truststore, timeouts) apply to range
            // calls too. The client is shared and thread-safe; the session only hands it out.
            CloseableHttpClient http;
            try (KeycloakSession session = factory.create()) {
                http = session.getProvider(HttpClientProvider.class).getHttpClient();
            }
            rangeApi = new PwnedPasswordsClient(http, options.pwnedPasswordsUrl(), options.pwnedPasswordsTimeout(),
                    options.pwnedPasswordsCacheSize(), options.pwnedPasswordsCacheTtl(), Clock.systemUTC());
        }
        CommonPasswords common = options.builtinCorpus() ? CommonPasswords.builtIn() : null;
        breachCheck = new CompromisedCredentialCheck(common, options.breachCorpora(), options.breachCorpusFailure(),
                rangeApi, options.pwnedPasswordsFailure());
        signInBreachCheck = new SignInBreachCheck(breachCheck, options.pwnedPasswordsDeadline());
        metrics.dependencyErrors("breach_api", this,
                self -> self.breachCheck.apiFailures() + self.signInBreachCheck.deadlineMisses());
        metrics.dependencyErrors("breach_corpus", breachCheck, CompromisedCredentialCheck::corpusFailures);
        if (breachCheck.isConfigured()) {
            LOG.infof("Compromised-credential checks: built-in list %s, %d offline corpus file(s) (failure policy"
                    + " %s), range API %s (failure policy %s), minimum count %d",
                    common == null ? "off" : common.size() + " common passwords from the " + CommonPasswords.SOURCE,
                    options.breachCorpora().size(),
                    name(options.breachCorpusFailure()), rangeApi == null ? "off" : rangeApi.baseUrl(),
                    name(options.pwnedPasswordsFailure()), options.breachMinCount());
        } else {
            LOG.info("Compromised-credential checks are off: the built-in list turned off, no breach corpus and no"
                    + " range API configured");
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        openBreachData(factory);
        usersAtRisk = new UsersAtRiskGauge(factory, metrics);
        notifications = new NotificationSender(factory, options.notificationSchedule(),
                options.notificationSchedule().firstRetry(),
                metrics, settingsStore,
                session -> new NotificationOutbox(session.getProvider(JpaConnectionProvider.class).getEntityManager()));
        factory.register(this::onProviderEvent);
    }

    /** Runs once the database is ready: postInit of the JPA layer may not have run yet when ours does. */
    private void onDatabaseReady(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            session.realms().getRealmsStream().forEach(realm -> {
                if (DeviceCookie.removeLegacyKey(realm)) {
                    LOG.infof("Removed the old device-cookie key (realm attribute %s) from realm %s; device cookies"
                            + " are now signed with keys derived from the realm's HS512 key",
                            DeviceCookie.LEGACY_KEY_ATTRIBUTE, realm.getName());
                }
                UpdateCompromisedPasswordFactory.registerIn(realm);
                AccountLockedActionFactory.registerIn(realm);
                addConsole(session, realm);
                usersAtRisk.register(realm);
            });
            session.getProvider(TimerProvider.class)
                    .scheduleTask(new EventRetentionTask(settingsStore, s -> create(s).events(),
                            s -> create(s).failedSignIns()), options.retentionPurgeInterval().toMillis(),
                            EventRetentionTask.NAME);
        });
        notifications.start();
    }

    private void onProviderEvent(ProviderEvent event) {
        if (event instanceof PostMigrationEvent ready) {
            onDatabaseReady(ready.getFactory());
        } else if (event instanceof UserModel.UserRemovedEvent removed) {
            int deleted = create(removed.getKeycloakSession()).events()
                    .deleteForUser(removed.getRealm().getId(), removed.getUser().getId());
            LOG.debugf("Deleted %d risk events of removed user %s", deleted, removed.getUser().getId());
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            UpdateCompromisedPasswordFactory.registerIn(created.getCreatedRealm());
            AccountLockedActionFactory.registerIn(created.getCreatedRealm());
            addConsole(created.getKeycloakSession(), created.getCreatedRealm());
            usersAtRisk.register(created.getCreatedRealm());
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            ThreatProtectionProvider provider = create(removed.getKeycloakSession());
            provider.events().deleteForRealm(removed.getRealm().getId());
            provider.failedSignIns().deleteForRealm(removed.getRealm().getId());
            settingsStore.forget(removed.getRealm().getId());
            realmDerivedKeys.forget(removed.getRealm().getId());
            usersAtRisk.forget(removed.getRealm());
        }
    }

    /** The admin console page with the realm's settings, and the event history page's sign-in client. */
    private static void addConsole(KeycloakSession session, RealmModel realm) {
        try {
            ConsoleClient.ensureIn(realm);
            SettingsTab.showCurrentSettings(session, realm);
        } catch (RuntimeException e) {
            // Protection does not depend on the pages; a realm without them is logged, not refused.
            LOG.errorf(e, "Could not add the threat protection admin pages to realm %s", realm.getName());
        }
    }

    RealmSettingsStore settingsStore() {
        return settingsStore;
    }

    RealmDerivedKeys realmDerivedKeys() {
        return realmDerivedKeys;
    }

    SignInRiskEvaluator riskEvaluator() {
        return riskEvaluator;
    }

    CompromisedCredentialCheck breachCheck() {
        return breachCheck;
    }

    SignInBreachCheck signInBreachCheck() {
        return signInBreachCheck;
    }

    long breachMinCount() {
        return options.breachMinCount();
    }

    GeoLocator geoLocator() {
        return geoLocator;
    }

    IpReputationLists reputationLists() {
        return reputationLists;
    }

    ThreatProtectionMetrics metrics() {
        return metrics;
    }

    NotificationSender notifications() {
        return notifications;
    }

    Executor accountLocks() {
        return accountLocks;
    }

    RefusalDelay refusalDelay() {
        return refusalDelay;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ServerOptions.metadata();
    }

    /** Shown on the admin console's server info page (Provider info → threat-protection). */
    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", ExtensionVersion.VERSION);
        info.put("breachChecks", breachCheck != null && breachCheck.isConfigured() ? "on" : "off");
        return info;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void close() {
        accountLocks.shutdown();
        if (notifications != null) {
            notifications.stop();
        }
        if (signInBreachCheck != null) {
            signInBreachCheck.close();
        }
        if (rangeApi != null) {
            rangeApi.close();
        }
        // The reputation lists are read into memory and hold no file
        if (breachCheck != null) {
            breachCheck.close();
        }
        if (geoLocator != null) {
            geoLocator.close();
        }
    }
}
