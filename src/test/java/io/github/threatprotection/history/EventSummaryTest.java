package io.github.threatprotection.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;

class EventSummaryTest {

    private static final Instant NOW = Instant.parse("2026-11-26T15:00:00Z");
    private static final long NOV_26 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
    private static final long NOV_20 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();

    @Test
    void fourteenDaysEndWithToday() {
        assertEquals(Instant.parse("2026-11-13T00:00:00Z"), EventSummary.start(NOW, 14));
        assertEquals(Instant.parse("2026-11-26T00:00:00Z"), EventSummary.start(NOW, 1));
    }

    @Test
    void countsByLevelActionDayAndWhatAuditModeWouldHaveDone() {
        Instant from = EventSummary.start(NOW, 14);
        EventSummary summary = new EventSummary(from, from.plus(EventSummary.DAY.multipliedBy(14)), List.of(
                new EventSummary.Row(NOV_26, EventType.SIGN_IN, RiskLevel.LOW, RiskAction.NO_ACTION, false, 7),
                new EventSummary.Row(NOV_26, EventType.SIGN_IN, RiskLevel.MEDIUM, RiskAction.MFA_IF_CONFIGURED,
                        false, 3),
                new EventSummary.Row(NOV_20, EventType.SIGN_IN, RiskLevel.HIGH, RiskAction.BLOCK, false, 2),
                new EventSummary.Row(NOV_20, EventType.SIGN_IN, RiskLevel.HIGH, RiskAction.BLOCK, true, 4),
                new EventSummary.Row(NOV_20, EventType.PASSWORD_CHANGE, RiskLevel.HIGH, RiskAction.MFA_REQUIRED,
                        false, 1)));
        assertEquals(17, summary.total());
        assertEquals(7, summary.count(RiskLevel.LOW));
        assertEquals(7, summary.count(RiskLevel.HIGH));
        assertEquals(6, summary.count(RiskAction.BLOCK));
        // Only sign-ins that were not enforced count as "would have"; the password change is not a sign-in.
        assertEquals(3, summary.wouldChallenge());
        assertEquals(2, summary.wouldBlock());

        ObjectNode json = summary.toJson();
        assertEquals(14, json.get("days").size());
        assertEquals("2026-11-13", json.get("days").get(0).get("day").asText());
        assertEquals("2026-11-20", json.get("days").get(7).get("day").asText());
        assertEquals(7, json.get("days").get(7).get("HIGH").asLong());
        assertEquals(2, json.get("days").get(7).get("wouldBlock").asLong());
        assertEquals(3, json.get("days").get(13).get("wouldChallenge").asLong());
        assertEquals(1, json.at("/byAction/MFA_REQUIRED").asLong());
        assertEquals(3, json.at("/byLevel/MEDIUM").asLong());
        assertEquals(16, json.at("/byType/SIGN_IN").asLong());
        assertEquals(0, json.at("/byType/TOKEN_REFRESH").asLong(), "every type appears, zero or not");
    }

    @Test
    void aRefreshGrantWhoseSessionWouldHaveBeenRevokedIsAWouldBeBlock() {
        Instant from = EventSummary.start(NOW, 14);
        EventSummary summary = new EventSummary(from, from.plus(EventSummary.DAY.multipliedBy(14)), List.of(
                new EventSummary.Row(NOV_26, EventType.TOKEN_REFRESH, RiskLevel.HIGH, RiskAction.REVOKE, false, 2),
                new EventSummary.Row(NOV_26, EventType.TOKEN_REFRESH, RiskLevel.HIGH, RiskAction.REVOKE, true, 1),
                new EventSummary.Row(NOV_26, EventType.TOKEN_REFRESH, RiskLevel.MEDIUM, RiskAction.NO_ACTION, false,
                        5)));

        assertEquals(2, summary.wouldBlock());
        assertEquals(0, summary.wouldChallenge());
        assertEquals(3, summary.count(RiskAction.REVOKE));
        assertEquals(8, summary.toJson().at("/byType/TOKEN_REFRESH").asLong());
    }

    @Test
    void aPasswordResetInAuditModeCountsAsWhatWouldHaveBeenDone() {
        Instant from = EventSummary.start(NOW, 1);
        EventSummary summary = new EventSummary(from, from.plus(EventSummary.DAY), List.of(
                new EventSummary.Row(NOV_26, EventType.PASSWORD_RESET, RiskLevel.HIGH, RiskAction.BLOCK, false, 2),
                new EventSummary.Row(NOV_26, EventType.PASSWORD_RESET, RiskLevel.HIGH, RiskAction.BLOCK, true, 5)));
        assertEquals(7, summary.total());
        assertEquals(2, summary.wouldBlock());
        assertEquals(0, summary.wouldChallenge());
    }
}
