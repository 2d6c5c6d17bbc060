package io.github.threatprotection.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.Json;
import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskScorer;
import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.risk.SignInFacts;
import io.github.threatprotection.risk.SignInObservation;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.settings.MfaFallback;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.ThreatProtectionSettings;

class SignInReplayTest {

    private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
    private static final String[] ADDRESSES = {"81.2.69.142", "81.2.69.143", "89.160.20.113", "198.51.100.7"};
    private static final String[] COUNTRIES = {"GB", "SE", null};
    private static final double[][] PLACES = {{51.5, -0.1}, {58.4, 15.6}, {43.9, 125.3}, {51.52, -0.05}};

    private final RiskScorer scorer = new RiskScorer();
    private final SignInReplay replay = new SignInReplay(RiskAction.BLOCK, false);

    /**
     * A sign-in as the step decides it live and as a replay of its stored facts decides it, under the settings it
     * was recorded with and under others: the same level, action and mail, for many made-up sign-ins.
     */
    @Test
    void aReplayOfTheStoredFactsDecidesAsTheSignInStepDid() {
        Random random = new Random(22);
        ThreatProtectionSettings enforced = settings(Mode.ENFORCED, RiskScoring.DEFAULTS, List.of());
        ThreatProtectionSettings.AccountTakeover levels = enforced.accountTakeover();
        List<ThreatProtectionSettings> settings = List.of(
                enforced,
                enforced.withAccountTakeover(new ThreatProtectionSettings.AccountTakeover(levels.low(),
                        levels.medium(), levels.high(), MfaFallback.EMAIL_CODE)),
                settings(Mode.AUDIT, scoring(15, 50, 3000), List.of()),
                settings(Mode.ENFORCED, scoring(40, 120, 300), List.of("81.2.69.0/24")),
                settings(Mode.ENFORCED, RiskScoring.DEFAULTS.without(RiskSignal.NEW_DEVICE), List.of()),
                // the browser challenge at two levels: a browser goes on to it, a direct grant is refused
                enforced.withAccountTakeover(new ThreatProtectionSettings.AccountTakeover(levels.low(),
                        new ThreatProtectionSettings.LevelPolicy(RiskAction.CHALLENGE, false),
                        new ThreatProtectionSettings.LevelPolicy(RiskAction.CHALLENGE, true), levels.mfaFallback())));
        int challenged = 0;
        int challengeRefused = 0;
        for (int i = 0; i < 2000; i++) {
            SignInObservation now = observation(random, T0.plusSeconds(random.nextInt(36_000)), false);
            List<SignInObservation> history = new ArrayList<>();
            for (int h = random.nextInt(4); h > 0; h--) {
                history.add(observation(random, T0.minusSeconds(random.nextInt(100_000)), random.nextInt(6) == 0));
            }
            history.sort((a, b) -> b.time().compareTo(a.time()));
            Map<String, Integer> failures = new HashMap<>();
            if (random.nextBoolean()) {
                failures.put(pick(random, ADDRESSES) + "/24", random.nextInt(8));
            }
            RiskScorer.Context context = new RiskScorer.Context(history, random.nextInt(5) == 0,
                    "198.51.100.7 is on reputation list bad;list.txt (entry 198.51.100.0/24)", failures,
                    random.nextInt(14), random.nextInt(20), random.nextInt(5) == 0 ? "at risk" : null);
            CompromisedCredentialCheck.Result breach = random.nextInt(4) == 0 ? null
                    : new CompromisedCredentialCheck.Result(CompromisedCredentialCheck.Status.values()[
                            random.nextInt(3)], random.nextInt(1000), random.nextBoolean(), "detail");
            boolean secondFactor = random.nextBoolean();
            boolean flowCanAsk = random.nextBoolean();
            boolean compromised = random.nextInt(8) == 0;
            boolean canGetEmailCode = random.nextBoolean();
            boolean flowCanAskEmailCode = random.nextBoolean();
            boolean directGrant = random.nextInt(4) == 0;
            ClientAddress address = ClientAddress.of(now.ipAddress());
            ReplayFacts stored = ReplayFacts.decode(new ReplayFacts(RiskScorer.facts(now, context), directGrant, breach,
                    secondFactor ? "otp" : "none", flowCanAsk, 15, false, compromised, canGetEmailCode,
                    flowCanAskEmailCode).encode());
            SignInReplay.Event event = new SignInReplay.Event(EventType.SIGN_IN, true, address, now, stored, false);
            for (ThreatProtectionSettings applied : settings) {
                RiskAssessment risk = new SignInRiskEvaluator().evaluate(applied, address, false,
                        breach == null || applied.ipExceptions().alwaysBlock().match(address).isPresent() ? null
                                : breach, () -> scorer.score(directGrant
                                ? applied.riskScoring().without(RiskSignal.NEW_DEVICE) : applied.riskScoring(),
                                now, context));
                if (compromised) {
                    risk = UserRiskEffect.apply(risk, applied, UserRisk.State.COMPROMISED);
                }
                SignInDecision live = SignInDecision.decide(risk, applied, () -> secondFactor, () -> canGetEmailCode,
                        challenge -> challenge == MfaChallenge.EMAIL_CODE ? flowCanAskEmailCode : flowCanAsk,
                        directGrant ? SignInDecision.ChallengeRoute.NONE : SignInDecision.ChallengeRoute.PAGE);
                SignInReplay.Outcome replayed = replay.replay(applied, event);
                assertNotNull(replayed);
                String what = "case " + i + " under " + applied.riskScoring() + ": " + stored;
                assertEquals(live.risk().level(), replayed.level(), what);
                assertEquals(live.risk().action(), replayed.action(), what);
                assertEquals(live.notification(), replayed.notification(), what);
                challenged += live.browserChallenge() ? 1 : 0;
                challengeRefused += live.blocked() && live.risk().reasons().stream()
                        .anyMatch(r -> r.signal().equals(RiskSignal.CHALLENGE_NOT_POSSIBLE.name())) ? 1 : 0;
            }
        }
        assertTrue(challenged > 20 && challengeRefused > 5, "the made-up sign-ins reach CHALLENGE from a browser ("
                + challenged + ") and from a direct grant (" + challengeRefused + ")");
    }

