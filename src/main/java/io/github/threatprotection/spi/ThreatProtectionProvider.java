package io.github.threatprotection.spi;

import org.keycloak.provider.Provider;

import io.github.threatprotection.config.RealmSettingsStore;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.risk.SignInRiskEvaluator;

/** What the flow steps and the admin API get from the extension within one Keycloak session. */
public interface ThreatProtectionProvider extends Provider {

    RealmSettingsStore settings();

    RiskEventStore events();

    SignInRiskEvaluator riskEvaluator();
}
