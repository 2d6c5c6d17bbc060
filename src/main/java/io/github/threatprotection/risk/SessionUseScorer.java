package io.github.threatprotection.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores one use of a user session (a refresh-token grant) against the session's own context: which of its
 * network, autonomous system, country and device changed, whether it moved faster than a plane since the session
 * was last used, and whether the address is on a reputation list. A kind that either side does not know (no
 * geolocation, no device cookie in the request) is not compared: only a difference that was seen counts.
 */
public final class SessionUseScorer {

    /**
     * @param own      the session's context
     * @param lastUsed when the session was last used from its own context (Keycloak's last refresh of the
     *                 session), or null; travel is measured from the later of this and the context's time
     * @param now      this use's context
     */
    public RiskScorer.Score score(RiskScoring scoring, SessionContext own, Instant lastUsed, SessionContext now,
                                  boolean onReputationList, String reputationDetail) {
        List<RiskReason> reasons = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        int changeScore = 0;
        changeScore += change(scoring, changes, RiskSignal.SESSION_NETWORK_CHANGE, "network", own.network(),
                now.network());
        changeScore += change(scoring, changes, RiskSignal.SESSION_ASN_CHANGE, "ASN",
                own.asn() == null ? null : "AS" + own.asn(), now.asn() == null ? null : "AS" + now.asn());
        changeScore += change(scoring, changes, RiskSignal.SESSION_COUNTRY_CHANGE, "country", own.country(),
                now.country());
        int deviceScore = scoring.scoreOf(RiskSignal.SESSION_DEVICE_CHANGE);
        if (own.deviceId() != null && now.deviceId() != null && !own.deviceId().equals(now.deviceId())
                && deviceScore > 0) {
            // A device id is never shown, only that it is another one.
            changes.add("another device");
            changeScore += deviceScore;
        }
        if (!changes.isEmpty()) {
            reasons.add(new RiskReason(RiskSignal.SESSION_CONTEXT_CHANGE, changeScore, "the session is used from "
                    + String.join(", ", changes)));
        }
        if (own.hasPosition() && now.hasPosition()) {
            Instant from = lastUsed != null && lastUsed.isAfter(own.time()) ? lastUsed : own.time();
            String travel = RiskScorer.travelDetail(scoring, own.latitude(), own.longitude(), own.accuracyRadiusKm(),
                    from, now.latitude(), now.longitude(), now.accuracyRadiusKm(), now.time(),
                    "the session's last use (" + (own.country() == null ? "unknown country" : own.country()) + ")");
            int score = scoring.scoreOf(RiskSignal.IMPOSSIBLE_TRAVEL);
            if (travel != null && score > 0) {
                reasons.add(new RiskReason(RiskSignal.IMPOSSIBLE_TRAVEL, score, travel));
            }
        }
        int reputationScore = scoring.scoreOf(RiskSignal.IP_REPUTATION);
        if (onReputationList && reputationScore > 0) {
            reasons.add(new RiskReason(RiskSignal.IP_REPUTATION, reputationScore, reputationDetail));
        }
        int total = reasons.stream().mapToInt(RiskReason::score).sum();
        return new RiskScorer.Score(scoring.levelOf(total), total, reasons, false);
    }

    /** Adds "country GB → CN" to the changes and returns the kind's score, when both sides know it and differ. */
    private static int change(RiskScoring scoring, List<String> changes, RiskSignal kind, String name, String was,
                              String is) {
        int score = scoring.scoreOf(kind);
        if (was == null || is == null || was.equals(is) || score == 0) {
            return 0;
        }
        changes.add(name + " " + was + " → " + is);
        return score;
    }
}
