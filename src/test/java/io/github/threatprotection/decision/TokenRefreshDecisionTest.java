package io.github.threatprotection.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskScorer;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;

class TokenRefreshDecisionTest {

    private static final ClientAddress ADDRESS = ClientAddress.of("175.16.199.1");
    private static final ThreatProtectionSettings ENFORCED = ThreatProtectionSettings.DEFAULTS.withMode(Mode.ENFORCED);

    private static Supplier<RiskScorer.Score> scored(RiskLevel level, int total) {
        List<RiskReason> reasons = total == 0 ? List.of()
                : List.of(new RiskReason(RiskSignal.SESSION_CONTEXT_CHANGE, total, "the session is used from ..."));
        return () -> new RiskScorer.Score(level, total, reasons, false);
    }

    private static TokenRefreshDecision decide(ThreatProtectionSettings settings, Supplier<RiskScorer.Score> score) {
        return TokenRefreshDecision.decide(settings, ADDRESS, false, score, RiskAction.BLOCK);
    }

    @Test
    void aUseFromTheSessionsOwnContextIsNeitherActedOnNorRecorded() {
        TokenRefreshDecision decision = decide(ENFORCED, scored(RiskLevel.LOW, 0));

        assertFalse(decision.revoke());
        assertFalse(decision.record(), "the quiet path writes nothing");
    }

    @Test
    void aSignalThatChangesNothingIsRecordedOnce() {
        TokenRefreshDecision decision = decide(ENFORCED, scored(RiskLevel.MEDIUM, 30));

        assertFalse(decision.revoke());
        assertTrue(decision.record());
        assertEquals(RiskAction.NO_ACTION, decision.risk().action());
    }

    @Test
    void highRevokesByDefaultAndMailsWhenTheLevelNotifies() {
        TokenRefreshDecision decision = decide(ENFORCED, scored(RiskLevel.HIGH, 100));

        assertTrue(decision.revoke());
        assertEquals(RiskAction.REVOKE, decision.risk().action());
        assertEquals(NotificationKind.BLOCKED, decision.notification());

        ThreatProtectionSettings quiet = ENFORCED.withAccountTakeover(new ThreatProtectionSettings.AccountTakeover(
                ENFORCED.accountTakeover().low(), ENFORCED.accountTakeover().medium(),
                new ThreatProtectionSettings.LevelPolicy(RiskAction.BLOCK, false)));
        assertNull(decide(quiet, scored(RiskLevel.HIGH, 100)).notification());
    }

    @Test
    void auditRecordsTheRevocationItWouldHaveMadeAndDoesNothing() {
        TokenRefreshDecision decision = decide(ENFORCED.withMode(Mode.AUDIT), scored(RiskLevel.HIGH, 100));

        assertFalse(decision.revoke());
        assertTrue(decision.record());
        assertEquals(RiskAction.REVOKE, decision.risk().action());
        assertFalse(decision.risk().enforced());
        assertNull(decision.notification());
    }

    @Test
    void ipExceptionsDecideWithoutScoring() {
        Supplier<RiskScorer.Score> never = () -> {
            throw new AssertionError("not scored");
        };
        ThreatProtectionSettings blocking = ENFORCED.withIpExceptions(new ThreatProtectionSettings.IpExceptions(
                IpRangeSet.EMPTY, IpRangeSet.of(List.of(IpRange.parse("175.16.199.0/24")))));
        ThreatProtectionSettings allowing = ENFORCED.withIpExceptions(new ThreatProtectionSettings.IpExceptions(
                IpRangeSet.of(List.of(IpRange.parse("175.16.199.0/24"))), IpRangeSet.EMPTY));

        TokenRefreshDecision blocked = decide(blocking, never);
        TokenRefreshDecision allowed = decide(allowing, never);

        assertTrue(blocked.revoke());
        assertEquals("IP_ALWAYS_BLOCK", blocked.risk().reasons().get(0).signal());
        assertFalse(allowed.revoke());
        assertFalse(allowed.record());
    }

    @Test
    void aScoreThatFailsIsRecordedAndTheFailureActionDecides() {
        Supplier<RiskScorer.Score> failing = () -> {
            throw new IllegalStateException("broken");
        };

        TokenRefreshDecision revoked = TokenRefreshDecision.decide(ENFORCED, ADDRESS, false, failing, RiskAction.BLOCK);
        TokenRefreshDecision kept = TokenRefreshDecision.decide(ENFORCED, ADDRESS, false, failing,
                RiskAction.MFA_REQUIRED);

        assertTrue(revoked.revoke());
        assertEquals("RISK_EVALUATION_FAILED", revoked.risk().reasons().get(0).signal());
        assertFalse(kept.revoke());
        assertTrue(kept.record(), "never a silent allow");
    }
}
