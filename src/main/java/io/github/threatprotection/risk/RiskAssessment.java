package io.github.threatprotection.risk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The verdict on one sign-in, sign-up or password change.
 *
 * @param enforced               whether the action is carried out ({@code ENFORCED} mode) or only recorded
 *                               ({@code AUDIT})
 * @param override               the IP exception list that decided the sign-in, or null when it was evaluated
 * @param compromisedCredentials whether the password was found in breach data
 */
public record RiskAssessment(RiskLevel level, RiskAction action, boolean enforced, IpOverride override,
                             boolean compromisedCredentials, List<RiskReason> reasons) {

    /** Each reason code appears once: the first of a code is kept, as events and the history page show it. */
    public RiskAssessment {
        Set<String> seen = new HashSet<>();
        reasons = reasons.stream().filter(reason -> seen.add(reason.signal())).toList();
    }

    /** With the reason added, unless the assessment has one of its code already. */
    public RiskAssessment withReason(RiskReason reason) {
        List<RiskReason> more = new ArrayList<>(reasons);
        more.add(reason);
        return new RiskAssessment(level, action, enforced, override, compromisedCredentials, more);
    }

    /** True when the sign-in must fail now. */
    public boolean blocks() {
        return enforced && action == RiskAction.BLOCK;
    }
}
