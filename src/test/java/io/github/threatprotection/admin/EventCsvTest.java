package io.github.threatprotection.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.history.EventResponse;
import io.github.threatprotection.history.MfaOutcome;
import io.github.threatprotection.history.Notification;
import io.github.threatprotection.history.NotificationStatus;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.support.Csv;

class EventCsvTest {

    @Test
    void cellsAreQuotedAsRfc4180Says() {
        assertEquals("plain", EventCsv.cell("plain"));
        assertEquals("", EventCsv.cell(null));
        assertEquals("\"a,b\"", EventCsv.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", EventCsv.cell("say \"hi\""));
        assertEquals("\"two\r\nlines\"", EventCsv.cell("two\r\nlines"));
        assertEquals("\"one\nline feed\"", EventCsv.cell("one\nline feed"));
    }

    @Test
    void aCellThatASpreadsheetWouldRunAsAFormulaStaysText() {
        assertEquals("\"'=HYPERLINK(\"\"x\"\")\"", EventCsv.cell("=HYPERLINK(\"x\")"));
        assertEquals("'+1", EventCsv.cell("+1"));
        assertEquals("'-2", EventCsv.cell("-2"));
        assertEquals("'@SUM(A1)", EventCsv.cell("@SUM(A1)"));
        assertEquals("'\tx", EventCsv.cell("\tx"));
        assertEquals("\"'=1,2\"", EventCsv.cell("=1,2"));
        assertEquals("a=b", EventCsv.cell("a=b"), "only the first character counts");
    }

    @Test
    void anEventIsOneRowWithEveryColumnAndParsesBack() throws IOException {
        RiskEvent event = new RiskEvent("e-1", "realm", EventType.SIGN_IN, Instant.parse("2026-11-26T15:04:05Z"),
                "u-1", "app", EventResponse.FAIL,
                new RiskAssessment(RiskLevel.HIGH, RiskAction.BLOCK, true, null, false,
                        List.of(new RiskReason("NEW_DEVICE", 15, null),
                                new RiskReason("IMPOSSIBLE_TRAVEL", 40, "900 km/h, from \"Paris\""))),
                MfaOutcome.PENDING, MfaChallenge.EMAIL_CODE,
                new RiskEvent.Context("198.51.100.7", "=cmd|' /C calc'!A0", "Lyon", "FR", null, null, null, null,
                        null, null),
                RiskEvent.Method.PASSWORD, null,
                new Notification(NotificationKind.BLOCKED, NotificationStatus.SENT, null, 1));
        StringWriter out = new StringWriter();
        EventCsv.header(out);
        EventCsv.event(out, event, "eve");
        List<List<String>> rows = Csv.parse(out.toString());
        assertEquals(2, rows.size());
        assertEquals(EventCsv.HEADER, rows.get(0));
        List<String> row = rows.get(1);
        assertEquals(EventCsv.HEADER.size(), row.size());
        assertEquals("eve", row.get(EventCsv.HEADER.indexOf("username")));
        assertEquals("FAIL", row.get(EventCsv.HEADER.indexOf("response")));
        assertEquals("true", row.get(EventCsv.HEADER.indexOf("enforced")));
        assertEquals("EMAIL_CODE", row.get(EventCsv.HEADER.indexOf("mfaChallenge")));
        assertEquals("PENDING", row.get(EventCsv.HEADER.indexOf("mfaResult")));
        assertEquals("SENT", row.get(EventCsv.HEADER.indexOf("mailStatus")));
        assertEquals("1", row.get(EventCsv.HEADER.indexOf("mailAttempts")));
        assertEquals("NEW_DEVICE +15; IMPOSSIBLE_TRAVEL +40 (900 km/h, from \"Paris\")",
                row.get(EventCsv.HEADER.indexOf("reasons")));
        assertEquals("'=cmd|' /C calc'!A0", row.get(EventCsv.HEADER.indexOf("device")));
    }
}
