package io.github.threatprotection.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The test server's Prometheus samples, read from its management interface. */
public final class Metrics {

    private Metrics() {
    }

    /** The sum of the samples of {@code name} for the realm whose labels contain {@code label} (e.g. {@code result="solved"}). */
    public static double realmSum(KeycloakServer server, String realm, String name, String label)
            throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        double sum = 0;
        while (line.find()) {
            if (line.group(1).contains(label) && line.group(1).contains("realm=\"" + realm + "\"")) {
                sum += Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }
}
