package io.github.threatprotection.risk;

import java.util.List;
import java.util.Optional;

import io.github.threatprotection.config.Mode;
import io.github.threatprotection.config.ThreatProtectionSettings;
import io.github.threatprotection.network.IpRange;

/**
 * Decides the risk level and action of one sign-in from the settings that apply to it. IP exceptions decide
 * first (block wins over allow); everything else is scored.
 */
public final class SignInRiskEvaluator {

    public static final String ALWAYS_BLOCK_SIGNAL = "IP_ALWAYS_BLOCK";
    public static final String ALWAYS_ALLOW_SIGNAL = "IP_ALWAYS_ALLOW";

    /**
     * @param settings      the effective settings; callers skip evaluation entirely when the mode is OFF
     * @param clientAddress the address Keycloak saw the request come from
     */
    public RiskAssessment evaluate(ThreatProtectionSettings settings, String clientAddress) {
        boolean enforced = settings.mode() == Mode.ENFORCED;
        ThreatProtectionSettings.IpExceptions exceptions = settings.ipExceptions();

        // Levels on IP overrides are nominal: the lists decide without scoring.
        Optional<IpRange> blocked = exceptions.alwaysBlock().match(clientAddress);
        if (blocked.isPresent()) {
            return new RiskAssessment(RiskLevel.HIGH, RiskAction.BLOCK, enforced, IpOverride.ALWAYS_BLOCK,
                    List.of(new RiskReason(ALWAYS_BLOCK_SIGNAL, 0,
                            clientAddress + " is in ipExceptions.alwaysBlock entry " + blocked.get().text())));
        }
        Optional<IpRange> allowed = exceptions.alwaysAllow().match(clientAddress);
        if (allowed.isPresent()) {
            return new RiskAssessment(RiskLevel.LOW, RiskAction.NO_ACTION, enforced, IpOverride.ALWAYS_ALLOW,
                    List.of(new RiskReason(ALWAYS_ALLOW_SIGNAL, 0,
                            clientAddress + " is in ipExceptions.alwaysAllow entry " + allowed.get().text())));
        }

        RiskLevel level = RiskLevel.LOW;
        return new RiskAssessment(level, settings.accountTakeover().forLevel(level).action(), enforced, null,
                List.of());
    }
}
