package io.github.threatprotection.spi;

import org.keycloak.provider.Provider;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.config.RealmSettingsStore;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.risk.SignInRiskEvaluator;

/** What the flow steps and the admin API get from the extension within one Keycloak session. */
public interface ThreatProtectionProvider extends Provider {

    RealmSettingsStore settings();

    RiskEventStore events();

    SignInRiskEvaluator riskEvaluator();

    /** The breach data configured for the server. */
    CompromisedCredentialCheck breachCheck();

    /** Server option {@code breach-min-count}: how often a password must have been seen to count. */
    long breachMinCount();
}
