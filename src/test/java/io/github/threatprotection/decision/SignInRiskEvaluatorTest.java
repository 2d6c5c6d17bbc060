package io.github.threatprotection.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.IpOverride;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings.IpExceptions;
import io.github.threatprotection.settings.ThreatProtectionSettings.LevelPolicy;
import io.github.threatprotection.settings.ThreatProtectionSettings;

class SignInRiskEvaluatorTest {

    private final SignInRiskEvaluator evaluator = new SignInRiskEvaluator();

    private static ThreatProtectionSettings settings(Mode mode, List<String> allow, List<String> block) {
        return ThreatProtectionSettings.DEFAULTS.withMode(mode).withIpExceptions(new IpExceptions(
                IpRangeSet.of(allow.stream().map(IpRange::parse).toList()),
                IpRangeSet.of(block.stream().map(IpRange::parse).toList())));
    }

    @Test
    void alwaysBlockDecidesAndNamesTheMatchingEntry() {
        RiskAssessment risk = evaluator.evaluate(settings(Mode.ENFORCED, List.of(), List.of("198.51.100.0/24")),
                ClientAddress.of("198.51.100.7"), false, null);
        assertEquals(RiskAction.BLOCK, risk.action());
        assertEquals(IpOverride.ALWAYS_BLOCK, risk.override());
        assertTrue(risk.blocks());
        assertTrue(risk.reasons().get(0).detail().contains("198.51.100.0/24"));
    }

    @Test
    void auditModeReportsTheActionWithoutBlocking() {
        RiskAssessment risk = evaluator.evaluate(settings(Mode.AUDIT, List.of(), List.of("198.51.100.7")),
                ClientAddress.of("198.51.100.7"), false, null);
        assertEquals(RiskAction.BLOCK, risk.action());
        assertFalse(risk.enforced());
        assertFalse(risk.blocks());
    }

    @Test
    void blockWinsOverAllow() {
        RiskAssessment risk = evaluator.evaluate(
                settings(Mode.ENFORCED, List.of("198.51.100.0/24"), List.of("198.51.100.7")),
                ClientAddress.of("198.51.100.7"), false, null);
        assertEquals(IpOverride.ALWAYS_BLOCK, risk.override());
    }

    @Test
    void alwaysAllowSkipsTheConfiguredLevelAction() {
        ThreatProtectionSettings strict = settings(Mode.ENFORCED, List.of("203.0.113.0/24"), List.of())
                .withAccountTakeover(new ThreatProtectionSettings.AccountTakeover(
                        new LevelPolicy(RiskAction.BLOCK, false), new LevelPolicy(RiskAction.BLOCK, false),
                        new LevelPolicy(RiskAction.BLOCK, false)));
        RiskAssessment allowed = evaluator.evaluate(strict, ClientAddress.of("203.0.113.9"), false, null);
        assertEquals(IpOverride.ALWAYS_ALLOW, allowed.override());
        assertEquals(RiskAction.NO_ACTION, allowed.action());

        RiskAssessment evaluated = evaluator.evaluate(strict, ClientAddress.of("192.0.2.1"), false, null);
        assertNull(evaluated.override());
        assertEquals(RiskLevel.LOW, evaluated.level());
        assertEquals(RiskAction.BLOCK, evaluated.action());
        assertTrue(evaluated.reasons().isEmpty());
    }

    @Test
    void aRealmThatStoresNetworksOnlyHasTheNetworkNamedInPlaceOfTheAddress() {
        ThreatProtectionSettings single = settings(Mode.AUDIT, List.of(), List.of("198.51.100.7"));
        String detail = evaluator.evaluate(single, ClientAddress.of("198.51.100.7"), true, null).reasons().get(0)
                .detail();
        assertEquals("198.51.100.0/24 is in ipExceptions.alwaysBlock entry 198.51.100.0/24", detail);
        assertEquals("198.51.100.7 is in ipExceptions.alwaysBlock entry 198.51.100.7",
                evaluator.evaluate(single, ClientAddress.of("198.51.100.7"), false, null).reasons().get(0).detail());

        ThreatProtectionSettings blocks = settings(Mode.AUDIT, List.of("2001:db8:c17::/56"), List.of());
        assertEquals("2001:db8:c17::/48 is in ipExceptions.alwaysAllow entry 2001:db8:c17::/56",
                evaluator.evaluate(blocks, ClientAddress.of("2001:db8:c17:1::5"), true, null).reasons().get(0)
                        .detail(), "a block names no more than the network");
        ThreatProtectionSettings mapped = settings(Mode.AUDIT, List.of("::ffff:192.0.2.9"), List.of());
        assertEquals("192.0.2.0/24 is in ipExceptions.alwaysAllow entry 192.0.2.0/24",
                evaluator.evaluate(mapped, ClientAddress.of("192.0.2.9"), true, null).reasons().get(0).detail());
    }

