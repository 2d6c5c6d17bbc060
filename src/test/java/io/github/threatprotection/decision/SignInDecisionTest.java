package io.github.threatprotection.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.MfaFallback;
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

    /** A decision with the default fallback, BLOCK: the user's e-mail address is never looked at. */
    private static SignInDecision decide(RiskAssessment risk, ThreatProtectionSettings settings,
                                         BooleanSupplier userHasSecondFactor, BooleanSupplier flowCanAsk) {
        return SignInDecision.decide(risk, settings, userHasSecondFactor, NEVER,
                challenge -> flowCanAsk.getAsBoolean(), SignInDecision.ChallengeRoute.PAGE);
    }

    private static ThreatProtectionSettings emailCodeFallback(RiskAction high) {
        ThreatProtectionSettings settings = settings(high, true, CompromisedCredentialsAction.BLOCK, false);
        AccountTakeover levels = settings.accountTakeover();
        return settings.withAccountTakeover(new AccountTakeover(levels.low(), levels.medium(), levels.high(),
                MfaFallback.EMAIL_CODE));
    }

    private static Set<String> signals(SignInDecision decision) {
        return Set.copyOf(decision.risk().reasons().stream().map(RiskReason::signal).toList());
    }

    @Test
    void aLowRiskSignInGoesThroughWithoutAskingAnything() {
        SignInDecision decision = decide(risk(RiskLevel.LOW, RiskAction.NO_ACTION, true, false),
                settings(RiskAction.BLOCK, true, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER);

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertFalse(decision.lockAccount());
        assertFalse(decision.requirePasswordChange());
        assertNull(decision.notification(), "LOW does not notify here");
    }

    @Test
    void aUserWithASecondFactorIsAskedForIt() {
        SignInDecision decision = decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                settings(RiskAction.MFA_IF_CONFIGURED, true, CompromisedCredentialsAction.BLOCK, false), YES, YES);

        assertFalse(decision.blocked());
        assertTrue(decision.askSecondFactor());
        assertEquals(NotificationKind.MFA, decision.notification());
    }

    @Test
    void aFlowThatCannotAskForTheFactorRefusesRatherThanSkipsIt() {
        SignInDecision decision = decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                settings(RiskAction.MFA_IF_CONFIGURED, true, CompromisedCredentialsAction.BLOCK, false), YES, NO);

        assertTrue(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertTrue(signals(decision).contains("MFA_NOT_POSSIBLE_IN_FLOW"), signals(decision).toString());
        assertEquals(NotificationKind.BLOCKED, decision.notification());
    }

    @Test
    void mfaRequiredWithoutAFactorRefusesAndNeverOffersEnrolment() {
        SignInDecision decision = decide(risk(RiskLevel.HIGH, RiskAction.MFA_REQUIRED, true, false),
                settings(RiskAction.MFA_REQUIRED, false, CompromisedCredentialsAction.BLOCK, false), NO, NEVER);

        assertTrue(decision.blocked());
        assertTrue(signals(decision).contains("MFA_REQUIRED_WITHOUT_SECOND_FACTOR"), signals(decision).toString());
        assertNull(decision.notification(), "the level does not notify");
    }

    @Test
    void mfaIfConfiguredLetsAUserWithoutAFactorThrough() {
        SignInDecision decision = decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                settings(RiskAction.MFA_IF_CONFIGURED, true, CompromisedCredentialsAction.BLOCK, false), NO, NEVER);

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertEquals(NotificationKind.NO_ACTION, decision.notification());
        assertEquals(1, decision.risk().reasons().size(), "no reason added");
    }

    @Test
    void aBreachedPasswordThatIsBlockedLocksTheAccountAndAlwaysTellsTheUser() {
        SignInDecision decision = decide(risk(RiskLevel.HIGH, RiskAction.BLOCK, true, true),
                settings(RiskAction.NO_ACTION, false, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER);

        assertTrue(decision.blocked());
        assertTrue(decision.lockAccount());
        assertEquals(NotificationKind.BLOCKED, decision.notification());
    }

    @Test
    void aBlockForAnotherReasonLocksNothing() {
        SignInDecision decision = decide(risk(RiskLevel.HIGH, RiskAction.BLOCK, true, false),
                settings(RiskAction.BLOCK, false, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER);

        assertTrue(decision.blocked());
        assertFalse(decision.lockAccount());
        assertNull(decision.notification());
    }

    @Test
    void aBreachedPasswordLetThroughMustBeReplacedWhenTheRealmSaysSo() {
        RiskAssessment breached = risk(RiskLevel.LOW, RiskAction.NO_ACTION, true, true);

        assertTrue(decide(breached, settings(RiskAction.BLOCK, false,
                CompromisedCredentialsAction.NO_ACTION, true), NEVER, NEVER).requirePasswordChange());
        assertFalse(decide(breached, settings(RiskAction.BLOCK, false,
                CompromisedCredentialsAction.NO_ACTION, false), NEVER, NEVER).requirePasswordChange());
    }

    @Test
    void auditModeRecordsTheActionAndDoesNothing() {
        SignInDecision decision = decide(risk(RiskLevel.HIGH, RiskAction.BLOCK, false, true),
                settings(RiskAction.BLOCK, true, CompromisedCredentialsAction.BLOCK, true), NEVER, NEVER);

        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertFalse(decision.lockAccount());
        assertFalse(decision.requirePasswordChange());
        assertNull(decision.notification(), "AUDIT never mails");
        assertEquals(RiskAction.BLOCK, decision.risk().action(), "what would have happened is kept");
    }

    @Test
    void withTheEmailCodeFallbackAUserWithoutAFactorGetsTheCodeAtBothMfaActions() {
        for (RiskAction action : List.of(RiskAction.MFA_IF_CONFIGURED, RiskAction.MFA_REQUIRED)) {
            List<MfaChallenge> asked = new ArrayList<>();
            SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, action, true, false),
                    emailCodeFallback(action), NO, YES, challenge -> asked.add(challenge), SignInDecision.ChallengeRoute.PAGE);

            assertFalse(decision.blocked(), action.name());
            assertEquals(MfaChallenge.EMAIL_CODE, decision.challenge(), action.name());
            assertEquals(List.of(MfaChallenge.EMAIL_CODE), asked, "the flow is asked about the e-mail code step");
            assertEquals(NotificationKind.MFA, decision.notification());
        }
    }

    @Test
    void aUserWithAFactorIsAskedForItWhateverTheFallback() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.MFA_REQUIRED, true, false),
                emailCodeFallback(RiskAction.MFA_REQUIRED), YES, NEVER, challenge -> true, SignInDecision.ChallengeRoute.PAGE);

        assertEquals(MfaChallenge.MFA, decision.challenge());
    }

    @Test
    void withoutAVerifiedAddressTheFallbackChangesNothing() {
        SignInDecision required = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.MFA_REQUIRED, true, false),
                emailCodeFallback(RiskAction.MFA_REQUIRED), NO, NO, challenge -> true, SignInDecision.ChallengeRoute.PAGE);
        SignInDecision ifConfigured = SignInDecision.decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                emailCodeFallback(RiskAction.MFA_IF_CONFIGURED), NO, NO, challenge -> true, SignInDecision.ChallengeRoute.PAGE);

        assertTrue(required.blocked());
        assertTrue(signals(required).contains("MFA_REQUIRED_WITHOUT_SECOND_FACTOR"), signals(required).toString());
        assertFalse(ifConfigured.blocked());
        assertNull(ifConfigured.challenge());
    }

    @Test
    void aFlowWithoutTheEmailCodeStepRefusesRatherThanSkipsTheCode() {
        SignInDecision decision = SignInDecision.decide(
                risk(RiskLevel.HIGH, RiskAction.MFA_IF_CONFIGURED, true, false),
                emailCodeFallback(RiskAction.MFA_IF_CONFIGURED), NO, YES,
                challenge -> challenge == MfaChallenge.MFA, SignInDecision.ChallengeRoute.PAGE);

        assertTrue(decision.blocked());
        assertNull(decision.challenge());
        assertTrue(signals(decision).contains("MFA_NOT_POSSIBLE_IN_FLOW"), signals(decision).toString());
    }

    @Test
    void auditModeAsksForNoCode() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.MFA_REQUIRED, false, false),
                emailCodeFallback(RiskAction.MFA_REQUIRED), NEVER, NEVER, challenge -> {
                    throw new AssertionError("AUDIT asked the flow");
                }, SignInDecision.ChallengeRoute.PAGE);

        assertFalse(decision.blocked());
        assertNull(decision.challenge());
    }

    @Test
    void aBrowserAtAChallengeLevelGoesOnToThePuzzleAndNoSecondFactorIsLookedAt() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.CHALLENGE, true, false),
                settings(RiskAction.CHALLENGE, true, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER,
                challenge -> {
                    throw new AssertionError("the flow's MFA sub-flow is not asked about");
                }, SignInDecision.ChallengeRoute.PAGE);

        assertTrue(decision.browserChallenge());
        assertFalse(decision.blocked());
        assertFalse(decision.askSecondFactor());
        assertEquals(NotificationKind.NO_ACTION, decision.notification(), "the level's mail, as for a sign-in that"
                + " goes on");
        assertEquals(RiskAction.CHALLENGE, decision.risk().action());
        assertFalse(decision.challengeUnanswerable());
    }

    @Test
    void aDirectGrantAtAChallengeLevelIsRefusedAsBlockWouldBe() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.CHALLENGE, true, false),
                settings(RiskAction.CHALLENGE, true, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER,
                challenge -> true, SignInDecision.ChallengeRoute.NONE);

        assertTrue(decision.blocked());
        assertFalse(decision.browserChallenge());
        assertFalse(decision.lockAccount(), "no breached password");
        assertEquals(NotificationKind.BLOCKED, decision.notification());
        assertTrue(signals(decision).contains("CHALLENGE_NOT_POSSIBLE"), signals(decision).toString());
        assertEquals(RiskAction.CHALLENGE, decision.risk().action(), "the level's action is what the event shows");
        assertTrue(decision.challengeUnanswerable());
    }

    @Test
    void anSsoSignInAtAChallengeLevelGoesOn() {
        SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.CHALLENGE, true, false),
                settings(RiskAction.CHALLENGE, false, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER,
                challenge -> true, SignInDecision.ChallengeRoute.SESSION);

        assertFalse(decision.blocked());
        assertFalse(decision.browserChallenge());
        assertEquals(Set.of("NEW_DEVICE"), signals(decision), "no reason added");
    }

    @Test
    void auditModeChallengesNobodyAndKeepsWhatWouldHaveHappened() {
        for (SignInDecision.ChallengeRoute route : SignInDecision.ChallengeRoute.values()) {
            SignInDecision decision = SignInDecision.decide(risk(RiskLevel.HIGH, RiskAction.CHALLENGE, false, false),
                    settings(RiskAction.CHALLENGE, true, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER,
                    challenge -> true, route);

            assertFalse(decision.blocked(), route.name());
            assertFalse(decision.browserChallenge(), route.name());
            assertNull(decision.notification(), "AUDIT never mails");
            assertEquals(RiskAction.CHALLENGE, decision.risk().action());
        }
    }

    @Test
    void aBreachedPasswordStillBlocksAtAChallengeLevel() {
        RiskAssessment breached = new RiskAssessment(RiskLevel.HIGH, RiskAction.BLOCK, true, null, true,
                List.of(new RiskReason("COMPROMISED_CREDENTIALS", 0, "found")));
        SignInDecision decision = SignInDecision.decide(breached,
                settings(RiskAction.CHALLENGE, false, CompromisedCredentialsAction.BLOCK, false), NEVER, NEVER,
                challenge -> true, SignInDecision.ChallengeRoute.PAGE);

        assertTrue(decision.blocked());
        assertFalse(decision.browserChallenge(), "no puzzle opens a breached password's block");
        assertTrue(decision.lockAccount());
        assertFalse(decision.challengeUnanswerable(), "refused for the password, not for a missing answer");
    }
}