    @Test
    void factsSurviveTheirTextAndALongReputationDetailIsCutToTheColumn() {
        SignInFacts signals = new SignInFacts(true, true, false, true, false, true, false,
                new SignInFacts.Travel(1234.5, 4321.123456789, 3_600_000, "the previous sign-in (GB; a, b)"),
                "x".repeat(400) + ";;%", 6, 1, 12, 30, true, null);
        ReplayFacts facts = new ReplayFacts(signals, true, new CompromisedCredentialCheck.Result(
                CompromisedCredentialCheck.Status.FOUND, 1000, true, "dropped"), "otp+webauthn", Boolean.FALSE, 15,
                false);
        String text = facts.encode();
        assertTrue(text.length() <= ReplayFacts.MAX_LENGTH, text);
        ReplayFacts read = ReplayFacts.decode(text);
        assertEquals(4321.123456789, read.signals().travel().speedKmh(), "exactly, so a limit compares alike");
        assertEquals("the previous sign-in (GB; a, b)", read.signals().travel().from());
        assertEquals(new SignInFacts(true, true, false, true, false, true, false, read.signals().travel(),
                read.signals().reputation(), 6, 1, 12, 30, true, null), read.signals());
        assertTrue(read.signals().reputation().startsWith("xxx"));
        assertEquals(CompromisedCredentialCheck.Status.FOUND, read.breach().status());
        assertTrue(read.breach().compromised());
        assertEquals(1000, read.breach().count());
        assertTrue(read.cookieless());
        assertEquals("otp+webauthn", read.secondFactor());
        assertEquals(Boolean.FALSE, read.flowCanAsk());
        assertEquals(15, read.velocityWindowMinutes());
        assertNull(ReplayFacts.decode("2;something newer"));
        assertNull(ReplayFacts.decode("1;s;;x,y;;;;"));
    }

