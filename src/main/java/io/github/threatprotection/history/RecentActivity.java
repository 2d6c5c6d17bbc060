package io.github.threatprotection.history;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.threatprotection.risk.SignInObservation;

/**
 * What the risk score of one sign-in reads from the database.
 *
 * @param signIns      the user's latest sign-ins, newest first, for the novelty and travel signals: those that
 *                     passed and those with feedback. Disowned ones (feedback INVALID) come marked, so they never
 *                     make a place known and their device stays unknown; failed ones the user or an admin
 *                     confirmed (VALID) count as theirs
 * @param userFailuresByNetwork failed sign-ins of the user within the velocity window, counted up to the read's
 *                        limit, by the network they came from (a null key for failures without an address)
 * @param networkUsers    different usernames among the failures from the sign-in's network that were read
 * @param networkFailures how many failures from the network within the window were read: the latest ones, up to
 *                        the read's limit (when it is reached, more usernames may have failed)
 */
public record RecentActivity(List<SignInObservation> signIns, Map<String, Integer> userFailuresByNetwork,
                             int networkUsers, int networkFailures) {

    public RecentActivity {
        userFailuresByNetwork = Collections.unmodifiableMap(new HashMap<>(userFailuresByNetwork));
    }

    /** The user's failures in the window, from any network, up to the read's limit. */
    public int userFailures() {
        return userFailuresByNetwork.values().stream().mapToInt(Integer::intValue).sum();
    }
}
