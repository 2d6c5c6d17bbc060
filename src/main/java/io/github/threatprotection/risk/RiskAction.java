package io.github.threatprotection.risk;

/**
 * What the realm does with a sign-in at a given risk level. Declared from weakest to strongest, so a higher
 * risk level can be checked to never get a weaker action than a lower one.
 */
public enum RiskAction {
    NO_ACTION,
    MFA_IF_CONFIGURED,
    MFA_REQUIRED,
    BLOCK;

    public boolean isWeakerThan(RiskAction other) {
        return ordinal() < other.ordinal();
    }
}