    @Test
    void anOlderEventReplaysFromItsReasons() {
        List<RiskReason> reasons = List.of(
                new RiskReason(RiskSignal.NEW_DEVICE, 15, "this browser has not signed in as this user before"),
                new RiskReason(RiskSignal.NEW_COUNTRY, 20, "first successful sign-in from country SE"),
                new RiskReason(RiskSignal.IMPOSSIBLE_TRAVEL, 70, "1433 km from the previous sign-in (GB) in 5m: 17196"
                        + " km/h, more than 900 km/h"));
        ReplayFacts facts = ReplayFacts.fromReasons(reasons, false, false);
        assertTrue(facts.approximated());
        assertEquals(17196, facts.signals().travel().speedKmh());
        SignInReplay.Event event = new SignInReplay.Event(EventType.SIGN_IN, true,
                ClientAddress.of("89.160.20.113"), observation("89.160.20.113"), facts, false);

        assertEquals(RiskLevel.HIGH, replay.replay(settings(Mode.AUDIT, RiskScoring.DEFAULTS, List.of()), event)
                .level());
        assertEquals(RiskLevel.MEDIUM, replay.replay(settings(Mode.AUDIT, scoring(30, 70, 20_000), List.of()),
                event).level(), "15 + 20 without the travel: a limit above its speed");
        assertEquals(RiskLevel.LOW, replay.replay(settings(Mode.AUDIT, scoring(40, 70, 20_000), List.of()),
                event).level());
    }

    @Test
    void aSignInAnIpExceptionDecidedIsReplayableOnlyWhereAnExceptionStillDecides() {
        ReplayFacts unscored = ReplayFacts.fromReasons(List.of(new RiskReason(RiskSignal.IP_ALWAYS_ALLOW, 0,
                "81.2.69.142 is in ipExceptions.alwaysAllow entry 81.2.69.0/24")), false, false);
        assertNull(unscored, "no signal was computed");
        ReplayFacts stored = new ReplayFacts(null, false, null, "none", true, 15, false);
        SignInReplay.Event event = new SignInReplay.Event(EventType.SIGN_IN, true, ClientAddress.of("81.2.69.142"),
                observation("81.2.69.142"), stored, false);

        assertEquals(RiskAction.NO_ACTION, replay.replay(settings(Mode.ENFORCED, RiskScoring.DEFAULTS,
                List.of()).withIpExceptions(new ThreatProtectionSettings.IpExceptions(ranges("81.2.69.0/24"),
                IpRangeSet.EMPTY)), event).action());
        assertEquals(RiskAction.BLOCK, replay.replay(settings(Mode.ENFORCED, RiskScoring.DEFAULTS,
                List.of("81.2.69.142")), event).action());
        assertNull(replay.replay(settings(Mode.ENFORCED, RiskScoring.DEFAULTS, List.of()), event),
                "without the exception it would have been scored, from signals nobody computed");
        assertEquals(SignInReplay.Outcome.NOT_EVALUATED, replay.replay(settings(Mode.OFF, RiskScoring.DEFAULTS,
                List.of()), event));
    }

