package io.github.threatprotection.decision;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.risk.IpOverride;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskScorer;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * What a refresh-token grant gets once its session's use is scored: let through, or its session revoked. No
 * second factor can be asked in a grant, so each level's {@code sessions.refreshActions} is NO_ACTION or REVOKE.
 * Nothing here touches Keycloak.
 *
 * @param risk         the assessment, as the event records it
 * @param revoke       the session ends now and the grant fails as if it had expired (ENFORCED mode only)
 * @param record       something was observed: the use is written to the event history. A use from the session's
 *                     own context is not, so the quiet path costs no database write
 * @param notification the mail the user gets, or null
 */
public record TokenRefreshDecision(RiskAssessment risk, boolean revoke, boolean record,
                                   NotificationKind notification) {

    /**
     * @param settings         the effective settings of the grant's client; callers skip evaluation when the mode
     *                         is OFF or {@code sessions.tokenRefresh} is false
     * @param storeNetworkOnly the realm's {@code privacy.storeNetworkOnly}: reasons name the address as the event
     *                         keeps it
     * @param score            the session use's score, asked for only when no IP exception decides
     * @param failureAction    the server's action for a score that cannot be computed: BLOCK revokes, anything
     *                         else lets the grant through; recorded either way
     */
    public static TokenRefreshDecision decide(ThreatProtectionSettings settings, ClientAddress address,
                                              boolean storeNetworkOnly, Supplier<RiskScorer.Score> score,
                                              RiskAction failureAction) {
        boolean enforced = settings.mode() == Mode.ENFORCED;
        ThreatProtectionSettings.IpExceptions exceptions = settings.ipExceptions();
        Optional<IpRange> blocked = exceptions.alwaysBlock().match(address);
        if (blocked.isPresent()) {
            return revoking(settings, new RiskAssessment(RiskLevel.HIGH, RiskAction.REVOKE, enforced,
                    IpOverride.ALWAYS_BLOCK, false, List.of(new RiskReason(RiskSignal.IP_ALWAYS_BLOCK, 0,
                    address.recorded(storeNetworkOnly) + " is in ipExceptions.alwaysBlock entry "
                            + address.recordedEntry(blocked.get(), storeNetworkOnly)))));
        }
        if (exceptions.alwaysAllow().match(address).isPresent()) {
            // As for sign-ins: an allowed address is not evaluated, and so nothing is recorded.
            return new TokenRefreshDecision(new RiskAssessment(RiskLevel.LOW, RiskAction.NO_ACTION, enforced,
                    IpOverride.ALWAYS_ALLOW, false, List.of()), false, false, null);
        }
        RiskScorer.Score scored;
        try {
            scored = score.get();
        } catch (RuntimeException e) {
            RiskAction action = failureAction == RiskAction.BLOCK ? RiskAction.REVOKE : RiskAction.NO_ACTION;
            RiskAssessment failed = new RiskAssessment(RiskLevel.HIGH, action, enforced, null, false,
                    List.of(new RiskReason(RiskSignal.RISK_EVALUATION_FAILED, 0, "the session's use could not be"
                            + " scored (" + e.getClass().getSimpleName() + "); the server's risk-evaluation-failure"
                            + " action " + failureAction + " applies as " + action)));
            return action == RiskAction.REVOKE ? revoking(settings, failed)
                    : new TokenRefreshDecision(failed, false, true, null);
        }
        RiskAction action = settings.sessions().refreshActions().forLevel(scored.level());
        RiskAssessment risk = new RiskAssessment(scored.level(), action, enforced, null, false, scored.reasons());
        if (action == RiskAction.REVOKE) {
            return revoking(settings, risk);
        }
        return new TokenRefreshDecision(risk, false, !risk.reasons().isEmpty(), null);
    }

    /** AUDIT records what would have happened and tells nobody, as for sign-ins. */
    private static TokenRefreshDecision revoking(ThreatProtectionSettings settings, RiskAssessment risk) {
        boolean notify = risk.enforced() && settings.accountTakeover().forLevel(risk.level()).notifyUser();
        return new TokenRefreshDecision(risk, risk.enforced(), true, notify ? NotificationKind.BLOCKED : null);
    }
}
