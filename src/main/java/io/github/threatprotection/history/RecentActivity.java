package io.github.threatprotection.history;

import java.util.List;

import io.github.threatprotection.risk.SignInObservation;

/**
 * What the risk score of one sign-in reads from the database.
 *
 * @param signIns      the user's latest sign-ins, newest first, for the novelty and travel signals: those that
 *                     passed and those with feedback. Disowned ones (feedback INVALID) come marked, so they never
 *                     make a place known and their device stays unknown; failed ones the user or an admin
 *                     confirmed (VALID) count as theirs
 * @param userFailures failed sign-ins of the user within the velocity window
 * @param networkUsers different usernames that failed from the sign-in's network within the window
 */
public record RecentActivity(List<SignInObservation> signIns, int userFailures, int networkUsers) {
}