    @Test
    void aSimulationCountsBothSidesGroupsTheChangesAndCountsFeedback() throws Exception {
        RealmSettings current = realm("{\"mode\":\"ENFORCED\"}");
        RealmSettings draft = realm("{\"mode\":\"ENFORCED\",\"riskScoring\":{\"thresholds\":{\"medium\":15}}}");
        Simulation simulation = new Simulation(current, draft, replay);
        SignInFacts newDevice = new SignInFacts(true, true, false, false, false, false, false, null, null, 0, 0, 0,
                0, true, null);
        SignInFacts known = new SignInFacts(true, false, false, false, false, false, false, null, null, 0, 0, 0, 0,
                true, null);
        SignInReplay.Outcome recorded = new SignInReplay.Outcome(RiskLevel.LOW, RiskAction.NO_ACTION, null);
        for (int i = 0; i < 12; i++) {
            simulation.add("new-" + i, "user-" + (i % 3), null, event(newDevice), recorded,
                    i == 0 ? Boolean.TRUE : i == 1 ? Boolean.FALSE : null);
        }
        simulation.add("known", "user-9", null, event(known), recorded, Boolean.TRUE);
        simulation.add("refresh", "user-9", null, new SignInReplay.Event(EventType.TOKEN_REFRESH, false,
                ClientAddress.of("81.2.69.142"), observation("81.2.69.142"), null, false), recorded, null);

        assertEquals(14, simulation.events());
        assertEquals(1, simulation.notReplayable());
        assertEquals(Map.of("LOW", 14L), simulation.current().byLevel());
        assertEquals(Map.of("LOW", 2L, "MEDIUM", 12L), simulation.proposed().byLevel());
        assertEquals(0, simulation.current().notifications());
        assertEquals(12, simulation.proposed().notifications(), "MEDIUM notifies by default");
        assertEquals(1, simulation.transitions().size());
        Simulation.Transition moved = simulation.transitions().get(0);
        assertEquals(RiskLevel.MEDIUM, moved.to().level());
        assertEquals(RiskAction.MFA_IF_CONFIGURED, moved.to().action());
        assertEquals(12, moved.events());
        assertEquals(3, moved.users());
        assertEquals(1, moved.validFeedback());
        assertEquals(1, moved.invalidFeedback());
        assertEquals(Simulation.SAMPLES, moved.samples().size());
    }

    /**
     * A simulation that decides each distinct event once answers as one that decides every event anew: counts,
     * changes, users, feedback and samples, with IP lists (the address then decides too) and without, with a client
     * override, and with a memory so small that it forgets.
     */
    @Test
    void aSimulationThatDecidesEachDistinctEventOnceAnswersAsOneThatDecidesEveryEvent() throws Exception {
        RealmSettings plain = realm("{\"mode\":\"AUDIT\"}");
        RealmSettings draft = realm("{\"mode\":\"ENFORCED\",\"riskScoring\":{\"thresholds\":{\"medium\":15}},"
                + "\"clients\":{\"app\":{\"mode\":\"AUDIT\"}}}");
        RealmSettings listed = realm("{\"mode\":\"ENFORCED\",\"ipExceptions\":{\"alwaysBlock\":[\"81.2.69.0/24\"]},"
                + "\"clients\":{\"app\":{\"ipExceptions\":{\"alwaysAllow\":[\"89.160.20.113\"]}}}}");
        List<RealmSettings[]> runs = List.of(new RealmSettings[] {plain, draft}, new RealmSettings[] {plain, listed},
                new RealmSettings[] {listed, draft});
        for (RealmSettings[] run : runs) {
            Simulation everyEvent = new Simulation(run[0], run[1], replay, 0);
            Simulation forgetful = new Simulation(run[0], run[1], replay, 3);
            Simulation remembering = new Simulation(run[0], run[1], replay);
            assertEquals(run[0] == listed || run[1] == listed, remembering.usesAddresses());
            Random random = new Random(2222);
            EventType[] types = {EventType.SIGN_IN, EventType.SIGN_IN, EventType.PASSWORD_RESET, EventType.SIGN_UP,
                    EventType.TOKEN_REFRESH};
            for (int i = 0; i < 3000; i++) {
                SignInObservation now = observation(random, T0, false);
                SignInFacts signals = random.nextInt(20) == 0 ? null : new SignInFacts(true, random.nextBoolean(),
                        false, random.nextBoolean(), random.nextBoolean(), false, false, null, null,
                        random.nextInt(8), 0, random.nextInt(3), 0, random.nextBoolean(), null);
                ReplayFacts facts = random.nextInt(30) == 0 ? null : new ReplayFacts(signals, random.nextBoolean(),
                        null, random.nextBoolean() ? "otp" : "none", random.nextBoolean(), 15, false);
                SignInReplay.Event event = new SignInReplay.Event(pick(random, types), random.nextBoolean(),
                        ClientAddress.of(now.ipAddress()), now, facts, random.nextInt(50) == 0);
                SignInReplay.Outcome recorded = new SignInReplay.Outcome(RiskLevel.LOW, RiskAction.NO_ACTION, null);
                String client = pick(random, new String[] {null, "app", "other"});
                Boolean feedback = random.nextInt(3) == 0 ? null : random.nextBoolean();
                for (Simulation simulation : List.of(everyEvent, forgetful, remembering)) {
                    simulation.add("e" + i, "u" + i % 40, client, event, recorded, feedback);
                }
            }
            assertTrue(everyEvent.transitions().size() > 0, "the run changes some outcomes");
            for (Simulation simulation : List.of(forgetful, remembering)) {
                assertEquals(summary(everyEvent), summary(simulation));
            }
        }
    }

