package io.github.threatprotection.load;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the realms one concurrency after the other: a warm-up of that concurrency's own, then the measured
 * sign-ins, with every sign-in's latency, each batch's CPU (through {@link SignIns}) and the step's own time.
 */
final class Measurement {

    private final SignIns signIns;
    private final StepTimer stepTimer;
    private final List<RunningServer> servers;
    private final int warmUp;
    private final int measured;
    /** Per realm and concurrency ({@link LoadRealm#key}): the latencies. */
    private final Map<String, Samples> results = new LinkedHashMap<>();
    /** Per concurrency: the machine's load average before and after, and how long it took. */
    private final Map<String, String> loads = new LinkedHashMap<>();

    Measurement(SignIns signIns, StepTimer stepTimer, List<RunningServer> servers, int warmUp, int measured) {
        this.signIns = signIns;
        this.stepTimer = stepTimer;
        this.servers = servers;
        this.warmUp = warmUp;
        this.measured = measured;
    }

    /** Measures the realms at one concurrency; the history-size curve's only at 1, to keep the run short. */
    void run(Collection<LoadRealm> realms, int concurrency) throws Exception {
        List<LoadRealm> included = realms.stream()
                .filter(realm -> concurrency == 1 || !realm.curvePoint()).toList();
        String before = Report.loadAverage();
        long started = System.nanoTime();
        signIns.interleave(included, concurrency, warmUp, null);
        Map<String, Samples> samples = new LinkedHashMap<>();
        for (LoadRealm realm : included) {
            samples.put(realm.name, new Samples());
        }
        Map<RunningServer, Map<String, double[]>> stepBefore = stepTimer.read(servers);
        signIns.interleave(included, concurrency, measured, samples);
        stepTimer.record(included, concurrency, stepBefore, stepTimer.read(servers));
        loads.put("concurrency " + concurrency, before + " → " + Report.loadAverage() + " ("
                + Report.seconds(started) + " s)");
        samples.forEach((name, s) -> results.put(LoadRealm.key(name, concurrency), s));
    }

    Map<String, Samples> results() {
        return results;
    }

    /** Per concurrency measured: the load average before → after and the seconds it took. */
    Map<String, String> loads() {
        return loads;
    }
}
