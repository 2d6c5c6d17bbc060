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
        return score(scoring, now, facts(now, context));
    }

    /**
     * What the score of this sign-in is computed from, whatever the settings: kept with the event, so that a draft
     * of the settings can be tried on it later.
     */
    public static SignInFacts facts(SignInObservation now, Context context) {
        List<SignInObservation> trusted = context.history().stream().filter(past -> !past.disowned()).toList();
        // A device seen in a disowned sign-in stays unknown, however often it signed in before.
        boolean disownedDevice = now.deviceId() != null && context.history().stream()
                .anyMatch(past -> past.disowned() && now.deviceId().equals(past.deviceId()));
        boolean knownDevice = !disownedDevice && now.deviceId() != null
                && trusted.stream().anyMatch(past -> now.deviceId().equals(past.deviceId()));
        boolean history = !trusted.isEmpty();
        Set<String> knownNetworks = trusted.stream().map(SignInObservation::network).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        SignInFacts.Travel travel = null;
        if (history && now.hasPosition() && trusted.get(0).hasPosition()) {
            SignInObservation previous = trusted.get(0);
            travel = travel(previous.latitude(), previous.longitude(), previous.accuracyRadiusKm(), previous.time(),
                    now.latitude(), now.longitude(), now.accuracyRadiusKm(), now.time(), "the previous sign-in ("
                            + (previous.country() == null ? "unknown country" : previous.country()) + ")");
        }
        return new SignInFacts(history, !knownDevice, disownedDevice,
                history && isNew(now.ipAddress(), trusted, SignInObservation::ipAddress),
                history && isNew(now.network(), trusted, SignInObservation::network),
                history && isNew(now.country(), trusted, SignInObservation::country),
                history && isNew(now.asn(), trusted, SignInObservation::asn),
                travel, context.onReputationList() ? context.reputationDetail() : null,
                context.userFailures(), fromKnownNetworks(context, knownNetworks), context.recentNetworkUsers(),
                context.recentNetworkFailures(), knownNetworks.contains(now.network()), context.userAtRisk());
    }

    /**
     * The score of a sign-in under {@code scoring}, from its facts.
     *
     * @param now the sign-in itself, for the reasons' details (address, network, country, ASN)
     */
    public Score score(RiskScoring scoring, SignInObservation now, SignInFacts facts) {
        List<RiskReason> reasons = new ArrayList<>();
        if (facts.history()) {
            if (facts.disownedDevice()) {
                add(scoring, reasons, RiskSignal.NEW_DEVICE, "this browser signed in as this user in a sign-in"
                        + " the user or an admin disowned");
            } else if (facts.newDevice()) {
                add(scoring, reasons, RiskSignal.NEW_DEVICE, "this browser has not signed in as this user before");
            }
            if (facts.newIp()) {
                add(scoring, reasons, RiskSignal.NEW_IP, "first successful sign-in from " + now.ipAddress());
            }
            if (facts.newNetwork()) {
                add(scoring, reasons, RiskSignal.NEW_NETWORK, "first successful sign-in from network "
                        + now.network());
            }
            if (facts.newCountry()) {
                add(scoring, reasons, RiskSignal.NEW_COUNTRY, "first successful sign-in from country "
                        + now.country());
            }
            if (facts.newAsn()) {
                add(scoring, reasons, RiskSignal.NEW_ASN, "first successful sign-in from autonomous system AS"
                        + now.asn());
            }
            String travel = facts.travel() == null ? null : travelDetail(scoring, facts.travel());
            if (travel != null) {
                add(scoring, reasons, RiskSignal.IMPOSSIBLE_TRAVEL, travel);
            }
        }
        if (facts.reputation() != null) {
            add(scoring, reasons, RiskSignal.IP_REPUTATION, facts.reputation());
        }
        // Counts that reached the read's limit are lower bounds.
        int userFailures = facts.userFailures();
        boolean userVelocity = userFailures >= scoring.userFailures();
        if (userVelocity) {
            add(scoring, reasons, RiskSignal.FAILED_LOGIN_VELOCITY, atLeast(userFailures, scoring) + userFailures
                    + " failed sign-ins of this user in the last " + minutes(scoring.velocityWindow()));
        }
        boolean networkVelocity = facts.networkUsers() >= scoring.networkUsers();
        if (networkVelocity) {
            add(scoring, reasons, RiskSignal.NETWORK_VELOCITY,
                    atLeast(facts.networkFailures(), scoring) + facts.networkUsers()
                    + " usernames failed to sign in from " + now.network() + " in the last "
                    + minutes(scoring.velocityWindow()));
        }
        if (facts.userAtRisk() != null) {
            add(scoring, reasons, RiskSignal.USER_AT_RISK, facts.userAtRisk());
        }
        int total = reasons.stream().mapToInt(RiskReason::score).sum();
        RiskLevel level = scoring.levelOf(total);
        if (level == RiskLevel.HIGH && facts.knownDevice()) {
            // Anyone can make failed sign-ins in a user's name, or from a network; a browser this user signed in
            // with before is evidence only the user has. Failures from networks the user never signed in from
            // must not, alone, push such a sign-in to the level that blocks (or asks a factor the user may lack).
            int attackerMade = 0;
            if (userVelocity && facts.userFailuresFromKnownNetworks() < scoring.userFailures()) {
                attackerMade += scoring.scoreOf(RiskSignal.FAILED_LOGIN_VELOCITY);
            }
            if (networkVelocity && !facts.knownNetwork()) {
                attackerMade += scoring.scoreOf(RiskSignal.NETWORK_VELOCITY);
            }
            if (attackerMade > 0 && scoring.levelOf(total - attackerMade) != RiskLevel.HIGH) {
                level = RiskLevel.MEDIUM;
                reasons.add(new RiskReason(RiskSignal.KNOWN_DEVICE_LIMIT, 0, "held at MEDIUM: this browser signed in as"
                        + " this user before, and only failed sign-ins from networks the user never signed in from"
                        + " made this sign-in HIGH"));
            }
        }
        return new Score(level, total, reasons, facts.knownDevice());
    }

    private static int fromKnownNetworks(Context context, Set<String> knownNetworks) {
        return context.recentUserFailures().entrySet().stream()
                .filter(failures -> failures.getKey() != null && knownNetworks.contains(failures.getKey()))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    /** A known value not among the trusted history's values; an unknown one (no geolocation) is not new. */
    private static <T> boolean isNew(T value, List<SignInObservation> trusted, Function<SignInObservation, T> field) {
        return value != null && trusted.stream().map(field).noneMatch(past -> Objects.equals(past, value));
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
        return travelDetail(scoring, travel(fromLatitude, fromLongitude, fromRadiusKm, fromTime, toLatitude,
                toLongitude, toRadiusKm, toTime, from));
    }

    /** The journey between two places; both accuracy radii (null: exact) are given the benefit of doubt. */
    static SignInFacts.Travel travel(double fromLatitude, double fromLongitude, Integer fromRadiusKm,
                                     Instant fromTime, double toLatitude, double toLongitude, Integer toRadiusKm,
                                     Instant toTime, String from) {
        double distance = GeoLocator.distanceKm(fromLatitude, fromLongitude, toLatitude, toLongitude);
        double uncertain = (fromRadiusKm == null ? 0 : fromRadiusKm) + (toRadiusKm == null ? 0 : toRadiusKm);
        double travelled = Math.max(0, distance - uncertain);
        long millis = Duration.between(fromTime, toTime).toMillis();
        double hours = Math.max(millis, 1000) / 3_600_000.0;
        return new SignInFacts.Travel(distance, travelled / hours, millis, from);
    }

    /** The IMPOSSIBLE_TRAVEL detail when the journey was faster than {@code impossibleTravelKmh}, else null. */
    static String travelDetail(RiskScoring scoring, SignInFacts.Travel travel) {
        if (travel.speedKmh() <= scoring.impossibleTravelKmh()) {
            return null;
        }
        return String.format(Locale.ROOT, "%.0f km from %s in %s: %.0f km/h, more than %.0f km/h",
                travel.distanceKm(), travel.from(), Duration.ofMillis(travel.millis()).truncatedTo(ChronoUnit.SECONDS)
                        .toString().substring(2).toLowerCase(Locale.ROOT),
                travel.speedKmh(), scoring.impossibleTravelKmh());
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
