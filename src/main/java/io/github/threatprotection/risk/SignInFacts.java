package io.github.threatprotection.risk;

/**
 * What the risk score of one sign-in was computed from, once its history and failure counts were read: which
 * novelty signals fire, how fast the travel from the previous trusted sign-in was, what the reputation lists said
 * and the failure counts. None of it depends on the settings, so {@link RiskScorer#score(RiskScoring,
 * SignInObservation, SignInFacts)} turns the same facts into a level under any settings: the sign-in step does it
 * under the realm's, a what-if simulation under a draft's.
 *
 * @param history                     the user had trusted earlier sign-ins (without them no novelty or travel
 *                                    signal fires)
 * @param newDevice                   no valid cookie of this user seen in a trusted earlier sign-in
 * @param disownedDevice              the browser's cookie was seen in a disowned sign-in
 * @param travel                      the travel from the latest trusted sign-in, or null when either place is
 *                                    unknown
 * @param reputation                  the reputation list's or anonymous-IP database's detail, or null when the
 *                                    address matched none
 * @param userFailures                the user's failed sign-ins in the velocity window that was read
 * @param userFailuresFromKnownNetworks those of them from networks the user signed in from before
 * @param networkUsers                usernames that failed from the sign-in's network in the window
 * @param networkFailures             failures read from that network
 * @param knownNetwork                the sign-in's network is among the trusted history's
 * @param userAtRisk                  why the user's remembered risk was AT_RISK, or null when it was not
 */
public record SignInFacts(boolean history, boolean newDevice, boolean disownedDevice, boolean newIp,
                          boolean newNetwork, boolean newCountry, boolean newAsn, Travel travel, String reputation,
                          int userFailures, int userFailuresFromKnownNetworks, int networkUsers, int networkFailures,
                          boolean knownNetwork, String userAtRisk) {

    /** The browser brought a cookie of this user seen in a trusted earlier sign-in. */
    public boolean knownDevice() {
        return history && !newDevice && !disownedDevice;
    }

    /**
     * A journey from one sign-in's place to the next one's.
     *
     * @param distanceKm between the two coordinates
     * @param speedKmh   the distance less both accuracy radii, over the time between (at least a second): what the
     *                   impossible-travel limit is compared with
     * @param millis     the time between
     * @param from       what the first place was, as the detail names it
     */
    public record Travel(double distanceKm, double speedKmh, long millis, String from) {
    }
}
