package io.github.threatprotection.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class UserRiskTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void raisingNeverLowersTheStateAndKeepsEachReasonWithItsTime() {
        UserRisk risk = UserRisk.NONE
                .raise(UserRisk.State.COMPROMISED, UserRisk.Cause.BREACHED_PASSWORD, T0, "e1", null)
                .raise(UserRisk.State.AT_RISK, UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA, T0.plusSeconds(60), "e2",
                        null);

        assertEquals(UserRisk.State.COMPROMISED, risk.state());
        assertEquals(T0, risk.since());
        assertEquals(List.of(UserRisk.Cause.BREACHED_PASSWORD, UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA),
                risk.reasons().stream().map(UserRisk.Change::cause).toList());
    }

    @Test
    void theCurrentStatesReasonsStartAtItsLatestBeginning() {
        UserRisk risk = UserRisk.NONE
                .raise(UserRisk.State.AT_RISK, UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA, T0, "e1", null)
                .raise(UserRisk.State.COMPROMISED, UserRisk.Cause.DISOWNED_SIGN_IN, T0.plusSeconds(10), "e2", null)
                .clear(UserRisk.Cause.REMEDIATED, T0.plusSeconds(20), null)
                .raise(UserRisk.State.AT_RISK, UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA, T0.plusSeconds(30), "e3",
                        null);

        assertEquals(UserRisk.State.AT_RISK, risk.state());
        assertEquals(T0.plusSeconds(30), risk.since());
        assertEquals(List.of("e3"), risk.reasons().stream().map(UserRisk.Change::eventId).toList());
        assertEquals(4, risk.changes().size());
    }

    @Test
    void clearingIsForRemediesAndDismissalsOnly() {
        UserRisk risk = UserRisk.NONE.raise(UserRisk.State.COMPROMISED, UserRisk.Cause.ADMIN, T0, null, "by admin");
        UserRisk dismissed = risk.clear(UserRisk.Cause.DISMISSED, T0.plusSeconds(1), "by admin");
        assertEquals(UserRisk.State.NONE, dismissed.state());
        assertEquals(UserRisk.Cause.DISMISSED, dismissed.changes().get(1).cause());
        assertThrows(IllegalArgumentException.class, () -> risk.clear(UserRisk.Cause.ADMIN, T0, null));
        assertNull(UserRisk.NONE.since());
    }

    @Test
    void onlyTheLatestChangesAreKept() {
        UserRisk risk = UserRisk.NONE;
        for (int i = 0; i < UserRisk.MAX_CHANGES + 5; i++) {
            risk = risk.raise(UserRisk.State.AT_RISK, UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA,
                    T0.plusSeconds(i), "e" + i, null);
        }
        assertEquals(UserRisk.MAX_CHANGES, risk.changes().size());
        assertEquals("e5", risk.changes().get(0).eventId());
        assertEquals(T0.plusSeconds(5), risk.since(), "since the oldest change kept");
    }
}
