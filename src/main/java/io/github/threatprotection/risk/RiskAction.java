package io.github.threatprotection.risk;

import java.util.List;

/**
 * What the realm does with a sign-in at a given risk level. Declared from weakest to strongest, so a higher
 * risk level can be checked to never get a weaker action than a lower one.
 */
public enum RiskAction {
    NO_ACTION,
    MFA_IF_CONFIGURED,
    /**
     * A browser sign-in goes on only once its browser has passed the challenge ({@code threat-protection-challenge},
     * a proof-of-work puzzle by default), as with {@link #NO_ACTION} after that. Stronger than
     * {@link #MFA_IF_CONFIGURED}, which lets a user without a second factor through unchecked; weaker than
     * {@link #MFA_REQUIRED}, since any person's browser passes it: it slows automated sign-ins, it proves no
     * identity.
     */
    CHALLENGE,
    MFA_REQUIRED,
    BLOCK,
    /**
     * A refresh-token grant's action only ({@code sessions.refreshActions}): the grant fails as if its session had
     * expired, and the session ends.
     */
    REVOKE;

    /** What a sign-in's risk level may get ({@code accountTakeover}): all but {@link #REVOKE}. */
    public static final List<RiskAction> SIGN_IN_ACTIONS = List.of(NO_ACTION, MFA_IF_CONFIGURED, CHALLENGE,
            MFA_REQUIRED, BLOCK);

    /** What a refresh grant's risk level may get: no second factor can be asked in a grant. */
    public static final List<RiskAction> REFRESH_ACTIONS = List.of(NO_ACTION, REVOKE);

    public boolean isWeakerThan(RiskAction other) {
        return ordinal() < other.ordinal();
    }
}
