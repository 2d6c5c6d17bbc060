package io.github.threatprotection.decision;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.IpOverride;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskScorer;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * What a browser sign-in by an existing session's SSO cookie gets, once the session's use is scored against its
 * context. Nothing, when nothing was observed: the session was evaluated when it was signed in, so a use from its
 * own context (or from an always-allowed address) is neither recorded nor given the level's action, which would
 * otherwise ask a second factor at every SSO sign-in of a realm whose LOW action asks for one. Anything observed
 * is a sign-in decided as any other: the level's {@code accountTakeover} action (a block ends the session), its
 * mail, one event; the {@code CHALLENGE} action lets it through (see {@link SignInDecision.ChallengeRoute#SESSION}).
 * Nothing here touches Keycloak.
 */
public final class SsoSignInDecision {

    private SsoSignInDecision() {
    }

    /**
     * @param settings            the effective settings of the signing-in client; callers skip evaluation when
     *                            the mode is OFF or {@code sessions.ssoSignIn} is false
     * @param score               the session use's score, asked for only when no IP exception decides
     * @param userHasSecondFactor asked only when the level asks for a second factor
     * @param userCanGetEmailCode whether a mailed code can stand in for a missing factor (see {@link SignInDecision})
     * @param flowCanAsk          whether an MFA sub-flow that can ask for the challenge follows the check
     * @return empty for a quiet use: let through, nothing recorded
     */
    public static Optional<SignInDecision> decide(SignInRiskEvaluator evaluator, ThreatProtectionSettings settings,
                                                  ClientAddress address, boolean storeNetworkOnly,
                                                  Supplier<RiskScorer.Score> score,
                                                  BooleanSupplier userHasSecondFactor,
                                                  BooleanSupplier userCanGetEmailCode,
                                                  Predicate<MfaChallenge> flowCanAsk) {
        RiskAssessment risk = evaluator.evaluate(settings, address, storeNetworkOnly, null, score);
        if (risk.override() == IpOverride.ALWAYS_ALLOW || risk.reasons().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SignInDecision.decide(risk, settings, userHasSecondFactor, userCanGetEmailCode, flowCanAsk,
                SignInDecision.ChallengeRoute.SESSION));
    }
}
