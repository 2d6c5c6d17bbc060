package io.github.threatprotection.decision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * A what-if run: each stored event replayed under the realm's current settings and under a draft, counted by
 * outcome, and the events whose outcome the draft changes grouped by the change. Memory grows with the distinct
 * outcomes and with the users whose events change, never with the events.
 */
public final class Simulation {

    /** Event ids named per transition. */
    public static final int SAMPLES = 10;

    /** Counts under one set of settings. */
    public static final class Counts {
        private final Map<String, Long> byLevel = new TreeMap<>();
        private final Map<String, Long> byAction = new TreeMap<>();
        private long notifications;

        void add(SignInReplay.Outcome outcome) {
            byLevel.merge(name(outcome.level()), 1L, Long::sum);
            byAction.merge(name(outcome.action()), 1L, Long::sum);
            if (outcome.notification() != null) {
                notifications++;
            }
        }

        public Map<String, Long> byLevel() {
            return byLevel;
        }

        public Map<String, Long> byAction() {
            return byAction;
        }

        public long notifications() {
            return notifications;
        }
    }

    /** The events whose outcome went from one level and action to another. */
    public static final class Transition {
        private final SignInReplay.Outcome from;
        private final SignInReplay.Outcome to;
        private long events;
        private final UserSet users = new UserSet();
        private long validFeedback;
        private long invalidFeedback;
        private final List<String> samples = new ArrayList<>();

        Transition(SignInReplay.Outcome from, SignInReplay.Outcome to) {
            this.from = from;
            this.to = to;
        }

        public SignInReplay.Outcome from() {
            return from;
        }

        public SignInReplay.Outcome to() {
            return to;
        }

        public long events() {
            return events;
        }

        public int users() {
            return users.size();
        }

        public long validFeedback() {
            return validFeedback;
        }

        public long invalidFeedback() {
            return invalidFeedback;
        }

        public List<String> samples() {
            return samples;
        }
    }

    /**
     * Distinct users by a 64-bit hash of their id in an open-addressed table: 8 bytes a user where a set of ids
     * would keep about a hundred, so a draft that changes the events of a million users stays within a few MB.
     * Two ids with the same hash (about one in 10^7 for a million users) count once.
     */
    static final class UserSet {
        private long[] slots = new long[64];
        private int size;
        private boolean hasZero;

        void add(String userId) {
            long hash = hash(userId);
            if (hash == 0) {
                if (!hasZero) {
                    hasZero = true;
                    size++;
                }
                return;
            }
            if ((size + 1) * 2 > slots.length) {
                grow();
            }
            if (insert(slots, hash)) {
                size++;
            }
        }

        int size() {
            return size;
        }

        private void grow() {
            long[] larger = new long[slots.length * 2];
            for (long hash : slots) {
                if (hash != 0) {
                    insert(larger, hash);
                }
            }
            slots = larger;
        }

        private static boolean insert(long[] table, long hash) {
            int mask = table.length - 1;
            for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (table[i] == hash) {
                    return false;
                }
                if (table[i] == 0) {
                    table[i] = hash;
                    return true;
                }
            }
        }