    private static final CompromisedCredentialCheck.Result FOUND = new CompromisedCredentialCheck.Result(
            CompromisedCredentialCheck.Status.FOUND, 10, true, "found");
    private static final CompromisedCredentialCheck.Result UNAVAILABLE_OPEN = new CompromisedCredentialCheck.Result(
            CompromisedCredentialCheck.Status.UNAVAILABLE, 0, false, "timed out");

    @Test
    void aBreachedPasswordGetsTheCompromisedCredentialsAction() {
        ThreatProtectionSettings settings = settings(Mode.ENFORCED, List.of(), List.of());
        RiskAssessment blocked = evaluator.evaluate(settings, ClientAddress.of("192.0.2.1"), false, FOUND);
        assertTrue(blocked.compromisedCredentials());
        assertTrue(blocked.blocks());
        assertEquals(RiskSignal.COMPROMISED_CREDENTIALS.name(), blocked.reasons().get(0).signal());

        ThreatProtectionSettings noAction = settings.withCompromisedCredentials(
                new ThreatProtectionSettings.CompromisedCredentials(Set.of(EventType.SIGN_IN),
                        CompromisedCredentialsAction.NO_ACTION, false));
        RiskAssessment recorded = evaluator.evaluate(noAction, ClientAddress.of("192.0.2.1"), false, FOUND);
        assertTrue(recorded.compromisedCredentials());
        assertEquals(RiskAction.NO_ACTION, recorded.action());
    }

    @Test
    void anUnavailableCheckIsRecordedAndFollowsItsPolicy() {
        RiskAssessment risk = evaluator.evaluate(settings(Mode.ENFORCED, List.of(), List.of()),
                ClientAddress.of("192.0.2.1"), false, UNAVAILABLE_OPEN);
        assertFalse(risk.compromisedCredentials());
        assertFalse(risk.blocks());
        assertEquals(RiskSignal.BREACH_CHECK_UNAVAILABLE.name(), risk.reasons().get(0).signal());
    }

    @Test
    void aPasswordBeingSetIsJudgedOnBreachDataAlone() {
        ThreatProtectionSettings settings = settings(Mode.AUDIT, List.of(), List.of("0.0.0.0/0"));
        RiskAssessment risk = evaluator.evaluatePassword(settings, FOUND);
        assertEquals(RiskLevel.HIGH, risk.level());
        assertEquals(RiskAction.BLOCK, risk.action());
        assertFalse(risk.blocks(), "AUDIT never blocks");
        assertNull(risk.override());
    }
    @Test
    void aScoreThatThrowsGetsTheFailureActionRecordedAndCounted() {
        ThreatProtectionSettings enforced = settings(Mode.ENFORCED, List.of(), List.of());
        RiskAssessment blocked = evaluator.evaluate(enforced, ClientAddress.of("192.0.2.1"), false, null, () -> {
            throw new IllegalStateException("history unreadable");
        });
        assertEquals(RiskLevel.HIGH, blocked.level());
        assertEquals(RiskAction.BLOCK, blocked.action(), "the default failure action");
        assertTrue(blocked.blocks());
        assertEquals(RiskSignal.RISK_EVALUATION_FAILED.name(), blocked.reasons().get(0).signal());
        assertTrue(blocked.reasons().get(0).detail().contains("IllegalStateException"));
        assertEquals(1, evaluator.failures());

        SignInRiskEvaluator mfa = new SignInRiskEvaluator(RiskAction.MFA_REQUIRED);
        RiskAssessment challenged = mfa.evaluate(enforced, ClientAddress.of("192.0.2.1"), false, null, () -> {
            throw new ArithmeticException();
        });
        assertEquals(RiskAction.MFA_REQUIRED, challenged.action());
        assertFalse(challenged.blocks());
        assertEquals(1, mfa.failures());
    }

    @Test
    void aBreachBlockIsNotWeakenedByAMilderFailureAction() {
        SignInRiskEvaluator lenient = new SignInRiskEvaluator(RiskAction.NO_ACTION);
        RiskAssessment risk = lenient.evaluate(settings(Mode.ENFORCED, List.of(), List.of()),
                ClientAddress.of("192.0.2.1"), false, FOUND, () -> {
                    throw new IllegalStateException();
                });
        assertEquals(RiskAction.BLOCK, risk.action());
        assertTrue(risk.compromisedCredentials());
        RiskAssessment listed = lenient.evaluate(settings(Mode.ENFORCED, List.of(), List.of("192.0.2.0/24")),
                ClientAddress.of("192.0.2.1"), false, null, () -> {
                    throw new IllegalStateException();
                });
        assertEquals(IpOverride.ALWAYS_BLOCK, listed.override(), "IP exceptions decide before any scoring");
        assertEquals(0, lenient.failures() - 1, "only the scored sign-in failed");
    }
}
