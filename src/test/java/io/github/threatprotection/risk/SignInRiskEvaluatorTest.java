package io.github.threatprotection.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.config.Mode;
import io.github.threatprotection.config.ThreatProtectionSettings;
import io.github.threatprotection.config.ThreatProtectionSettings.IpExceptions;
import io.github.threatprotection.config.ThreatProtectionSettings.LevelPolicy;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;

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
                "198.51.100.7");
        assertEquals(RiskAction.BLOCK, risk.action());
        assertEquals(IpOverride.ALWAYS_BLOCK, risk.override());
        assertTrue(risk.blocks());
        assertTrue(risk.reasons().get(0).detail().contains("198.51.100.0/24"));
    }

    @Test
    void auditModeReportsTheActionWithoutBlocking() {
        RiskAssessment risk = evaluator.evaluate(settings(Mode.AUDIT, List.of(), List.of("198.51.100.7")),
                "198.51.100.7");
        assertEquals(RiskAction.BLOCK, risk.action());
        assertFalse(risk.enforced());
        assertFalse(risk.blocks());
    }

    @Test
    void blockWinsOverAllow() {
        RiskAssessment risk = evaluator.evaluate(
                settings(Mode.ENFORCED, List.of("198.51.100.0/24"), List.of("198.51.100.7")), "198.51.100.7");
        assertEquals(IpOverride.ALWAYS_BLOCK, risk.override());
    }

    @Test
    void alwaysAllowSkipsTheConfiguredLevelAction() {
        ThreatProtectionSettings strict = settings(Mode.ENFORCED, List.of("203.0.113.0/24"), List.of())
                .withAccountTakeover(new ThreatProtectionSettings.AccountTakeover(
                        new LevelPolicy(RiskAction.BLOCK, false), new LevelPolicy(RiskAction.BLOCK, false),
                        new LevelPolicy(RiskAction.BLOCK, false)));
        RiskAssessment allowed = evaluator.evaluate(strict, "203.0.113.9");
        assertEquals(IpOverride.ALWAYS_ALLOW, allowed.override());
        assertEquals(RiskAction.NO_ACTION, allowed.action());

        RiskAssessment evaluated = evaluator.evaluate(strict, "192.0.2.1");
        assertNull(evaluated.override());
        assertEquals(RiskLevel.LOW, evaluated.level());
        assertEquals(RiskAction.BLOCK, evaluated.action());
        assertTrue(evaluated.reasons().isEmpty());
    }
}
