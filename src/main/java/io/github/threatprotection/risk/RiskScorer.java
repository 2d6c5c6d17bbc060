package io.github.threatprotection.risk;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.threatprotection.geo.GeoLocator;

/**
 * Adds up the signals of one sign-in into a level, with a readable reason per signal. Novelty signals compare
 * with the user's earlier successful sign-ins that nobody disowned; a user with no such history gets none, so
 * a brand-new account does not start at high risk.
 */
public final class RiskScorer {

    /** Reason code of a HIGH level held at MEDIUM because only attacker-made failures raised it. */

    /**
     * What the scorer needs besides the sign-in itself.
     *
     * @param history                   the user's earlier sign-ins, newest first (travel is measured from the
     *                                  first trusted one)
     * @param recentUserFailures        the user's failed sign-ins in the window by the network they came from
     *                                  (in the form the history's networks take; null key: no address)
     * @param recentNetworkFailures     how many of the network's failures the usernames were counted in
     * @param userAtRisk                why the user's remembered risk is AT_RISK, or null when it is not
     */
    public record Context(List<SignInObservation> history, boolean onReputationList, String reputationDetail,
                          Map<String, Integer> recentUserFailures, int recentNetworkUsers,
                          int recentNetworkFailures, String userAtRisk) {

        public Context {
            recentUserFailures = Collections.unmodifiableMap(new HashMap<>(recentUserFailures));
        }

        /** A user whose remembered risk is not AT_RISK. */
        public Context(List<SignInObservation> history, boolean onReputationList, String reputationDetail,
                       Map<String, Integer> recentUserFailures, int recentNetworkUsers, int recentNetworkFailures) {
            this(history, onReputationList, reputationDetail, recentUserFailures, recentNetworkUsers,
                    recentNetworkFailures, null);
        }

        int userFailures() {
            return recentUserFailures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * @param knownDevice the browser brought a device cookie of this user seen in a trusted earlier sign-in
     */
    public record Score(RiskLevel level, int total, List<RiskReason> reasons, boolean knownDevice) {
    }

    public Score score(RiskScoring scoring, SignInObservation now, Context context) {
        List<RiskReason> reasons = new ArrayList<>();
        List<SignInObservation> trusted = context.history().stream().filter(past -> !past.disowned()).toList();
        // A device seen in a disowned sign-in stays unknown, however often it signed in before.
        boolean disownedDevice = now.deviceId() != null && context.history().stream()
                .anyMatch(past -> past.disowned() && now.deviceId().equals(past.deviceId()));
        boolean knownDevice = !disownedDevice && now.deviceId() != null
                && trusted.stream().anyMatch(past -> now.deviceId().equals(past.deviceId()));
        if (!trusted.isEmpty()) {
            if (disownedDevice) {
                add(scoring, reasons, RiskSignal.NEW_DEVICE, "this browser signed in as this user in a sign-in"
                        + " the user or an admin disowned");
            } else {
                novelty(scoring, reasons, RiskSignal.NEW_DEVICE, now.deviceId(), trusted,
                        SignInObservation::deviceId, "this browser has not signed in as this user before", true);
            }
            novelty(scoring, reasons, RiskSignal.NEW_IP, now.ipAddress(), trusted, SignInObservation::ipAddress,
                    "first successful sign-in from " + now.ipAddress(), false);
            novelty(scoring, reasons, RiskSignal.NEW_NETWORK, now.network(), trusted, SignInObservation::network,
                    "first successful sign-in from network " + now.network(), false);
            novelty(scoring, reasons, RiskSignal.NEW_COUNTRY, now.country(), trusted, SignInObservation::country,
                    "first successful sign-in from country " + now.country(), false);
            novelty(scoring, reasons, RiskSignal.NEW_ASN, now.asn(), trusted, SignInObservation::asn,
                    "first successful sign-in from autonomous system AS" + now.asn(), false);
            impossibleTravel(scoring, reasons, now, trusted.get(0));
        }
        if (context.onReputationList()) {
            add(scoring, reasons, RiskSignal.IP_REPUTATION, context.reputationDetail());
        }
        // Counts that reached the read's limit are lower bounds.
        int userFailures = context.userFailures();
        boolean userVelocity = userFailures >= scoring.userFailures();
        if (userVelocity) {
            add(scoring, reasons, RiskSignal.FAILED_LOGIN_VELOCITY, atLeast(userFailures, scoring) + userFailures
                    + " failed sign-ins of this user in the last " + minutes(scoring.velocityWindow()));
        }
        boolean networkVelocity = context.recentNetworkUsers() >= scoring.networkUsers();
        if (networkVelocity) {
            add(scoring, reasons, RiskSignal.NETWORK_VELOCITY,
                    atLeast(context.recentNetworkFailures(), scoring) + context.recentNetworkUsers()
                    + " usernames failed to sign in from " + now.network() + " in the last "
                    + minutes(scoring.velocityWindow()));
        }
        if (context.userAtRisk() != null) {
            add(scoring, reasons, RiskSignal.USER_AT_RISK, context.userAtRisk());
        }
        int total = reasons.stream().mapToInt(RiskReason::score).sum();
        RiskLevel level = scoring.levelOf(total);
        if (level == RiskLevel.HIGH && knownDevice) {
            // Anyone can make failed sign-ins in a user's name, or from a network; a browser this user signed in
            // with before is evidence only the user has. Failures from networks the user never signed in from
            // must not, alone, push such a sign-in to the level that blocks (or asks a factor the user may lack).
            Set<String> knownNetworks = trusted.stream().map(SignInObservation::network).filter(Objects::nonNull)
                    .collect(Collectors.toSet());
            int attackerMade = 0;
            if (userVelocity && fromKnownNetworks(context, knownNetworks) < scoring.userFailures()) {
                attackerMade += scoring.scoreOf(RiskSignal.FAILED_LOGIN_VELOCITY);
            }
            if (networkVelocity && !knownNetworks.contains(now.network())) {
                attackerMade += scoring.scoreOf(RiskSignal.NETWORK_VELOCITY);
            }
            if (attackerMade > 0 && scoring.levelOf(total - attackerMade) != RiskLevel.HIGH) {
                level = RiskLevel.MEDIUM;
                reasons.add(new RiskReason(RiskSignal.KNOWN_DEVICE_LIMIT, 0, "held at MEDIUM: this browser signed in as"
                        + " this user before, and only failed sign-ins from networks the user never signed in from"
                        + " made this sign-in HIGH"));
            }
        }
        return new Score(level, total, reasons, knownDevice);
    }

    private static int fromKnownNetworks(Context context, Set<String> knownNetworks) {
        return context.recentUserFailures().entrySet().stream()
                .filter(failures -> failures.getKey() != null && knownNetworks.contains(failures.getKey()))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    /**
     * Fires when the value is not among the trusted history's values. An unknown value (no geolocation) fires
     * nothing, except for devices, where "no valid cookie" is exactly what a new device looks like.
     */
    private static <T> void novelty(RiskScoring scoring, List<RiskReason> reasons, RiskSignal signal, T value,
                                    List<SignInObservation> trusted, Function<SignInObservation, T> field,
                                    String detail, boolean unknownIsNew) {
        if (value == null) {
            if (unknownIsNew) {
                add(scoring, reasons, signal, detail);
            }
            return;
        }
        boolean seen = trusted.stream().map(field).anyMatch(past -> Objects.equals(past, value));
        if (!seen) {
            add(scoring, reasons, signal, detail);
        }
    }

    /** Compares with the latest trusted sign-in; both locations' accuracy radii are given the benefit of doubt. */
    private static void impossibleTravel(RiskScoring scoring, List<RiskReason> reasons, SignInObservation now,
                                         SignInObservation previous) {
        if (!now.hasPosition() || !previous.hasPosition()) {
            return;
        }
        String detail = travelDetail(scoring, previous.latitude(), previous.longitude(), previous.accuracyRadiusKm(),
                previous.time(), now.latitude(), now.longitude(), now.accuracyRadiusKm(), now.time(),
                "the previous sign-in (" + (previous.country() == null ? "unknown country" : previous.country()) + ")");
        if (detail != null) {
            add(scoring, reasons, RiskSignal.IMPOSSIBLE_TRAVEL, detail);
        }
    }

    /**
     * The IMPOSSIBLE_TRAVEL detail when going from one place to the other in the time between was faster than
     * {@code impossibleTravelKmh}, else null. Both accuracy radii (null: exact) are given the benefit of doubt.
     *
     * @param from what the first place was, as the detail names it
     */
    static String travelDetail(RiskScoring scoring, double fromLatitude, double fromLongitude, Integer fromRadiusKm,
                               Instant fromTime, double toLatitude, double toLongitude, Integer toRadiusKm,
                               Instant toTime, String from) {
        double distance = GeoLocator.distanceKm(fromLatitude, fromLongitude, toLatitude, toLongitude);
        double uncertain = (fromRadiusKm == null ? 0 : fromRadiusKm) + (toRadiusKm == null ? 0 : toRadiusKm);
        double travelled = Math.max(0, distance - uncertain);
        double hours = Math.max(Duration.between(fromTime, toTime).toMillis(), 1000) / 3_600_000.0;
        double speed = travelled / hours;
        if (speed <= scoring.impossibleTravelKmh()) {
            return null;
        }
        return String.format(Locale.ROOT, "%.0f km from %s in %s: %.0f km/h, more than %.0f km/h", distance, from,
                Duration.between(fromTime, toTime).truncatedTo(ChronoUnit.SECONDS).toString().substring(2)
                        .toLowerCase(Locale.ROOT),
                speed, scoring.impossibleTravelKmh());
    }

    private static void add(RiskScoring scoring, List<RiskReason> reasons, RiskSignal signal, String detail) {
        int score = scoring.scoreOf(signal);
        if (score > 0) {
            reasons.add(new RiskReason(signal.name(), score, detail));
        }
    }

    private static String atLeast(int failuresRead, RiskScoring scoring) {
        return failuresRead >= scoring.failuresToRead() ? "at least " : "";
    }

    private static String minutes(Duration window) {
        return window.toMinutes() + " minutes";
    }
}
