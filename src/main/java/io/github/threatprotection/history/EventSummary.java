package io.github.threatprotection.history;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;

/**
 * Counts of a realm's risk events over a period, per UTC day: by level and by action, and the scored events
 * (sign-ins and password resets) that were only recorded (not enforced, as in {@code AUDIT} mode) whose action
 * would have challenged or blocked them.
 * Built from the database's group-by rows, never from the events themselves.
 */
public final class EventSummary {

    public static final Duration DAY = Duration.ofDays(1);

    /**
     * One group of the database query.
     *
     * @param dayStart epoch millis of the UTC day's start
     */
    public record Row(long dayStart, EventType type, RiskLevel level, RiskAction action, boolean enforced,
                      long count) {
    }

    private final Instant from;
    private final Instant to;
    private final Map<LocalDate, Map<RiskLevel, Long>> levelsByDay = new TreeMap<>();
    private final Map<RiskLevel, Long> byLevel = new EnumMap<>(RiskLevel.class);
    private final Map<RiskAction, Long> byAction = new EnumMap<>(RiskAction.class);
    private final Map<EventType, Long> byType = new EnumMap<>(EventType.class);
    private final Map<LocalDate, long[]> auditByDay = new TreeMap<>();
    private long wouldChallenge;
    private long wouldBlock;
    private long total;

    /** The summary of {@code days} UTC days ending with the day of {@code now}. */
    public static Instant start(Instant now, int days) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return today.minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public EventSummary(Instant from, Instant to, List<Row> rows) {
        this.from = from;
        this.to = to;
        for (LocalDate day = date(from.toEpochMilli()); day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(to);
             day = day.plusDays(1)) {
            levelsByDay.put(day, new EnumMap<>(RiskLevel.class));
            auditByDay.put(day, new long[2]);
        }
        for (Row row : rows) {
            LocalDate day = date(row.dayStart());
            levelsByDay.computeIfAbsent(day, d -> new EnumMap<>(RiskLevel.class)).merge(row.level(), row.count(),
                    Long::sum);
            byLevel.merge(row.level(), row.count(), Long::sum);
            byAction.merge(row.action(), row.count(), Long::sum);
            byType.merge(row.type(), row.count(), Long::sum);
            total += row.count();
            if ((row.type().scored() || row.type() == EventType.TOKEN_REFRESH) && !row.enforced()) {
                long[] audit = auditByDay.computeIfAbsent(day, d -> new long[2]);
                // A revoked session is a blocked refresh grant.
                if (row.action() == RiskAction.BLOCK || row.action() == RiskAction.REVOKE) {
                    wouldBlock += row.count();
                    audit[1] += row.count();
                } else if (row.action() != RiskAction.NO_ACTION) {
                    wouldChallenge += row.count();
                    audit[0] += row.count();
                }
            }
        }
    }

    public long wouldChallenge() {
        return wouldChallenge;
    }

    public long wouldBlock() {
        return wouldBlock;
    }

    public long total() {
        return total;
    }

    public long count(RiskLevel level) {
        return byLevel.getOrDefault(level, 0L);
    }

    public long count(RiskAction action) {
        return byAction.getOrDefault(action, 0L);
    }

    /** The JSON the summary endpoint answers with; every level and action appears, zero or not. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("from", from.toString());
        json.put("to", to.toString());
        json.put("total", total);
        ObjectNode levels = json.putObject("byLevel");
        for (RiskLevel level : RiskLevel.values()) {
            levels.put(level.name(), count(level));
        }
        ObjectNode actions = json.putObject("byAction");
        for (RiskAction action : RiskAction.values()) {
            actions.put(action.name(), count(action));
        }
        ObjectNode types = json.putObject("byType");
        for (EventType type : EventType.values()) {
            types.put(type.name(), byType.getOrDefault(type, 0L));
        }
        // Refresh grants whose session would have been revoked count as would-be blocks.
        json.putObject("notEnforcedSignIns")
                .put("wouldChallenge", wouldChallenge)
                .put("wouldBlock", wouldBlock);
        var days = json.putArray("days");
        for (Map.Entry<LocalDate, Map<RiskLevel, Long>> day : levelsByDay.entrySet()) {
            ObjectNode dayJson = days.addObject().put("day", day.getKey().toString());
            for (RiskLevel level : RiskLevel.values()) {
                dayJson.put(level.name(), day.getValue().getOrDefault(level, 0L));
            }
            long[] audit = auditByDay.getOrDefault(day.getKey(), new long[2]);
            dayJson.put("wouldChallenge", audit[0]).put("wouldBlock", audit[1]);
        }
        return json;
    }

    private static LocalDate date(long epochMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }
}
