package io.github.threatprotection.risk;

import java.util.List;

/**
 * The verdict on one sign-in.
 *
 * @param enforced whether the action is carried out ({@code ENFORCED} mode) or only recorded ({@code AUDIT})
 * @param override the IP exception list that decided the sign-in, or null when it was evaluated
 */
public record RiskAssessment(RiskLevel level, RiskAction action, boolean enforced, IpOverride override,
                             List<RiskReason> reasons) {

    public RiskAssessment {
        reasons = List.copyOf(reasons);
    }

    /** True when the sign-in must fail now. */
    public boolean blocks() {
        return enforced && action == RiskAction.BLOCK;
    }
}
