package io.github.threatprotection.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.decision.SignInDecision;

class RiskAssessmentTest {

    @Test
    void eachReasonCodeAppearsOnceTheFirstKept() {
        RiskAssessment risk = new RiskAssessment(RiskLevel.HIGH, RiskAction.BLOCK, true, null, true, List.of(
                new RiskReason(RiskSignal.COMPROMISED_CREDENTIALS, 0, "seen 3 times in breach data"),
                new RiskReason(RiskSignal.NEW_DEVICE, 15, "unknown browser"),
                new RiskReason(RiskSignal.COMPROMISED_CREDENTIALS, 0, "again")))
                .withReason(new RiskReason(RiskSignal.NEW_DEVICE, 15, "twice"))
                .withReason(new RiskReason(RiskSignal.USER_COMPROMISED, 0, "the user's risk is COMPROMISED"));

        assertEquals(List.of("COMPROMISED_CREDENTIALS", "NEW_DEVICE", "USER_COMPROMISED"),
                risk.reasons().stream().map(RiskReason::signal).toList());
        assertEquals("seen 3 times in breach data", risk.reasons().get(0).detail());
    }

    @Test
    void aLockedAccountIsItsOwnReasonSayingWhyAndNoBreachedPassword() {
        RiskAssessment locked = SignInDecision.lockedAccount("the user reported a sign-in as not theirs");

        assertEquals(List.of("ACCOUNT_LOCKED"), locked.reasons().stream().map(RiskReason::signal).toList());
        assertEquals("the account is locked because the user reported a sign-in as not theirs until its password is"
                + " replaced through the e-mailed reset or an admin unlocks it", locked.reasons().get(0).detail());
        assertEquals(false, locked.compromisedCredentials());
        assertEquals(true, locked.blocks());
    }
}
