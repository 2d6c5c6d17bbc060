package io.github.threatprotection.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Brings the step to the state of a production server, which compiled it with C2 long ago, before anything is
 * measured. HotSpot does that only after thousands of calls of a method, which the warm-up of each concurrency
 * level does not reach: the step stayed at level 3 through a whole run, its mean 0.1–0.2 ms (10–20 %) higher than
 * at level 4. So: rounds of sign-ins at concurrency 8 in every realm until the step's methods run at level 4 on
 * every server, for at most option jit minutes.
 */
final class CompilerWarmUp {

    private final List<RunningServer> servers;

    CompilerWarmUp(List<RunningServer> servers) {
        this.servers = servers;
    }

    /** Warms up for at most this many minutes; returns the report's line about it. */
    String run(SignIns signIns, List<LoadRealm> realms, int batch, int minutes) throws Exception {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MINUTES.toNanos(minutes);
        int perRound = batch * LoadRealm.USERS;
        int rounds = 0;
        List<Map<String, Integer>> levels = levels();
        while (!allAtC2(levels) && System.nanoTime() < deadline) {
            signIns.interleave(realms, LoadRealm.USERS, perRound, null);
            rounds++;
            levels = levels();
        }
        return String.format(Locale.ROOT, "Compiler warm-up: %d rounds of %d sign-ins per realm at concurrency %d "
                + "(%s s); the step's compiled levels then: %s%s", rounds, perRound, LoadRealm.USERS,
                Report.seconds(started), describe(levels), allAtC2(levels) ? "" : " (**not all at level 4**)");
    }

    /** The step's compiled levels now, on this build's server and then on the second one. */
    String levelsNow() {
        return describe(levels());
    }

    private List<Map<String, Integer>> levels() {
        return servers.stream().map(server -> CompiledStep.levels(server.java())).toList();
    }

    private static boolean allAtC2(List<Map<String, Integer>> levels) {
        return levels.stream().allMatch(CompiledStep::atC2);
    }

    private static String describe(List<Map<String, Integer>> levels) {
        String text = CompiledStep.describe(levels.get(0));
        return levels.size() == 1 ? text : text + "; second server: " + CompiledStep.describe(levels.get(1));
    }
}
