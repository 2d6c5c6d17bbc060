package io.github.threatprotection.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far HotSpot's JIT has compiled the threat-protection step in a running Keycloak, read with
 * {@code jcmd <pid> Compiler.codelist}. A method called once per sign-in runs as C1 code with full profiling
 * (level 3) until some thousands of calls, and only then as C2 code (level 4), the state of a server that has
 * been signing users in for a while. Measuring before that charges the step with the warm-up.
 */
final class CompiledStep {

    /** The step's methods that HotSpot compiles on their own (what they call is inlined into them at level 4). */
    static final List<String> METHODS = List.of(
            "io.github.threatprotection.signin.ThreatProtectionAuthenticator.authenticate(",
            "io.github.threatprotection.signin.SignInSignals.score(",
            "io.github.threatprotection.decision.SignInRiskEvaluator.evaluate(",
            "io.github.threatprotection.risk.RiskScorer.score(");
    private static final int C2 = 4;
    /** nmethod state "in use" in Compiler.codelist's third column; not-entrant code is on its way out. */
    private static final String IN_USE = "0";

    private CompiledStep() {
    }

    /** The highest level at which each of {@link #METHODS} has compiled code in use (0: interpreted only). */
    static Map<String, Integer> levels(long pid) {
        Map<String, Integer> levels = new LinkedHashMap<>();
        METHODS.forEach(method -> levels.put(method, 0));
        for (String line : codeList(pid).split("\n")) {
            // "<compile id> <level> <state> <class.method(signature)> [addresses]"
            String[] fields = line.strip().split(" ", 4);
            if (fields.length < 4 || !IN_USE.equals(fields[2])) {
                continue;
            }
            for (String method : METHODS) {
                if (fields[3].startsWith(method)) {
                    levels.merge(method, Integer.parseInt(fields[1]), Math::max);
                }
            }
        }
        return levels;
    }

    static boolean atC2(Map<String, Integer> levels) {
        return levels.values().stream().allMatch(level -> level == C2);
    }

    /** For the report: {@code authenticate 4, score 3, …}. */
    static String describe(Map<String, Integer> levels) {
        StringBuilder text = new StringBuilder();
        levels.forEach((method, level) -> {
            String name = method.substring(0, method.length() - 1);
            text.append(text.length() == 0 ? "" : ", ")
                    .append(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1))
                    .append(' ').append(level);
        });
        return text.toString();
    }

    private static String codeList(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Compiler.codelist")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("jcmd " + pid + " Compiler.codelist failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
