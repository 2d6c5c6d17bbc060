package io.github.threatprotection.decision;

import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * What a user's remembered risk does to a sign-in, and which sign-ins raise it. {@code AT_RISK} adds the scored
 * signal {@code USER_AT_RISK} (see the scorer); {@code COMPROMISED} gives the sign-in the HIGH level's action.
 * A password reset is how a user remedies either, so neither applies to one; IP exceptions still decide first.
 */
public final class UserRiskEffect {

    private UserRiskEffect() {
    }

    /** The assessment with a compromised user's sign-in raised to HIGH and at least the HIGH level's action. */
    public static RiskAssessment apply(RiskAssessment assessed, ThreatProtectionSettings settings,
                                       UserRisk.State state) {
        if (state != UserRisk.State.COMPROMISED || assessed.override() != null) {
            return assessed;
        }
        RiskAction high = settings.accountTakeover().forLevel(RiskLevel.HIGH).action();
        RiskAction action = assessed.action().isWeakerThan(high) ? high : assessed.action();
        return new RiskAssessment(RiskLevel.HIGH, action, assessed.enforced(), null,
                assessed.compromisedCredentials(), assessed.reasons())
                .withReason(new RiskReason(RiskSignal.USER_COMPROMISED, 0, "the user's risk is COMPROMISED: every"
                        + " sign-in gets the HIGH level's action until the password is changed after a second factor"
                        + " or through the e-mailed reset, or an admin dismisses the risk"));
    }

    /**
     * What raises the user's risk after a sign-in was decided, or null: a password found in breach data
     * (COMPROMISED) when the realm acts on breached passwords (a realm whose {@code compromisedCredentials} are
     * {@code NO_ACTION} without {@code requirePasswordChange} asked for them to be recorded only); AT_RISK when a
     * HIGH sign-in goes on without a second factor being asked (in AUDIT, every HIGH sign-in that would have been
     * challenged or blocked).
     */
    public static UserRisk.Cause raisedBy(SignInDecision decision, ThreatProtectionSettings settings) {
        boolean actsOnBreaches = settings.compromisedCredentials().action() == CompromisedCredentialsAction.BLOCK
                || settings.compromisedCredentials().requirePasswordChange();
        if (decision.risk().compromisedCredentials() && actsOnBreaches) {
            return UserRisk.Cause.BREACHED_PASSWORD;
        }
        if (decision.risk().level() == RiskLevel.HIGH && !decision.blocked() && !decision.askSecondFactor()
                && decision.risk().override() == null) {
            return UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA;
        }
        return null;
    }

    /** The state a cause raises to. */
    public static UserRisk.State stateOf(UserRisk.Cause cause) {
        return cause == UserRisk.Cause.HIGH_RISK_SIGN_IN_WITHOUT_MFA ? UserRisk.State.AT_RISK
                : UserRisk.State.COMPROMISED;
    }
}
