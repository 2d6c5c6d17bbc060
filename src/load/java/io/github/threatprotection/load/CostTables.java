package io.github.threatprotection.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's tables of what a sign-in costs inside the servers: the time inside the threat-protection step, CPU
 * per sign-in and where it went, and SQL statements per sign-in.
 */
final class CostTables {

    private final Report report;

    CostTables(Report report) {
        this.report = report;
    }

    void step(StepTimer timer) {
        if (timer.histograms().isEmpty()) {
            return;
        }
        report.line("### Time inside the threat-protection step (the extension's timer in /metrics, measured"
                + " sign-ins)");
        report.line("");
        report.line("| realm @ concurrency | evaluations | mean ms | p50 ≤ ms | p99 ≤ ms |");
        report.line("|---|---|---|---|---|");
        timer.histograms().forEach((name, histogram) -> report.line(String.format(Locale.ROOT,
                "| %s | %.0f | %.3f | %.3f | %.3f |", name, histogram[0],
                histogram[0] == 0 ? 0 : 1000 * histogram[1] / histogram[0],
                timer.percentileMillis(histogram, 0.50), timer.percentileMillis(histogram, 0.99))));
        report.line("");
    }

    void cpu(CpuAccounting cpu, List<Integer> concurrencies) {
        report.line("### CPU per sign-in (ms, as Linux accounted it to each process over the measured batches)");
        report.line("");
        List<String> columns = cpu.columns();
        report.line("| realm @ concurrency | " + String.join(" | ", columns) + " | all |");
        report.line("|---" + "|---".repeat(columns.size() + 1) + "|");
        cpu.totals().forEach((key, total) -> {
            StringBuilder row = new StringBuilder("| " + key);
            double all = 0;
            for (int i = 1; i <= columns.size(); i++) {
                row.append(String.format(Locale.ROOT, " | %.2f", total[i] / total[0]));
                all += CpuAccounting.partOfKeycloak(i) ? 0 : total[i] / total[0];
            }
            report.line(row + String.format(Locale.ROOT, " | %.2f |", all));
        });
        report.line("");
        report.line("| added per sign-in | Keycloak | of which its notification thread | of which GC | of which JIT"
                + " | PostgreSQL | driver: rest | all |");
        report.line("|---|---|---|---|---|---|---|---|");
        for (int concurrency : concurrencies) {
            for (String[] pair : new String[][] {{"B", "A"}, {"C-quiet", "A"}, {"C", "A"}, {"C-main", "A-main"}}) {
                double[] s = cpu.totals().get(LoadRealm.key(pair[0], concurrency));
                double[] a = cpu.totals().get(LoadRealm.key(pair[1], concurrency));
                if (s == null || a == null) {
                    continue;
                }
                double[] added = new double[columns.size() + 1];
                for (int i = 1; i <= columns.size(); i++) {
                    added[i] = s[i] / s[0] - a[i] / a[0];
                    added[0] += CpuAccounting.partOfKeycloak(i) ? 0 : added[i];
                }
                report.line(String.format(Locale.ROOT, "| %s vs %s@%d | %+.2f ms (%+.1f %%) | %+.2f ms | %+.2f ms"
                                + " | %+.2f ms | %+.2f ms | %+.2f ms | %+.2f ms |", pair[0], pair[1], concurrency,
                        added[1], 100 * added[1] / (a[1] / a[0]), added[2], added[3], added[4], added[5], added[7],
                        added[0]));
            }
        }
        report.line("");
    }

    /** Statements by realm, then by "kind table": statements and database ms per sign-in. */
    void statements(Map<String, Map<String, double[]>> statements, int signIns) {
        report.line("### SQL statements per sign-in (PostgreSQL statement log, the server's own connections, "
                + signIns + " sign-ins per realm, one thread, notifications included)");
        report.line("");
        List<String> keys = new ArrayList<>();
        statements.values().forEach(map -> map.keySet().forEach(key -> {
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }));
        keys.sort(null);
        List<String> names = new ArrayList<>(statements.keySet());
        report.line("Each cell: statements per sign-in / database milliseconds per sign-in.");
        report.line("");
        report.line("| statement | " + String.join(" | ", names) + " |");
        report.line("|---" + "|---".repeat(names.size()) + "|");
        double[] totals = new double[names.size()];
        double[] totalMillis = new double[names.size()];
        double[] writes = new double[names.size()];
        for (String key : keys) {
            StringBuilder row = new StringBuilder("| " + key);
            int column = 0;
            for (String name : names) {
                double[] value = statements.get(name).getOrDefault(key, new double[2]);
                totals[column] += value[0];
                totalMillis[column] += value[1];
                if (key.startsWith("insert") || key.startsWith("update") || key.startsWith("delete")) {
                    writes[column] += value[0];
                }
                column++;
                row.append(String.format(Locale.ROOT, " | %.2f / %.3f", value[0], value[1]));
            }
            report.line(row + " |");
        }
        StringBuilder all = new StringBuilder("| **all statements**");
        StringBuilder written = new StringBuilder("| **insert + update + delete**");
        for (int i = 0; i < names.size(); i++) {
            all.append(String.format(Locale.ROOT, " | %.2f / %.3f", totals[i], totalMillis[i]));
            written.append(String.format(Locale.ROOT, " | %.2f", writes[i]));
        }
        report.line(all + " |");
        report.line(written + " |");
        report.line("");
    }
}
