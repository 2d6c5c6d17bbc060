package io.github.threatprotection.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;


class NotificationPolicyTest {

    private static RiskAssessment risk(RiskAction action, boolean enforced, boolean compromised) {
        return new RiskAssessment(RiskLevel.HIGH, action, enforced, null, compromised, List.of());
    }

    @Test
    void eachOutcomeGetsItsMailWhenTheLevelNotifies() {
        assertEquals(NotificationKind.BLOCKED,
                NotificationPolicy.kindFor(risk(RiskAction.BLOCK, true, false), true, true, false));
        assertEquals(NotificationKind.MFA,
                NotificationPolicy.kindFor(risk(RiskAction.MFA_REQUIRED, true, false), true, false, true));
        assertEquals(NotificationKind.NO_ACTION,
                NotificationPolicy.kindFor(risk(RiskAction.NO_ACTION, true, false), true, false, false));
        assertEquals(NotificationKind.NO_ACTION,
                NotificationPolicy.kindFor(risk(RiskAction.MFA_IF_CONFIGURED, true, false), true, false, false),
                "MFA if configured, for a user without a second factor, let the sign-in through");
    }

    @Test
    void nothingWhenTheLevelDoesNotNotifyOrInAuditMode() {
        assertNull(NotificationPolicy.kindFor(risk(RiskAction.BLOCK, true, false), false, true, false));
        assertNull(NotificationPolicy.kindFor(risk(RiskAction.BLOCK, false, false), true, false, false));
        assertNull(NotificationPolicy.kindFor(risk(RiskAction.BLOCK, false, true), true, false, false));
    }

    @Test
    void aBreachedPasswordBlockAlwaysTellsTheUser() {
        assertEquals(NotificationKind.BLOCKED,
                NotificationPolicy.kindFor(risk(RiskAction.BLOCK, true, true), false, true, false));
        assertNull(NotificationPolicy.kindFor(risk(RiskAction.NO_ACTION, true, true), false, false, false),
                "a breached password let through follows the level's setting");
    }
}
