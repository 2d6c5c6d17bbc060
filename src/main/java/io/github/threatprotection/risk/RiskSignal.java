package io.github.threatprotection.risk;

import java.util.Arrays;
import java.util.List;

/**
 * Every reason code a risk event can carry. The scored ones are the observations that add to a sign-in's risk
 * score (their default scores are here; {@code riskScoring.signals} changes them); the others say why a sign-in
 * was decided as it was, and add nothing, except {@link #SESSION_CONTEXT_CHANGE}, which adds the scores of the
 * {@code SESSION_*_CHANGE} kinds it names.
 */
public enum RiskSignal {
    /** No valid device cookie of this user: an unknown browser (browser flows only). */
    NEW_DEVICE(15),
    /** An address never seen in this user's earlier sign-ins. */
    NEW_IP(5),
    /** A network (IPv4 /24, IPv6 /64) never seen in this user's earlier sign-ins. */
    NEW_NETWORK(10),
    /** A country never seen in this user's earlier sign-ins (needs a City database). */
    NEW_COUNTRY(20),
    /** An autonomous system never seen in this user's earlier sign-ins (needs an ASN database). */
    NEW_ASN(10),
    /** Faster than a plane from the previous sign-in's location. */
    IMPOSSIBLE_TRAVEL(70),
    /** The address is on an operator's reputation list or flagged anonymous. */
    IP_REPUTATION(40),
    /** Recent failed sign-ins for this user. */
    FAILED_LOGIN_VELOCITY(30),
    /** Recent failures across many usernames from this network: credential stuffing or password spraying. */
    NETWORK_VELOCITY(40),
    /** Score of a session used from another network (IPv4 /24, IPv6 /64) than its own context. */
    SESSION_NETWORK_CHANGE(10),
    /** Score of a session used from another autonomous system than its own context (needs an ASN database). */
    SESSION_ASN_CHANGE(20),
    /** Score of a session used from another country than its own context: HIGH on its own with the defaults. */
    SESSION_COUNTRY_CHANGE(70),
    /** Score of a session used with another device cookie than the one it was signed in with. */
    SESSION_DEVICE_CHANGE(30),
    /**
     * The user's remembered risk is AT_RISK (a HIGH sign-in got through without a second factor): MEDIUM on its
     * own with the defaults, until the user changes the password after a second factor or an admin dismisses it.
     */
    USER_AT_RISK(40),

    /**
     * A session used from another context than its own: the detail names the kinds that changed
     * ({@code SESSION_*_CHANGE}), and the score is theirs added up.
     */
    SESSION_CONTEXT_CHANGE,
    /** The address is in the realm's {@code alwaysBlock} list: blocked without evaluation. */
    IP_ALWAYS_BLOCK,
    /** The address is in the realm's {@code alwaysAllow} list: allowed without evaluation. */
    IP_ALWAYS_ALLOW,
    /** The password was found in breach data. */
    COMPROMISED_CREDENTIALS,
    /** The breach data could not answer; its failure policy decided. */
    BREACH_CHECK_UNAVAILABLE,
    /** The risk score could not be computed; the realm's fallback decided. */
    RISK_EVALUATION_FAILED,
    /** A geolocation database could not answer; no geo signals for this sign-in. */
    GEOLOCATION_UNAVAILABLE,
    /** Failures in the user's name from strange networks alone would have made a known browser HIGH. */
    KNOWN_DEVICE_LIMIT,
    /**
     * The account is locked until its password is replaced through the e-mailed reset; the detail says why
     * (a breached password, a sign-in disowned by the user or an admin, an admin's mark). Not a breached password
     * itself: nothing was looked up.
     */
    ACCOUNT_LOCKED,
    /** The risk level requires a second factor and the user has none. */
    MFA_REQUIRED_WITHOUT_SECOND_FACTOR,
    /** The risk level asks for a second factor and the flow cannot ask for one after the step. */
    MFA_NOT_POSSIBLE_IN_FLOW,
    /** The risk level asks for the browser challenge and the client cannot answer one (direct grant). */
    CHALLENGE_NOT_POSSIBLE,
    /** The user's remembered risk is COMPROMISED: the sign-in gets the HIGH level's action. */
    USER_COMPROMISED;

    /** The name {@link #ACCOUNT_LOCKED} had in events stored by earlier versions. */
    public static final String LEGACY_ACCOUNT_LOCKED = "COMPROMISED_PASSWORD_LOCK";

    /** The signals that add to the score, in the order settings list them. */
    public static final List<RiskSignal> SCORED = Arrays.stream(values()).filter(RiskSignal::isScored).toList();

    private final int defaultScore;

    RiskSignal(int defaultScore) {
        this.defaultScore = defaultScore;
    }

    RiskSignal() {
        this(-1);
    }

    public boolean isScored() {
        return defaultScore >= 0;
    }

    /** The score a scored signal adds unless the realm's settings change it. */
    public int defaultScore() {
        if (!isScored()) {
            throw new IllegalStateException(this + " adds no score");
        }
        return defaultScore;
    }
}
