package io.github.threatprotection.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL a sign-in costs, counted for each realm alone: PostgreSQL logs every statement with its duration while
 * the realm's sign-ins run on one thread and their notifications are waited for; then statements per sign-in by
 * kind and table, with the time the database spent on them (parse, bind and execute), from the serving server's
 * own connections.
 */
final class StatementCount {

    /** The realms counted, in the order of the report's columns. */
    private static final List<String> REALMS = List.of("A", "B", "C-quiet", "C", "A-main", "C-main");
    private static final Pattern LOGGED = Pattern.compile(
            "^([^@]*)@LOG:  duration: ([0-9.]+) ms  (parse|bind|execute|statement)[^:]*: (.*)");

    private final LoadDatabase database;
    private final EventTables events;

    StatementCount(LoadDatabase database, EventTables events) {
        this.database = database;
        this.events = events;
    }

    /** By realm, then by "kind table" (e.g. "insert tp_risk_event"): statements and database ms per sign-in. */
    Map<String, Map<String, double[]>> count(Map<String, LoadRealm> realms, int signIns) throws Exception {
        Map<String, Map<String, double[]>> counts = new LinkedHashMap<>();
        for (String name : REALMS) {
            LoadRealm realm = realms.get(name);
            if (realm == null) {
                continue;
            }
            events.awaitNotifications();
            events.deleteRunEvents(realm);
            Thread.sleep(500);
            long offset = database.logSize();
            database.logEveryStatement(true);
            for (int i = 0; i < signIns; i++) {
                realm.signIn(0);
            }
            events.awaitNotifications();
            Thread.sleep(500);
            database.logEveryStatement(false);
            counts.put(name, perSignIn(database.logSince(offset), signIns, realm.server.applicationName()));
            events.deleteRunEvents(realm);
        }
        return counts;
    }

    static Map<String, double[]> perSignIn(String log, int signIns, String application) {
        Map<String, double[]> counts = new TreeMap<>();
        for (String logLine : log.split("\n")) {
            Matcher matcher = LOGGED.matcher(logLine);
            if (!matcher.find() || !matcher.group(1).equals(application)) {
                continue;
            }
            String sql = matcher.group(4).trim().toLowerCase(Locale.ROOT);
            String kind = sql.split("\\s+", 2)[0];
            String table = switch (kind) {
                case "select" -> after(sql, " from ");
                case "insert" -> after(sql, "insert into ");
                case "update" -> after(sql, "update ");
                case "delete" -> after(sql, "delete from ");
                default -> "";
            };
            double[] entry = counts.computeIfAbsent((kind + " " + table).trim(), key -> new double[2]);
            String phase = matcher.group(3);
            if (phase.equals("execute") || phase.equals("statement")) {
                entry[0] += 1.0 / signIns;
            }
            entry[1] += Double.parseDouble(matcher.group(2)) / signIns;
        }
        return counts;
    }

    /** The first word after a marker: the table a statement names. */
    private static String after(String sql, String marker) {
        int at = sql.indexOf(marker);
        if (at < 0) {
            return "?";
        }
        String rest = sql.substring(at + marker.length()).trim();
        return rest.split("[\\s(,]", 2)[0];
    }
}