        /** FNV-1a over the id's characters, then mixed (SplitMix64's finaliser). */
        private static long hash(String text) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < text.length(); i++) {
                h = (h ^ text.charAt(i)) * 0x100000001b3L;
            }
            h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
            h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
            return h ^ (h >>> 31);
        }
    }

    private record Key(String fromLevel, String fromAction, String toLevel, String toAction) {
    }

    /**
     * What decides an event's outcomes: of its address only which IP lists hold it, never the details the reasons
     * name (which change no level, action or mail).
     */
    private record Decided(String clientId, EventType type, boolean passwordEntrance, boolean lockedAccount,
                           ReplayFacts facts, int listsHolding) {
    }

    /** Both outcomes of a decided event; null ones when it cannot be replayed. */
    private record Outcomes(SignInReplay.Outcome before, SignInReplay.Outcome after) {
    }

    /**
     * Distinct events decided once per run: sign-ins of the same kind share their facts far more often than not,
     * and each decision builds readable reasons that a count never shows. Bounded, the oldest forgotten first.
     */
    static final int DECIDED_KEPT = 10_000;

    private final RealmSettings current;
    private final RealmSettings proposed;
    private final SignInReplay replay;
    private final Counts currentCounts = new Counts();
    private final Counts proposedCounts = new Counts();
    private final Map<Key, Transition> transitions = new LinkedHashMap<>();
    private final boolean usesAddresses;
    private final Map<Decided, Outcomes> decided;
    private long events;
    private long notReplayable;

    public Simulation(RealmSettings current, RealmSettings proposed, SignInReplay replay) {
        this(current, proposed, replay, DECIDED_KEPT);
    }

    /** @param decidedKept how many distinct events are decided once and remembered (0: each event decided anew) */
    Simulation(RealmSettings current, RealmSettings proposed, SignInReplay replay, int decidedKept) {
        this.current = current;
        this.proposed = proposed;
        this.replay = replay;
        this.usesAddresses = hasIpLists(current) || hasIpLists(proposed);
        this.decided = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Decided, Outcomes> eldest) {
                return size() > decidedKept;
            }
        };
    }

    /**
     * Whether an event's address can change its outcome in this run: only through an IP list of the current or the
     * proposed settings, the realm's or a client's. When not, a reader need not parse the addresses.
     */
    public boolean usesAddresses() {
        return usesAddresses;
    }

    /** Bit 0: the address is on the settings' alwaysBlock list; bit 1: on their alwaysAllow list. */
    private static int listsHolding(ThreatProtectionSettings settings, ClientAddress address) {
        ThreatProtectionSettings.IpExceptions exceptions = settings.ipExceptions();
        return (exceptions.alwaysBlock().match(address).isPresent() ? 1 : 0)
                | (exceptions.alwaysAllow().match(address).isPresent() ? 2 : 0);
    }

    private static boolean hasIpLists(RealmSettings settings) {
        if (hasIpLists(settings.realm())) {
            return true;
        }
        for (String clientId : settings.clientOverrides().keySet()) {
            if (hasIpLists(settings.forClient(clientId))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasIpLists(ThreatProtectionSettings settings) {
        return !settings.ipExceptions().alwaysAllow().isEmpty() || !settings.ipExceptions().alwaysBlock().isEmpty();
    }

    /**
     * Replays one event under both settings, each as it applies to the event's client.
     *
     * @param recorded the outcome the event records, counted on both sides when it cannot be replayed
     * @param feedback true: the user or an admin confirmed it was them (VALID); false: disowned (INVALID); null:
     *                 no feedback
     */
    public void add(String eventId, String userId, String clientId, SignInReplay.Event event,
                    SignInReplay.Outcome recorded, Boolean feedback) {
        events++;
        ThreatProtectionSettings currentSettings = current.forClient(clientId);
        ThreatProtectionSettings proposedSettings = proposed.forClient(clientId);
        Decided decidedBy = new Decided(clientId, event.type(), event.passwordEntrance(), event.lockedAccount(),
                event.facts(), usesAddresses ? listsHolding(currentSettings, event.address())
                        | listsHolding(proposedSettings, event.address()) << 2 : 0);
        Outcomes outcomes = decided.get(decidedBy);
        if (outcomes == null) {
            SignInReplay.Outcome first = replay.replay(currentSettings, event);
            outcomes = new Outcomes(first, first == null ? null : replay.replay(proposedSettings, event));
            decided.put(decidedBy, outcomes);
        }
        SignInReplay.Outcome before = outcomes.before();
        SignInReplay.Outcome after = outcomes.after();
        if (before == null || after == null) {
            notReplayable++;
            currentCounts.add(recorded);
            proposedCounts.add(recorded);
            return;
        }
        currentCounts.add(before);
        proposedCounts.add(after);
        if (before.level() == after.level() && before.action() == after.action()) {
            return;
        }
        Transition transition = transitions.computeIfAbsent(new Key(name(before.level()), name(before.action()),
                name(after.level()), name(after.action())), key -> new Transition(before, after));
        transition.events++;
        if (userId != null) {
            transition.users.add(userId);
        }
        if (Boolean.TRUE.equals(feedback)) {
            transition.validFeedback++;
        } else if (Boolean.FALSE.equals(feedback)) {
            transition.invalidFeedback++;
        }
        if (transition.samples.size() < SAMPLES) {
            transition.samples.add(eventId);
        }
    }

    public long events() {
        return events;
    }

    public long notReplayable() {
        return notReplayable;
    }

    public Counts current() {
        return currentCounts;
    }

    public Counts proposed() {
        return proposedCounts;
    }

    /** Most events first. */
    public List<Transition> transitions() {
        List<Transition> list = new ArrayList<>(transitions.values());
        list.sort((a, b) -> Long.compare(b.events, a.events));
        return list;
    }

    /** How counts and transitions name a level or action: its name, or NOT_EVALUATED. */
    public static String name(Enum<?> value) {
        return value == null ? "NOT_EVALUATED" : value.name();
    }
}
