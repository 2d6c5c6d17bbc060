package io.github.threatprotection.spi;

import java.util.concurrent.Executor;

import org.keycloak.provider.Provider;

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

/** What the flow steps and the admin API get from the extension within one Keycloak session. */
public interface ThreatProtectionProvider extends Provider {

    RealmSettingsStore settings();

    RiskEventStore events();

    SignInRiskEvaluator riskEvaluator();

    /** The breach data configured for the server. */
    CompromisedCredentialCheck breachCheck();

    /** The breach check as a sign-in makes it: on the range API's deadline. */
    SignInBreachCheck signInBreachCheck();

    /** Server option {@code breach-min-count}: how often a password must have been seen to count. */
    long breachMinCount();

    /** What a sign-in's risk score reads from the database, in the sign-in's own transaction. */
    RecentActivityStore recentActivity();

    /** Failed sign-ins for the velocity signals. */
    FailedSignInStore failedSignIns();

    /** Which sources are throttled; counts failures towards throttles, and releases them. */
    SourceThrottles throttles();

    /** Holds back refusals of throttled sources, up to this node's slots. */
    RefusalDelay refusalDelay();

    /** Limits per key and window (reset mails, registrations), counted in Keycloak's single-use object store. */
    WindowLimit limits();

    /** The configured geolocation databases; knows nothing when none is configured. */
    GeoLocator geoLocator();

    /** The configured IP reputation lists. */
    IpReputationLists reputationLists();

    ThreatProtectionMetrics metrics();

    /** Sends notification e-mails after the sign-in's transaction, off the request thread. */
    NotificationSender notifications();

    /** Where accounts are locked after a sign-in with a breached password, off the request thread. */
    Executor accountLocks();

    /** The device cookies' MAC keys, derived from the realms' HMAC keys and memoised on this node. */
    RealmDerivedKeys realmDerivedKeys();
}
