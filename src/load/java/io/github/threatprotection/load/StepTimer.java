package io.github.threatprotection.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The step's own time, from the extension's timer ({@code threat.protection.evaluation.duration}) in each server's
 * /metrics, read before and after the measured sign-ins: per realm and concurrency, the histogram of the measured
 * evaluations.
 */
final class StepTimer {

    private static final Pattern STEP_METRIC = Pattern.compile(
            "^threat_protection_evaluation_duration_seconds_(bucket|count|sum)\\{([^}]*)\\} (\\S+)");

    private final List<Double> bucketBounds = new ArrayList<>();
    /** Per realm and concurrency: count, sum (s), then the cumulative bucket counts in the order of bucketBounds. */
    private final Map<String, double[]> histograms = new LinkedHashMap<>();

    /** Each server's histograms by realm label, read one server after the other. */
    Map<RunningServer, Map<String, double[]>> read(List<RunningServer> servers)
            throws IOException, InterruptedException {
        Map<RunningServer, Map<String, double[]>> all = new LinkedHashMap<>();
        for (RunningServer server : servers) {
            all.put(server, read(server));
        }
        return all;
    }

    /**
     * Keeps what the realms' evaluations added between two {@link #read}s, for those realms the timer has seen.
     */
    void record(List<LoadRealm> realms, int concurrency, Map<RunningServer, Map<String, double[]>> before,
                Map<RunningServer, Map<String, double[]>> after) {
        for (LoadRealm realm : realms) {
            String label = "realm=\"" + realm.realm.name() + "\"";
            Map<String, double[]> ending = after.get(realm.server);
            if (ending.containsKey(label)) {
                double[] delta = ending.get(label).clone();
                double[] base = before.get(realm.server).getOrDefault(label, new double[delta.length]);
                for (int i = 0; i < delta.length; i++) {
                    delta[i] -= base[i];
                }
                histograms.put(LoadRealm.key(realm.name, concurrency), delta);
            }
        }
    }

    /** Per realm and concurrency: count, sum (s), then the cumulative bucket counts. */
    Map<String, double[]> histograms() {
        return histograms;
    }

    /** The smallest bucket bound (ms) below which at least this share of a histogram's step times fell. */
    double percentileMillis(double[] histogram, double p) {
        double count = histogram[0];
        for (int i = 2; i < histogram.length; i++) {
            if (histogram[i] >= p * count) {
                return bucketBounds.get(i - 2) * 1000;
            }
        }
        return Double.NaN;
    }

    private Map<String, double[]> read(RunningServer from) throws IOException, InterruptedException {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(from.keycloak().managementUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, List<Double>> byRealm = new LinkedHashMap<>();
        List<Double> bounds = new ArrayList<>();
        for (String metricLine : metrics.body().split("\n")) {
            Matcher matcher = STEP_METRIC.matcher(metricLine);
            if (!matcher.find()) {
                continue;
            }
            String realm = null;
            Double le = null;
            for (String label : matcher.group(2).split(",")) {
                if (label.startsWith("realm=")) {
                    realm = label;
                } else if (label.startsWith("le=")) {
                    String bound = label.substring(4, label.length() - 1);
                    le = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                }
            }
            List<Double> values = byRealm.computeIfAbsent(realm, key -> new ArrayList<>(List.of(0.0, 0.0)));
            double value = Double.parseDouble(matcher.group(3));
            switch (matcher.group(1)) {
                case "count" -> values.set(0, value);
                case "sum" -> values.set(1, value);
                default -> {
                    values.add(value);
                    if (byRealm.size() == 1) {
                        bounds.add(le);
                    }
                }
            }
        }
        if (bucketBounds.isEmpty()) {
            bucketBounds.addAll(bounds);
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        byRealm.forEach((realm, values) -> result.put(realm,
                values.stream().mapToDouble(Double::doubleValue).toArray()));
        return result;
    }
}
