package io.github.threatprotection.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings.AccountTakeover;
import io.github.threatprotection.settings.ThreatProtectionSettings.CompromisedCredentials;
import io.github.threatprotection.settings.ThreatProtectionSettings.LevelPolicy;

class SignInDecisionTest {

    private static final BooleanSupplier YES = () -> true;
    private static final BooleanSupplier NO = () -> false;
    /** For the quiet path: a sign-in that asks for no second factor must not read the user's credentials. */
    private static final BooleanSupplier NEVER = () -> {
        throw new AssertionError("asked although no second factor was requested");
    };

    private static ThreatProtectionSettings settings(RiskAction high, boolean notify,
                                                     CompromisedCredentialsAction breached, boolean newPassword) {
        LevelPolicy quiet = new LevelPolicy(RiskAction.NO_ACTION, false);
        return ThreatProtectionSettings.DEFAULTS
                .withAccountTakeover(new AccountTakeover(quiet, quiet, new LevelPolicy(high, notify)))
                .withCompromisedCredentials(new CompromisedCredentials(Set.of(EventType.SIGN_IN), breached,
                        newPassword));
    }

    private static RiskAssessment risk(RiskLevel level, RiskAction action, boolean enforced, boolean breached) {
        return new RiskAssessment(level, action, enforced, null, breached,
                List.of(new RiskReason("NEW_DEVICE", 15, "a new browser")));
    }

    private static Set<String> signals(SignInDecision decision) {
        return Set.copyOf(decision.risk().reasons().stream().map(RiskReason::signal).toList());
    }

    @Test
    void aLowRiskSignInGoesThroughWithoutAskingAnything() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.LOW, RiskAction.NO_ACTION, true, false),
                settings(RiskAction.BLOCK, true, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER);

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertFalse(decision.lockAccount());
        assertFalse(decision.requirePasswordChange());
        assertNull(decision.notification(), "LOW does not notify here");
    }

    @Test
    void aUserWithASecondFactorIsAskedForIt() {
        SignInDecision decision = SignInDecision.decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                settings(RiskAction.MFA_IF_CONFIGURED, true, CompromisedCredentialsAction.BLOCK, false), YES, YES);

        assertFalse(decision.blocked());
        assertTrue(decision.askSecondFactor());
        assertEquals(NotificationKind.MFA, decision.notification());
    }

    @Test
    void aFlowThatCannotAskForTheFactorRefusesRatherThanSkipsIt() {
        SignInDecision decision = SignInDecision.decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                settings(RiskAction.MFA_IF_CONFIGURED, true, CompromisedCredentialsAction.BLOCK, false), YES, NO);

        assertTrue(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertTrue(signals(decision).contains("MFA_NOT_POSSIBLE_IN_FLOW"), signals(decision).toString());
        assertEquals(NotificationKind.BLOCKED, decision.notification());
    }

    @Test
    void mfaRequiredWithoutAFactorRefusesAndNeverOffersEnrolment() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.MFA_REQUIRED, true, false),
                settings(RiskAction.MFA_REQUIRED, false, CompromisedCredentialsAction.BLOCK, false), NO, NEVER);

        assertTrue(decision.blocked());
        assertTrue(signals(decision).contains("MFA_REQUIRED_WITHOUT_SECOND_FACTOR"), signals(decision).toString());
        assertNull(decision.notification(), "the level does not notify");
    }

    @Test
    void mfaIfConfiguredLetsAUserWithoutAFactorThrough() {
        SignInDecision decision = SignInDecision.decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                settings(RiskAction.MFA_IF_CONFIGURED, true, CompromisedCredentialsAction.BLOCK, false), NO, NEVER);

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertEquals(NotificationKind.NO_ACTION, decision.notification());
        assertEquals(1, decision.risk().reasons().size(), "no reason added");
    }

    @Test
    void aBreachedPasswordThatIsBlockedLocksTheAccountAndAlwaysTellsTheUser() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.BLOCK, true, true),
                settings(RiskAction.NO_ACTION, false, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER);

        assertTrue(decision.blocked());
        assertTrue(decision.lockAccount());
        assertEquals(NotificationKind.BLOCKED, decision.notification());
    }

    @Test
    void aBlockForAnotherReasonLocksNothing() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.BLOCK, true, false),
                settings(RiskAction.BLOCK, false, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER);

        assertTrue(decision.blocked());
        assertFalse(decision.lockAccount());
        assertNull(decision.notification());
    }

    @Test
    void aBreachedPasswordLetThroughMustBeReplacedWhenTheRealmSaysSo() {
        RiskAssessment breached = risk(RiskLevel.LOW, RiskAction.NO_ACTION, true, true);

        assertTrue(SignInDecision.decide(breached, settings(RiskAction.BLOCK, false,
                CompromisedCredentialsAction.NO_ACTION, true), NEVER, NEVER).requirePasswordChange());
        assertFalse(SignInDecision.decide(breached, settings(RiskAction.BLOCK, false,
                CompromisedCredentialsAction.NO_ACTION, false), NEVER, NEVER).requirePasswordChange());
    }

    @Test
    void auditModeRecordsTheActionAndDoesNothing() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.BLOCK, false, true),
                settings(RiskAction.BLOCK, true, CompromisedCredentialsAction.BLOCK, true), NEVER, NEVER);

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertFalse(decision.lockAccount());
        assertFalse(decision.requirePasswordChange());
        assertNull(decision.notification(), "AUDIT never mails");
        assertEquals(RiskAction.BLOCK, decision.risk().action(), "what would have happened is kept");
    }
}