    private static List<Object> summary(Simulation simulation) {
        List<Object> summary = new ArrayList<>(List.of(simulation.events(), simulation.notReplayable(),
                simulation.current().byLevel(), simulation.current().byAction(), simulation.current().notifications(),
                simulation.proposed().byLevel(), simulation.proposed().byAction(),
                simulation.proposed().notifications()));
        for (Simulation.Transition transition : simulation.transitions()) {
            summary.add(List.of(transition.from(), transition.to(), transition.events(), transition.users(),
                    transition.validFeedback(), transition.invalidFeedback(), transition.samples()));
        }
        return summary;
    }

    private static SignInReplay.Event event(SignInFacts signals) {
        return new SignInReplay.Event(EventType.SIGN_IN, true, ClientAddress.of("81.2.69.142"),
                observation("81.2.69.142"), new ReplayFacts(signals, false, null, "none", true, 15, false), false);
    }

    private static RealmSettings realm(String json) throws Exception {
        return SettingsParser.parse((ObjectNode) Json.read(json), clientId -> true);
    }

    private static SignInObservation observation(String address) {
        return new SignInObservation(T0, address, address + "/24", null, null, null, null, null, null, false);
    }

    private static SignInObservation observation(Random random, Instant time, boolean disowned) {
        String address = pick(random, ADDRESSES);
        double[] place = random.nextInt(4) == 0 ? null : PLACES[random.nextInt(PLACES.length)];
        return new SignInObservation(time, address, address.substring(0, address.lastIndexOf('.')) + ".0/24",
                pick(random, COUNTRIES), random.nextBoolean() ? null : (long) (20712 + random.nextInt(2)),
                place == null ? null : place[0], place == null ? null : place[1],
                place == null ? null : random.nextInt(30), random.nextInt(3) == 0 ? null : "d" + random.nextInt(3),
                disowned);
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static RiskScoring scoring(int medium, int high, double travelKmh) {
        return new RiskScoring(RiskScoring.DEFAULTS.scores(), medium, high, travelKmh, 5, 10,
                Duration.ofMinutes(15));
    }

    private static IpRangeSet ranges(String... entries) {
        return IpRangeSet.of(List.of(entries).stream().map(IpRange::parse).toList());
    }

    private static ThreatProtectionSettings settings(Mode mode, RiskScoring scoring, List<String> block) {
        ThreatProtectionSettings base = ThreatProtectionSettings.DEFAULTS;
        return new ThreatProtectionSettings(mode, base.compromisedCredentials(), base.accountTakeover(),
                new ThreatProtectionSettings.IpExceptions(IpRangeSet.EMPTY,
                        IpRangeSet.of(block.stream().map(IpRange::parse).toList())),
                scoring, base.notification(), base.sessions(), base.attackProtection());
    }
}
