package io.github.threatprotection.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
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

class SsoSignInDecisionTest {

    private static final ClientAddress ADDRESS = ClientAddress.of("175.16.199.1");
    private static final ThreatProtectionSettings ENFORCED = ThreatProtectionSettings.DEFAULTS.withMode(Mode.ENFORCED);
    private static final SignInRiskEvaluator EVALUATOR = new SignInRiskEvaluator();
    private static final BooleanSupplier YES = () -> true;
    private static final BooleanSupplier NO = () -> false;

    private static Supplier<RiskScorer.Score> scored(RiskLevel level, int total) {
        List<RiskReason> reasons = total == 0 ? List.of()
                : List.of(new RiskReason(RiskSignal.SESSION_CONTEXT_CHANGE, total, "the session is used from ..."));
        return () -> new RiskScorer.Score(level, total, reasons, false);
    }

    private static Optional<SignInDecision> decide(ThreatProtectionSettings settings,
                                                   Supplier<RiskScorer.Score> score, BooleanSupplier hasFactor) {
        return SsoSignInDecision.decide(EVALUATOR, settings, ADDRESS, false, score, hasFactor, NO,
                challenge -> true);
    }

    private static ThreatProtectionSettings lowAction(ThreatProtectionSettings settings, RiskAction action) {
        return settings.withAccountTakeover(new ThreatProtectionSettings.AccountTakeover(
                new ThreatProtectionSettings.LevelPolicy(action, false), settings.accountTakeover().medium(),
                settings.accountTakeover().high()));
    }

    @Test
    void aUseFromTheSessionsOwnContextGetsNothingEvenWhereLowAsksForASecondFactor() {
        assertTrue(decide(ENFORCED, scored(RiskLevel.LOW, 0), YES).isEmpty());
        assertTrue(decide(lowAction(ENFORCED, RiskAction.MFA_REQUIRED), scored(RiskLevel.LOW, 0), YES).isEmpty(),
                "the session passed its sign-in; an unchanged use is not asked again");
    }

    @Test
    void highIsBlockedWithTheBlockedMail() {
        ThreatProtectionSettings blocking = ENFORCED.withAccountTakeover(new ThreatProtectionSettings.AccountTakeover(
                ENFORCED.accountTakeover().low(), ENFORCED.accountTakeover().medium(),
                new ThreatProtectionSettings.LevelPolicy(RiskAction.BLOCK, true)));

        SignInDecision decision = decide(blocking, scored(RiskLevel.HIGH, 100), YES).orElseThrow();

        assertTrue(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertEquals(RiskAction.BLOCK, decision.risk().action());
        assertEquals(NotificationKind.BLOCKED, decision.notification());
    }

    @Test
    void highsDefaultMfaRequiredAsksAFactorOrBlocksAUserWithout() {
        assertTrue(decide(ENFORCED, scored(RiskLevel.HIGH, 100), YES).orElseThrow().askSecondFactor());
        SignInDecision without = decide(ENFORCED, scored(RiskLevel.HIGH, 100), NO).orElseThrow();
        assertTrue(without.blocked());
        assertEquals("MFA_REQUIRED_WITHOUT_SECOND_FACTOR", without.risk().reasons().get(1).signal());
    }

    @Test
    void aSignalAtANoActionLevelIsRecordedAndLetThrough() {
        SignInDecision decision = decide(ENFORCED, scored(RiskLevel.LOW, 10), YES).orElseThrow();

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertEquals("SESSION_CONTEXT_CHANGE", decision.risk().reasons().get(0).signal());
    }

    @Test
    void mediumAsksTheSecondFactorOfAUserWhoHasOne() {
        assertTrue(decide(ENFORCED, scored(RiskLevel.MEDIUM, 40), YES).orElseThrow().askSecondFactor());
        SignInDecision without = decide(ENFORCED, scored(RiskLevel.MEDIUM, 40), NO).orElseThrow();
        assertFalse(without.askSecondFactor(), "MFA_IF_CONFIGURED: a user without one goes on");
        assertFalse(without.blocked());
    }

    @Test
    void auditRecordsTheBlockItWouldHaveMadeAndActsOnNothing() {
        SignInDecision decision = decide(ENFORCED.withMode(Mode.AUDIT), scored(RiskLevel.HIGH, 100), YES)
                .orElseThrow();

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertEquals(RiskAction.MFA_REQUIRED, decision.risk().action());
        assertFalse(decision.risk().enforced());
    }

    @Test
    void ipExceptionsDecideWithoutScoringAndAnAllowedAddressIsNotRecorded() {
        Supplier<RiskScorer.Score> never = () -> {
            throw new AssertionError("not scored");
        };
        IpRangeSet range = IpRangeSet.of(List.of(IpRange.parse("175.16.199.0/24")));

        SignInDecision blocked = decide(ENFORCED.withIpExceptions(
                new ThreatProtectionSettings.IpExceptions(IpRangeSet.EMPTY, range)), never, YES).orElseThrow();

        assertTrue(blocked.blocked());
        assertEquals("IP_ALWAYS_BLOCK", blocked.risk().reasons().get(0).signal());
        assertTrue(decide(ENFORCED.withIpExceptions(new ThreatProtectionSettings.IpExceptions(range,
                IpRangeSet.EMPTY)), never, YES).isEmpty());
    }

    @Test
    void aScoreThatFailsIsRecordedAndTheFailureActionDecides() {
        Supplier<RiskScorer.Score> failing = () -> {
            throw new IllegalStateException("broken");
        };

        SignInDecision decision = decide(ENFORCED, failing, YES).orElseThrow();

        assertTrue(decision.blocked(), "the server's default failure action blocks");
        assertEquals("RISK_EVALUATION_FAILED", decision.risk().reasons().get(0).signal());
    }
}
