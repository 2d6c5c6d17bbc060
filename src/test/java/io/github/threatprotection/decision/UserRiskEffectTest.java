package io.github.threatprotection.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.IpOverride;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings.AccountTakeover;
import io.github.threatprotection.settings.ThreatProtectionSettings.CompromisedCredentials;
import io.github.threatprotection.settings.ThreatProtectionSettings.LevelPolicy;

class UserRiskEffectTest {

    private static ThreatProtectionSettings settings(RiskAction high, CompromisedCredentialsAction breached,
                                                     boolean newPassword) {
        LevelPolicy quiet = new LevelPolicy(RiskAction.NO_ACTION, false);
        return ThreatProtectionSettings.DEFAULTS
                .withAccountTakeover(new AccountTakeover(quiet, new LevelPolicy(RiskAction.MFA_IF_CONFIGURED, false),
                        new LevelPolicy(high, false)))
                .withCompromisedCredentials(new CompromisedCredentials(Set.of(EventType.SIGN_IN), breached,
                        newPassword));
    }

    private static RiskAssessment risk(RiskLevel level, RiskAction action, IpOverride override, boolean breached) {
        return new RiskAssessment(level, action, true, override, breached, List.of());
    }

    @Test
    void aCompromisedUsersSignInGetsTheHighLevelsActionWithTheReason() {
        RiskAssessment low = risk(RiskLevel.LOW, RiskAction.NO_ACTION, null, false);
        RiskAssessment raised = UserRiskEffect.apply(low, settings(RiskAction.BLOCK, CompromisedCredentialsAction.BLOCK,
                false), UserRisk.State.COMPROMISED);

        assertEquals(RiskLevel.HIGH, raised.level());
        assertEquals(RiskAction.BLOCK, raised.action());
        assertEquals(List.of("USER_COMPROMISED"), raised.reasons().stream().map(RiskReason::signal).toList());
    }

    @Test
    void aStrongerActionAlreadyDecidedStays() {
        RiskAssessment blocked = risk(RiskLevel.MEDIUM, RiskAction.BLOCK, null, true);
        RiskAssessment raised = UserRiskEffect.apply(blocked, settings(RiskAction.MFA_REQUIRED,
                CompromisedCredentialsAction.BLOCK, false), UserRisk.State.COMPROMISED);
        assertEquals(RiskAction.BLOCK, raised.action());
        assertTrue(raised.compromisedCredentials());
    }

    @Test
    void atRiskUsersAndIpExceptionsAreLeftAsScored() {
        ThreatProtectionSettings settings = settings(RiskAction.BLOCK, CompromisedCredentialsAction.BLOCK, false);
        RiskAssessment low = risk(RiskLevel.LOW, RiskAction.NO_ACTION, null, false);
        assertSame(low, UserRiskEffect.apply(low, settings, UserRisk.State.AT_RISK), "AT_RISK is a scored signal");
        RiskAssessment allowed = risk(RiskLevel.LOW, RiskAction.NO_ACTION, IpOverride.ALWAYS_ALLOW, false);
        assertSame(allowed, UserRiskEffect.apply(allowed, settings, UserRisk.State.COMPROMISED));
    }

    @Test
    void aHighSignInThatGoesOnWithoutASecondFactorRaisesAtRisk() {
        ThreatProtectionSettings settings = settings(RiskAction.MFA_IF_CONFIGURED, CompromisedCredentialsAction.BLOCK,
                false);
        SignInDecision through = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, null, false),
                settings, () -> false, () -> false, challenge -> true, SignInDecision.ChallengeRoute.PAGE);
        assertEquals(UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA, UserRiskEffect.raisedBy(through, settings));
        assertEquals(UserRisk.State.AT_RISK, UserRiskEffect.stateOf(UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA));

        SignInDecision challenged = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, null,
                false), settings, () -> true, () -> false, challenge -> true, SignInDecision.ChallengeRoute.PAGE);
        assertNull(UserRiskEffect.raisedBy(challenged, settings), "the second factor is asked for");
        SignInDecision medium = SignInDecision.decide(risk(RiskLevel.MEDIUM, RiskAction.NO_ACTION, null, false),
                settings, () -> false, () -> false, challenge -> true, SignInDecision.ChallengeRoute.PAGE);
        assertNull(UserRiskEffect.raisedBy(medium, settings));
    }

    @Test
    void aBreachedPasswordMakesTheUserCompromisedWhereTheRealmActsOnBreaches() {
        RiskAssessment breached = risk(RiskLevel.LOW, RiskAction.NO_ACTION, null, true);
        ThreatProtectionSettings rotate = settings(RiskAction.BLOCK, CompromisedCredentialsAction.NO_ACTION, true);
        assertEquals(UserRisk.Cause.BREACHED_PASSWORD, UserRiskEffect.raisedBy(
                SignInDecision.decide(breached, rotate, () -> false, () -> false, challenge -> true, SignInDecision.ChallengeRoute.PAGE), rotate));
        assertEquals(UserRisk.State.COMPROMISED, UserRiskEffect.stateOf(UserRisk.Cause.BREACHED_PASSWORD));

        ThreatProtectionSettings recordOnly = settings(RiskAction.BLOCK, CompromisedCredentialsAction.NO_ACTION, false);
        assertNull(UserRiskEffect.raisedBy(SignInDecision.decide(breached, recordOnly, () -> false, () -> false, challenge -> true, SignInDecision.ChallengeRoute.PAGE),
                recordOnly), "NO_ACTION without a password change records only");
    }
}
