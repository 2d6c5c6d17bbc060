package io.github.threatprotection.risk;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How signals add up to a level: each signal's score (0 switches it off), the sums at which a sign-in becomes
 * {@code MEDIUM} and {@code HIGH}, and the limits behind the travel and velocity signals.
 *
 * @param impossibleTravelKmh speed above which travel from the previous sign-in is impossible
 * @param userFailures        failed sign-ins of the user within the window that raise FAILED_LOGIN_VELOCITY
 * @param networkUsers        distinct usernames failing from one network within the window that raise
 *                            NETWORK_VELOCITY
 */
public record RiskScoring(Map<RiskSignal, Integer> scores, int mediumAt, int highAt, double impossibleTravelKmh,
                          int userFailures, int networkUsers, Duration velocityWindow) {

    /**
     * A new device and a new country together make a sign-in MEDIUM; impossible travel alone makes it HIGH; a
     * single novelty (new address) stays LOW.
     */
    public static final RiskScoring DEFAULTS = new RiskScoring(defaultScores(), 30, 70, 900, 5, 10,
            Duration.ofMinutes(15));

    /**
     * The longest velocity window a realm may set: failed sign-ins older than this count for no signal, so they
     * need not be kept.
     */
    public static final Duration MAX_VELOCITY_WINDOW = Duration.ofDays(1);

    private static final int FAILURES_READ = 1_000;

    public RiskScoring {
        scores = Map.copyOf(scores);
    }

    /**
     * How many of the user's and of the network's latest failures in the window a sign-in reads at most, so that
     * an attack's own failures cannot make every sign-in's read grow with them; never fewer than a threshold,
     * so each threshold stays reachable.
     */
    public int failuresToRead() {
        return Math.max(FAILURES_READ, Math.max(userFailures, networkUsers));
    }

    /** The same scoring with one signal switched off. */
    public RiskScoring without(RiskSignal signal) {
        Map<RiskSignal, Integer> fewer = new EnumMap<>(RiskSignal.class);
        fewer.putAll(scores);
        fewer.put(signal, 0);
        return new RiskScoring(fewer, mediumAt, highAt, impossibleTravelKmh, userFailures, networkUsers,
                velocityWindow);
    }

    public int scoreOf(RiskSignal signal) {
        return scores.getOrDefault(signal, 0);
    }

    public RiskLevel levelOf(int total) {
        if (total >= highAt) {
            return RiskLevel.HIGH;
        }
        return total >= mediumAt ? RiskLevel.MEDIUM : RiskLevel.LOW;
    }

    private static Map<RiskSignal, Integer> defaultScores() {
        Map<RiskSignal, Integer> scores = new EnumMap<>(RiskSignal.class);
        RiskSignal.SCORED.forEach(signal -> scores.put(signal, signal.defaultScore()));
        return scores;
    }
}
