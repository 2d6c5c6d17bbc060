package io.github.threatprotection.risk;

/** The observations that raise a sign-in's risk score; each is a reason code on the event. */
public enum RiskSignal {
    /** No valid device cookie of this user: an unknown browser. */
    NEW_DEVICE,
    /** An address never seen in this user's successful sign-ins. */
    NEW_IP,
    /** A network (IPv4 /24, IPv6 /64) never seen in this user's successful sign-ins. */
    NEW_NETWORK,
    NEW_COUNTRY,
    NEW_ASN,
    /** Faster than a plane from the previous successful sign-in's location. */
    IMPOSSIBLE_TRAVEL,
    /** The address is on an operator's reputation list or flagged anonymous. */
    IP_REPUTATION,
    /** Recent failed sign-ins for this user. */
    FAILED_LOGIN_VELOCITY,
    /** Recent failures across many usernames from this network: credential stuffing or password spraying. */
    NETWORK_VELOCITY
}
