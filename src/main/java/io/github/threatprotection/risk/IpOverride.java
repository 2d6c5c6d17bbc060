package io.github.threatprotection.risk;

/** An IP exception list that decided a sign-in instead of the risk evaluation. */
public enum IpOverride {
    ALWAYS_ALLOW,
    ALWAYS_BLOCK
}
