package io.github.threatprotection.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.network.ClientAddress;

class RiskScorerTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    private final RiskScorer scorer = new RiskScorer();

    private static SignInObservation at(Instant time, String ip, String country, Long asn, Double lat, Double lon,
                                        String device) {
        return new SignInObservation(time, ip, ClientAddress.of(ip).network(), country, asn, lat, lon, 20, device,
                false);
    }

    private static SignInObservation london(Instant time, String device) {
        return at(time, "81.2.69.142", "GB", 20712L, 51.5142, -0.0931, device);
    }

    private static RiskScorer.Context history(SignInObservation... past) {
        return new RiskScorer.Context(List.of(past), false, null, Map.of(), 0, 0);
    }

    private static Set<String> signals(RiskScorer.Score score) {
        return score.reasons().stream().map(RiskReason::signal).collect(Collectors.toSet());
    }

    @Test
    void aUserAtRiskGetsUserAtRiskOnEverySignInEvenTheFirstOrOneFromTheUsualBrowser() {
        RiskScorer.Context atRisk = new RiskScorer.Context(List.of(london(T0, "d1")), false, null, Map.of(), 0, 0,
                "a HIGH sign-in got through");
        RiskScorer.Score usual = scorer.score(RiskScoring.DEFAULTS, london(T0.plusSeconds(3600), "d1"), atRisk);
        assertEquals(Set.of("USER_AT_RISK"), signals(usual));
        assertEquals(40, usual.total(), "the default score");
        assertEquals(RiskLevel.MEDIUM, usual.level());

        RiskScorer.Score first = scorer.score(RiskScoring.DEFAULTS, london(T0, null), new RiskScorer.Context(
                List.of(), false, null, Map.of(), 0, 0, "a HIGH sign-in got through"));
        assertEquals(Set.of("USER_AT_RISK"), signals(first), "no history, and still at risk");

        RiskScorer.Score off = scorer.score(RiskScoring.DEFAULTS.without(RiskSignal.USER_AT_RISK),
                london(T0.plusSeconds(3600), "d1"), atRisk);
        assertTrue(off.reasons().isEmpty(), "a score of 0 switches it off");
    }

    @Test
    void aFirstSignInHasNoNoveltyToSpeakOf() {
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, london(T0, null), history());
        assertEquals(RiskLevel.LOW, score.level());
        assertTrue(score.reasons().isEmpty());
    }

    @Test
    void theSameDeviceAndAddressAgainIsLowWithNoReasons() {
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, london(T0.plusSeconds(3600), "d1"),
                history(london(T0, "d1")));
        assertEquals(RiskLevel.LOW, score.level());
        assertTrue(score.reasons().isEmpty(), score.reasons().toString());
    }

    @Test
    void aNewDeviceInANewCountryIsAtLeastMedium() {
        SignInObservation stockholm = at(T0.plusSeconds(48 * 3600), "89.160.20.113", "SE", 29518L, 58.4167,
                15.6167, null);
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, stockholm, history(london(T0, "d1")));
        assertTrue(score.level().compareTo(RiskLevel.MEDIUM) >= 0, score.toString());
        assertTrue(signals(score).containsAll(Set.of("NEW_DEVICE", "NEW_COUNTRY", "NEW_IP", "NEW_NETWORK")));
        assertTrue(!signals(score).contains("IMPOSSIBLE_TRAVEL"), "two days is time enough for 1,400 km");
    }

    @Test
    void eightThousandKilometresInAMinuteIsImpossibleTravelAndHigh() {
        SignInObservation changchun = at(T0.plusSeconds(60), "175.16.199.1", "CN", 4837L, 43.88, 125.3228, "d1");
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, changchun, history(london(T0, "d1")));
        assertEquals(RiskLevel.HIGH, score.level());
        RiskReason travel = score.reasons().stream().filter(r -> r.signal().equals("IMPOSSIBLE_TRAVEL"))
                .findFirst().orElseThrow();
        assertTrue(travel.detail().matches("(?s).*\\d{4} km from the previous sign-in.*"), travel.detail());
    }

    @Test
    void nearbyPlacesWithinTheAccuracyRadiiAreNotTravel() {
        SignInObservation nearby = at(T0.plusSeconds(60), "81.2.70.1", "GB", 20712L, 51.60, -0.10, "d1");
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, nearby, history(london(T0, "d1")));
        assertTrue(!signals(score).contains("IMPOSSIBLE_TRAVEL"), score.toString());
    }

    @Test
    void aDisownedSignInDoesNotMakeItsPlaceKnown() {
        SignInObservation disowned = new SignInObservation(T0, "203.0.113.9", "203.0.113.0/24", "US", 64500L, null,
                null, null, "evil", true);
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS,
                at(T0.plusSeconds(7200), "203.0.113.9", "US", 64500L, null, null, "evil"),
                history(disowned, london(T0.minusSeconds(3600), "d1")));
        assertTrue(signals(score).containsAll(Set.of("NEW_IP", "NEW_COUNTRY", "NEW_DEVICE")), score.toString());
    }

    @Test
    void aDeviceOfADisownedSignInStaysUnknownThoughItSignedInBefore() {
        SignInObservation disowned = new SignInObservation(T0, "81.2.69.142", "81.2.69.0/24", "GB", 20712L, null,
                null, null, "shared", true);
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, london(T0.plusSeconds(60), "shared"),
                history(disowned, london(T0.minusSeconds(3600), "shared")));
        assertEquals(Set.of("NEW_DEVICE"), signals(score), score.toString());

        RiskScorer.Score otherDevice = scorer.score(RiskScoring.DEFAULTS, london(T0.plusSeconds(60), "d2"),
                history(disowned, london(T0.minusSeconds(3600), "d2")));
        assertEquals(Set.of(), signals(otherDevice), otherDevice.toString());
    }

    @Test
    void velocityAndReputationRaiseTheLevelWithoutHistory() {
        RiskScorer.Score spray = scorer.score(RiskScoring.DEFAULTS, london(T0, null),
                new RiskScorer.Context(List.of(), false, null, Map.of(), 30, 40));
        assertEquals(RiskLevel.MEDIUM, spray.level());
        assertEquals(Set.of("NETWORK_VELOCITY"), signals(spray));

        RiskScorer.Score both = scorer.score(RiskScoring.DEFAULTS, london(T0, null),
                new RiskScorer.Context(List.of(), true, "81.2.69.142 is on tor-exits.txt",
                        Map.of("203.0.113.0/24", 6), 0, 0));
        assertEquals(Set.of("IP_REPUTATION", "FAILED_LOGIN_VELOCITY"), signals(both));
        assertEquals(RiskLevel.HIGH, both.level());
    }

    @Test
    void velocityCountsThatReachedTheReadsLimitAreReportedAsLowerBounds() {
        int limit = RiskScoring.DEFAULTS.failuresToRead();
        assertEquals(1_000, limit);
        RiskScorer.Score belowLimit = scorer.score(RiskScoring.DEFAULTS, london(T0, null),
                new RiskScorer.Context(List.of(), false, null, Map.of("203.0.113.0/24", limit - 1), 12, limit - 1));
        assertEquals(List.of("999 failed sign-ins of this user in the last 15 minutes",
                "12 usernames failed to sign in from 81.2.69.0/24 in the last 15 minutes"), details(belowLimit));

        RiskScorer.Score atLimit = scorer.score(RiskScoring.DEFAULTS, london(T0, null),
                new RiskScorer.Context(List.of(), false, null, Map.of("203.0.113.0/24", limit), 12, limit));
        assertEquals(List.of("at least 1000 failed sign-ins of this user in the last 15 minutes",
                "at least 12 usernames failed to sign in from 81.2.69.0/24 in the last 15 minutes"),
                details(atLimit));
    }

    /** A known device travelling to a new country and network, while someone fails in the user's name elsewhere. */
    private static RiskScorer.Score abroadWithFailures(String device, Map<String, Integer> failures,
                                                       int networkUsers) {
        SignInObservation home = london(T0, "d1");
        SignInObservation abroad = at(T0.plusSeconds(48 * 3600), "89.160.20.113", "SE", 29518L, 58.4167, 15.6167,
                device);
        return new RiskScorer().score(RiskScoring.DEFAULTS, abroad,
                new RiskScorer.Context(List.of(home), false, null, failures, networkUsers, networkUsers));
    }

    @Test
    void failuresFromStrangersAloneNeverMakeAKnownDeviceHigh() {
        // NEW_IP 5 + NEW_NETWORK 10 + NEW_COUNTRY 20 + NEW_ASN 10 + FAILED_LOGIN_VELOCITY 30 = 75: HIGH
        RiskScorer.Score known = abroadWithFailures("d1", Map.of("198.51.100.0/24", 5), 0);
        assertEquals(RiskLevel.MEDIUM, known.level(), known.toString());
        assertEquals(75, known.total());
        assertTrue(known.knownDevice());
        assertTrue(signals(known).containsAll(Set.of("FAILED_LOGIN_VELOCITY", RiskSignal.KNOWN_DEVICE_LIMIT.name())));

        RiskScorer.Score unknown = abroadWithFailures(null, Map.of("198.51.100.0/24", 5), 0);
        assertEquals(RiskLevel.HIGH, unknown.level(), "a browser without the user's cookie gets no benefit");
        assertTrue(!unknown.knownDevice());
    }

    @Test
    void failuresFromTheUsersOwnNetworksStillCountInFull() {
        RiskScorer.Score fromHome = abroadWithFailures("d1", Map.of("81.2.69.0/24", 5), 0);
        assertEquals(RiskLevel.HIGH, fromHome.level(), fromHome.toString());
        assertTrue(!signals(fromHome).contains(RiskSignal.KNOWN_DEVICE_LIMIT.name()));

        RiskScorer.Score mixed = abroadWithFailures("d1", Map.of("81.2.69.0/24", 2, "198.51.100.0/24", 3), 0);
        assertEquals(RiskLevel.MEDIUM, mixed.level(), "two from home are below the threshold of five");
    }

    @Test
    void aStrangeNetworksFailuresCannotMakeAKnownDeviceHighEither() {
        // NEW_IP 5 + NEW_NETWORK 10 + NEW_COUNTRY 20 + NEW_ASN 10 + NETWORK_VELOCITY 40 = 85
        RiskScorer.Score sharedNat = abroadWithFailures("d1", Map.of(), 10);
        assertEquals(RiskLevel.MEDIUM, sharedNat.level(), sharedNat.toString());
    }

    @Test
    void otherSignalsThatReachHighOnTheirOwnAreNotHeldBack() {
        SignInObservation changchun = at(T0.plusSeconds(60), "175.16.199.1", "CN", 4837L, 43.88, 125.3228, "d1");
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, changchun, new RiskScorer.Context(
                List.of(london(T0, "d1")), false, null, Map.of("198.51.100.0/24", 5), 0, 0));
        assertEquals(RiskLevel.HIGH, score.level(), "impossible travel alone is HIGH");
        assertTrue(!signals(score).contains(RiskSignal.KNOWN_DEVICE_LIMIT.name()));
    }

    @Test
    void theReadsLimitNeverHidesAThreshold() {
        RiskScoring strict = new RiskScoring(RiskScoring.DEFAULTS.scores(), 30, 70, 900, 5_000, 20_000,
                Duration.ofMinutes(60));
        assertEquals(20_000, strict.failuresToRead());
    }

    private static List<String> details(RiskScorer.Score score) {
        return score.reasons().stream().map(RiskReason::detail).toList();
    }

    @Test
    void addressesInOneIpv6Slash64AreOneNetwork() {
        assertEquals(ClientAddress.of("2001:db8:1:2::1").network(), ClientAddress.of("2001:db8:1:2:ffff::9").network());
        assertEquals("198.51.100.0/24", ClientAddress.of("198.51.100.77").network());
        assertEquals("198.51.100.0/24", ClientAddress.of("::ffff:198.51.100.1").network());
    }
}
