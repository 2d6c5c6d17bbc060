package io.github.threatprotection.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SessionUseScorerTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    private final SessionUseScorer scorer = new SessionUseScorer();

    private static SessionContext london(Instant time, String device) {
        return new SessionContext("81.2.69.0/24", 20712L, "GB", device, time, 51.5142, -0.0931, 10);
    }

    private static SessionContext changchun(Instant time, String device) {
        return new SessionContext("175.16.199.0/24", 4837L, "CN", device, time, 43.88, 125.3228, 50);
    }

    private static SessionContext linkoping(Instant time) {
        return new SessionContext("89.160.20.0/24", 29518L, "SE", null, time, 58.4167, 15.6167, 20);
    }

    private RiskScorer.Score score(SessionContext own, Instant lastUsed, SessionContext now) {
        return scorer.score(RiskScoring.DEFAULTS, own, lastUsed, now, false, null);
    }

    @Test
    void theSessionsOwnContextHasNoReasonsAndIsLow() {
        RiskScorer.Score score = score(london(T0, "d1"), T0.plusSeconds(600), london(T0.plusSeconds(900), "d1"));

        assertEquals(RiskLevel.LOW, score.level());
        assertTrue(score.reasons().isEmpty(), score.reasons().toString());
    }

    @Test
    void aNewCountryAloneIsHighWithTheDefaultsAndTheDetailNamesWhatChanged() {
        // A day later: no impossible travel, only the change of place.
        RiskScorer.Score score = score(london(T0, null), null, linkoping(T0.plus(Duration.ofDays(1))));

        assertEquals(RiskLevel.HIGH, score.level());
        assertEquals(1, score.reasons().size(), score.reasons().toString());
        RiskReason change = score.reasons().get(0);
        assertEquals("SESSION_CONTEXT_CHANGE", change.signal());
        assertEquals(10 + 20 + 70, change.score());
        assertEquals("the session is used from network 81.2.69.0/24 → 89.160.20.0/24, ASN AS20712 → AS29518,"
                + " country GB → SE", change.detail());
    }

    @Test
    void anotherNetworkOfTheSameProviderIsLowButRecorded() {
        SessionContext sameProvider = new SessionContext("81.2.70.0/24", 20712L, "GB", null, T0.plusSeconds(60),
                51.5142, -0.0931, 10);

        RiskScorer.Score score = score(london(T0, null), null, sameProvider);

        assertEquals(RiskLevel.LOW, score.level());
        assertEquals(10, score.total());
        assertEquals("the session is used from network 81.2.69.0/24 → 81.2.70.0/24", score.reasons().get(0).detail());
    }

    @Test
    void kindsThatOneSideDoesNotKnowAreNotCompared() {
        SessionContext unknownPlace = new SessionContext("81.2.69.0/24", null, null, null, T0.plusSeconds(60),
                null, null, null);

        RiskScorer.Score score = score(london(T0, "d1"), null, unknownPlace);

        assertTrue(score.reasons().isEmpty(), "no geolocation and no device cookie now: " + score.reasons());
    }

    @Test
    void anotherDeviceCookieIsAChangeAndItsIdIsNotShown() {
        RiskScorer.Score score = score(london(T0, "device-one"), null, london(T0.plusSeconds(60), "device-two"));

        assertEquals(30, score.total());
        assertEquals("the session is used from another device", score.reasons().get(0).detail());
    }

    @Test
    void travelIsMeasuredFromTheSessionsLastUseNotFromItsSignIn() {
        SessionContext own = london(T0, null);
        Instant now = T0.plus(Duration.ofHours(20));

        RiskScorer.Score unusedSinceSignIn = score(own, null, changchun(now, null));
        RiskScorer.Score usedAMinuteAgo = score(own, now.minusSeconds(60), changchun(now, null));

        assertTrue(unusedSinceSignIn.reasons().stream().noneMatch(r -> r.signal().equals("IMPOSSIBLE_TRAVEL")),
                "8,000 km in 20 hours is possible: " + unusedSinceSignIn.reasons());
        RiskReason travel = usedAMinuteAgo.reasons().stream().filter(r -> r.signal().equals("IMPOSSIBLE_TRAVEL"))
                .findFirst().orElseThrow(() -> new AssertionError(usedAMinuteAgo.reasons().toString()));
        assertEquals(70, travel.score());
        assertTrue(travel.detail().matches("\\d{4} km from the session's last use \\(GB\\) in 1m: .*"),
                travel.detail());
    }

    @Test
    void aListedAddressAddsTheReputationScore() {
        RiskScorer.Score score = scorer.score(RiskScoring.DEFAULTS, london(T0, null), null,
                london(T0.plusSeconds(60), null), true, "203.0.113.200 is on bad-addresses.txt");

        assertEquals(RiskLevel.MEDIUM, score.level());
        assertEquals("IP_REPUTATION", score.reasons().get(0).signal());
    }

    @Test
    void eachKindsScoreComesFromTheSettingsAndZeroSwitchesItOff() {
        Map<RiskSignal, Integer> scores = new EnumMap<>(RiskScoring.DEFAULTS.scores());
        scores.put(RiskSignal.SESSION_COUNTRY_CHANGE, 5);
        scores.put(RiskSignal.SESSION_NETWORK_CHANGE, 0);
        RiskScoring scoring = new RiskScoring(scores, 30, 70, 900, 5, 10, Duration.ofMinutes(15));

        RiskScorer.Score score = scorer.score(scoring, london(T0, null), null, linkoping(T0.plus(Duration.ofDays(1))),
                false, null);

        assertEquals(RiskLevel.LOW, score.level());
        assertEquals(25, score.total());
        assertEquals("the session is used from ASN AS20712 → AS29518, country GB → SE", score.reasons().get(0).detail());
    }

    @Test
    void aContextSurvivesItsNoteAndAnUnreadableNoteIsNoContext() {
        SessionContext context = new SessionContext("2001:db8:c17::/48", 20712L, "GB", "abc-DEF_1", T0,
                51.51424, -0.09312, 10);

        SessionContext read = SessionContext.decode(context.encode());

        assertEquals(new SessionContext("2001:db8:c17::/48", 20712L, "GB", "abc-DEF_1", T0, 51.5142, -0.0931, 10),
                read);
        assertEquals(new SessionContext(null, null, null, null, T0, null, null, null),
                SessionContext.decode(new SessionContext(null, null, null, null, T0, null, null, null).encode()));
        assertNull(SessionContext.decode(null));
        assertNull(SessionContext.decode("2|a|b"));
        assertNull(SessionContext.decode("1|81.2.69.0/24|x|GB||1|||"));
    }
}
