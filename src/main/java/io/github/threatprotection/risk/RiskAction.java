package io.github.threatprotection.risk;

import java.util.List;

/**
 * What the realm does with a sign-in at a given risk level. Declared from weakest to strongest, so a higher
 * risk level can be checked to never get a weaker action than a lower one.
 */
public enum RiskAction {
    NO_ACTION,
    MFA_IF_CONFIGURED,
    MFA_REQUIRED,
    BLOCK,
    /**
     * A refresh-token grant's action only ({@code sessions.refreshActions}): the grant fails as if its session had
     * expired, and the session ends.
     */
    REVOKE;

    /** What a sign-in's risk level may get ({@code accountTakeover}): all but {@link #REVOKE}. */
    public static final List<RiskAction> SIGN_IN_ACTIONS = List.of(NO_ACTION, MFA_IF_CONFIGURED, MFA_REQUIRED, BLOCK);

    /** What a refresh grant's risk level may get: no second factor can be asked in a grant. */
    public static final List<RiskAction> REFRESH_ACTIONS = List.of(NO_ACTION, REVOKE);

    public boolean isWeakerThan(RiskAction other) {
        return ordinal() < other.ordinal();
    }
}
