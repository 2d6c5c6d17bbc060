package io.github.threatprotection.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's latency tables: per concurrency the realms' percentiles and throughput, each protected realm against
 * plain Keycloak, the baseline JAR's added cost against this build's; then the history-size curve.
 */
final class LatencyTables {

    private final Report report;
    /** Per realm and concurrency ({@link LoadRealm#key}). */
    private final Map<String, Samples> results;

    LatencyTables(Report report, Map<String, Samples> results) {
        this.report = report;
        this.results = results;
    }

    void write(List<Integer> concurrencies) {
        for (int concurrency : concurrencies) {
            realms(concurrency);
            againstPlainKeycloak(concurrency);
            beforeAfter(concurrency);
        }
        curve();
    }

    private void realms(int concurrency) {
        report.line("### Concurrency " + concurrency);
        report.line("");
        report.line("| realm | sign-ins | p50 ms | p95 ms | p99 ms | mean ms | sign-ins/s |");
        report.line("|---|---|---|---|---|---|---|");
        for (String name : List.of("A", "B", "C", "C-quiet", "A-main", "C-main")) {
            Samples s = get(name, concurrency);
            if (s == null) {
                continue;
            }
            report.line(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f |", name, s.count(),
                    s.percentileMillis(0.50), s.percentileMillis(0.95), s.percentileMillis(0.99), s.meanMillis(),
                    s.throughput()));
        }
        report.line("");
    }

    private void againstPlainKeycloak(int concurrency) {
        report.line("| ratio | p50 | p95 | p99 | mean | throughput | added p50 | added p50, 95 % interval"
                + " | added p99 |");
        report.line("|---|---|---|---|---|---|---|---|---|");
        for (String[] pair : new String[][] {{"B", "A"}, {"C", "A"}, {"C-quiet", "A"}, {"A-main", "A"},
            {"C-main", "A-main"}}) {
            Samples s = get(pair[0], concurrency);
            Samples a = get(pair[1], concurrency);
            if (s == null || a == null) {
                continue;
            }
            double[] interval = s.medianDifferenceInterval(a);
            report.line(String.format(Locale.ROOT, "| %s/%s | %.3f | %.3f | %.3f | %.3f | %.3f | %+.2f ms"
                            + " | %+.2f … %+.2f ms | %+.2f ms |",
                    pair[0], pair[1], s.ratio(a, 0.50), s.ratio(a, 0.95), s.ratio(a, 0.99),
                    s.meanMillis() / a.meanMillis(), s.throughput() / a.throughput(),
                    s.percentileMillis(0.50) - a.percentileMillis(0.50), interval[0], interval[1],
                    s.percentileMillis(0.99) - a.percentileMillis(0.99)));
        }
        report.line("");
    }

    /** The baseline JAR's added cost against the branch's, each against plain Keycloak on its own server. */
    private void beforeAfter(int concurrency) {
        if (get("C-main", concurrency) == null || get("A-main", concurrency) == null) {
            return;
        }
        String[][] rows = {{"before (baseline JAR): C-main vs A-main", "C-main", "A-main"},
            {"after (this build): C vs A", "C", "A"}};
        report.line("| added by realm C's protection | p50 | p50, 95 % interval | p95 | p99 | mean | throughput |");
        report.line("|---|---|---|---|---|---|---|");
        for (String[] row : rows) {
            Samples s = get(row[1], concurrency);
            Samples a = get(row[2], concurrency);
            double[] interval = s.medianDifferenceInterval(a);
            report.line(String.format(Locale.ROOT, "| %s | %+.2f ms (%+.1f %%) | %+.2f … %+.2f ms | %+.2f ms"
                            + " | %+.2f ms | %+.2f ms | %.3f |", row[0],
                    s.percentileMillis(0.50) - a.percentileMillis(0.50), 100 * (s.ratio(a, 0.50) - 1),
                    interval[0], interval[1], s.percentileMillis(0.95) - a.percentileMillis(0.95),
                    s.percentileMillis(0.99) - a.percentileMillis(0.99), s.meanMillis() - a.meanMillis(),
                    s.throughput() / a.throughput()));
        }
        report.line("");
    }

    private void curve() {
        Samples a = get("A", 1);
        if (a == null || get("C10", 1) == null) {
            return;
        }
        report.line("### Added latency as data grows (concurrency 1, same run as the table above)");
        report.line("");
        report.line("| realm | earlier events of the user | events in the realm | sign-ins | p50 ms | p95 ms | p99 ms"
                + " | added p50 vs A | added p99 vs A |");
        report.line("|---|---|---|---|---|---|---|---|---|");
        String[][] points = {{"C10", "10", "10"}, {"C", "1,000", "8,000"}, {"C100k", "100,000", "100,000"},
            {"C1M", "1,000", "1,000,000"}};
        for (String[] point : points) {
            Samples s = get(point[0], 1);
            report.line(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.2f | %.2f | %.2f | %+.2f ms (%+.1f %%)"
                            + " | %+.2f ms (%+.1f %%) |", point[0], point[1], point[2], s.count(),
                    s.percentileMillis(0.50), s.percentileMillis(0.95), s.percentileMillis(0.99),
                    s.percentileMillis(0.50) - a.percentileMillis(0.50), 100 * (s.ratio(a, 0.50) - 1),
                    s.percentileMillis(0.99) - a.percentileMillis(0.99), 100 * (s.ratio(a, 0.99) - 1)));
        }
        report.line("");
    }

    private Samples get(String realm, int concurrency) {
        return results.get(LoadRealm.key(realm, concurrency));
    }
}
