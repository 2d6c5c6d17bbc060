package io.github.threatprotection.admin;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.MfaChallenge;

/**
 * The event list as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote
 * or a line break, quotes doubled). A spreadsheet would run a cell that starts with {@code = + - @}, a tab or a
 * carriage return as a formula; such a cell gets a leading apostrophe, so a user agent or a device name chosen by
 * an attacker stays text.
 */
final class EventCsv {

    static final List<String> HEADER = List.of("id", "time", "username", "userId", "clientId", "type", "method",
            "level", "action", "enforced", "response", "mfaChallenge", "mfaResult", "reasons", "ipList", "ipAddress",
            "device", "city", "country", "feedback", "feedbackBy", "mailKind", "mailStatus", "mailAttempts",
            "mailDetail");

    private EventCsv() {
    }

    static void header(Writer out) throws IOException {
        row(out, HEADER);
    }

    /** One event; {@code username} may be null for a user deleted since. */
    static void event(Writer out, RiskEvent event, String username) throws IOException {
        List<String> cells = new ArrayList<>(HEADER.size());
        cells.add(event.id());
        cells.add(event.time().toString());
        cells.add(username);
        cells.add(event.userId());
        cells.add(event.clientId());
        cells.add(event.type().name());
        cells.add(event.method() == null ? null : event.method().kind().name()
                + (event.method().identityProvider() == null ? "" : ":" + event.method().identityProvider()));
        cells.add(event.risk().level().name());
        cells.add(event.risk().action().name());
        cells.add(String.valueOf(event.risk().enforced()));
        cells.add(event.response().name());
        // PENDING: asked for and never answered (or abandoned).
        cells.add(event.mfa() == null ? null
                : (event.mfaChallenge() == null ? MfaChallenge.MFA : event.mfaChallenge()).name());
        cells.add(event.mfa() == null ? null : event.mfa().name());
        cells.add(event.risk().reasons().stream()
                .map(r -> r.signal() + " +" + r.score() + (r.detail() == null ? "" : " (" + r.detail() + ")"))
                .collect(Collectors.joining("; ")));
        cells.add(event.risk().override() == null ? null : event.risk().override().name());
        RiskEvent.Context context = event.context();
        cells.add(context == null ? null : context.ipAddress());
        cells.add(context == null ? null : context.deviceName());
        cells.add(context == null ? null : context.city());
        cells.add(context == null ? null : context.country());
        cells.add(event.feedback() == null ? null : event.feedback().value().name());
        cells.add(event.feedback() == null ? null : event.feedback().provider().name());
        cells.add(event.notification() == null ? null : event.notification().kind().name());
        cells.add(event.notification() == null ? null : event.notification().status().name());
        cells.add(event.notification() == null ? null : String.valueOf(event.notification().attempts()));
        cells.add(event.notification() == null ? null : event.notification().detail());
        row(out, cells);
    }

    static void row(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells.get(i)));
        }
        out.write("\r\n");
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = switch (value.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + value;
            default -> value;
        };
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0;
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
