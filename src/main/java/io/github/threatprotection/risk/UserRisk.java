package io.github.threatprotection.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's risk, remembered between sign-ins until it is remedied: the state and the latest changes that made it
 * (newest last, at most {@link #MAX_CHANGES}). Raising never lowers the state; only a remedy or an admin's
 * dismissal brings it back to {@link State#NONE}.
 */
public record UserRisk(State state, List<Change> changes) {

    /** How many changes are kept: enough to say why and since when, bounded to keep the user's record small. */
    public static final int MAX_CHANGES = 10;

    public static final UserRisk NONE = new UserRisk(State.NONE, List.of());

    public enum State {
        /** Nothing known against the account. */
        NONE,
        /** A risky sign-in got through without a second factor: every sign-in gets the signal USER_AT_RISK. */
        AT_RISK,
        /**
         * Someone else knows the password: a new one is required, and every sign-in gets the HIGH level's action
         * until it is remedied.
         */
        COMPROMISED
    }

    /** What changed a user's risk. */
    public enum Cause {
        /** A sign-in used a password found in breach data. */
        BREACHED_PASSWORD,
        /** The user or an admin said a sign-in was not the user ("this wasn't me"). */
        DISOWNED_SIGN_IN,
        /** A HIGH sign-in was let through without a second factor. */
        HIGH_RISK_SIGN_IN_WITHOUT_MFA,
        /** An admin marked the user compromised. */
        ADMIN,
        /** The user chose a new password after a second factor or through the e-mailed reset. */
        REMEDIATED,
        /** An admin dismissed the user's risk. */
        DISMISSED
    }

    /**
     * @param state   the state after the change
     * @param eventId the risk event that caused it, or null
     * @param detail  who or what, in words (an admin's reason), or null
     */
    public record Change(State state, Cause cause, Instant time, String eventId, String detail) {
    }

    public UserRisk {
        changes = List.copyOf(changes);
    }

    /** The state raised to at least {@code to}, with the change recorded. */
    public UserRisk raise(State to, Cause cause, Instant time, String eventId, String detail) {
        State next = to.compareTo(state) > 0 ? to : state;
        return with(new Change(next, cause, time, eventId, detail));
    }

    /** Back to NONE, remedied by the user or dismissed by an admin. */
    public UserRisk clear(Cause cause, Instant time, String detail) {
        if (cause != Cause.REMEDIATED && cause != Cause.DISMISSED) {
            throw new IllegalArgumentException(cause + " does not clear a user's risk");
        }
        return with(new Change(State.NONE, cause, time, null, detail));
    }

    /** When the current state began (the first change to it since the state was last different), or null. */
    public Instant since() {
        Instant since = null;
        for (int i = changes.size() - 1; i >= 0 && changes.get(i).state() == state; i--) {
            since = changes.get(i).time();
        }
        return since;
    }

    /** The changes that brought the user to the current state, oldest first: its reasons and times. */
    public List<Change> reasons() {
        int first = changes.size();
        while (first > 0 && changes.get(first - 1).state() == state) {
            first--;
        }
        return changes.subList(first, changes.size());
    }

    private UserRisk with(Change change) {
        List<Change> more = new ArrayList<>(changes);
        more.add(change);
        if (more.size() > MAX_CHANGES) {
            more = more.subList(more.size() - MAX_CHANGES, more.size());
        }
        return new UserRisk(change.state(), more);
    }
}
