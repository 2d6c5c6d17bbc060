package io.github.threatprotection.decision;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskScorer;
import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.risk.SignInObservation;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * Decides a stored event again under other settings, from the facts kept with it, through the same code the
 * sign-in step runs: {@link SignInRiskEvaluator} (IP exceptions, breach action, level action), {@link RiskScorer}
 * (the facts to a level) and {@link SignInDecision} (second factor, block, mail). Nothing is read or written.
 */
public final class SignInReplay {

    /**
     * A stored event, as a replay needs it.
     *
     * @param passwordEntrance the user typed a password (the breach check applies)
     * @param address          the address the event keeps (with {@code privacy.storeNetworkOnly}, its network's
     *                         first address)
     * @param where            the event's address, network, country and ASN, for the reasons' details
     * @param facts            null when neither the event's facts nor its reasons allow a replay
     * @param lockedAccount    the account was locked: refused whatever the settings
     */
    public record Event(EventType type, boolean passwordEntrance, ClientAddress address, SignInObservation where,
                        ReplayFacts facts, boolean lockedAccount) {
    }

    /**
     * What an event gets under some settings.
     *
     * @param level        null when the settings evaluate nothing (mode OFF, or a password event not checked)
     * @param action       the action the event records (null when not evaluated)
     * @param notification the mail due, before the per-user mail limit; null for none
     */
    public record Outcome(RiskLevel level, RiskAction action, NotificationKind notification) {
        public static final Outcome NOT_EVALUATED = new Outcome(null, null, null);
    }

    private static final RiskScorer SCORER = new RiskScorer();

    private final SignInRiskEvaluator evaluator;
    private final boolean storeNetworkOnly;

    /**
     * @param failureAction    the server's risk-evaluation-failure action (a replay never fails to score, but the
     *                         evaluator is the sign-in step's)
     * @param storeNetworkOnly the realm's {@code privacy.storeNetworkOnly}, for the reasons' details only
     */
    public SignInReplay(RiskAction failureAction, boolean storeNetworkOnly) {
        this.evaluator = new SignInRiskEvaluator(failureAction);
        this.storeNetworkOnly = storeNetworkOnly;
    }

    /** The event's outcome under {@code settings}, or null when it cannot be replayed. */
    public Outcome replay(ThreatProtectionSettings settings, Event event) {
        if (event.lockedAccount()) {
            // A locked account is refused whatever the mode, and nobody is mailed.
            return new Outcome(SignInDecision.LOCKED_ACCOUNT.level(), SignInDecision.LOCKED_ACCOUNT.action(), null);
        }
        if (settings.mode() == Mode.OFF) {
            return Outcome.NOT_EVALUATED;
        }
        ReplayFacts facts = event.facts();
        if (facts == null) {
            return null;
        }
        if (event.type() == EventType.SIGN_UP || event.type() == EventType.PASSWORD_CHANGE) {
            if (!settings.compromisedCredentials().events().contains(event.type())) {
                return Outcome.NOT_EVALUATED;
            }
            RiskAssessment risk = evaluator.evaluatePassword(settings, breach(facts));
            return new Outcome(risk.level(), risk.action(), null);
        }
        if (!event.type().scored() || event.type() == EventType.SSO_SIGN_IN) {
            // A session's use is scored against the session's context, which the event does not keep.
            return null;
        }
        CompromisedCredentialCheck.Result breach = event.passwordEntrance()
                && settings.compromisedCredentials().events().contains(EventType.SIGN_IN)
                && settings.ipExceptions().alwaysBlock().match(event.address()).isEmpty() ? breach(facts) : null;
        RiskScoring scoring = facts.cookieless()
                ? settings.riskScoring().without(RiskSignal.NEW_DEVICE) : settings.riskScoring();
        boolean[] scoreAsked = new boolean[1];
        RiskAssessment risk = evaluator.evaluate(settings, event.address(), storeNetworkOnly, breach, () -> {
            scoreAsked[0] = true;
            return facts.signals() == null ? null : SCORER.score(scoring, event.where(), facts.signals());
        });
        if (scoreAsked[0] && facts.signals() == null) {
            // An IP exception decided the recorded sign-in, so no signal was ever computed for it.
            return null;
        }
        if (facts.userCompromised()) {
            risk = UserRiskEffect.apply(risk, settings, UserRisk.State.COMPROMISED);
        }
        SignInDecision decision = SignInDecision.decide(risk, settings, facts::hasSecondFactor,
                facts::canGetEmailCode, challenge -> challenge == MfaChallenge.EMAIL_CODE
                        ? Boolean.TRUE.equals(facts.flowCanAskEmailCode()) : !Boolean.FALSE.equals(facts.flowCanAsk()),
                facts.cookieless() ? SignInDecision.ChallengeRoute.NONE : SignInDecision.ChallengeRoute.PAGE);
        return new Outcome(risk.level(), risk.action(),
                decision.notificationNow(event.type() == EventType.PASSWORD_RESET));
    }

    /** A password not checked when recorded is taken as not found: no breach data knows it now. */
    private static CompromisedCredentialCheck.Result breach(ReplayFacts facts) {
        return facts.breach() != null ? facts.breach() : new CompromisedCredentialCheck.Result(
                CompromisedCredentialCheck.Status.NOT_FOUND, 0, false, "not checked when recorded");
    }
}
