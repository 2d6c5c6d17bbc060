package io.github.threatprotection.decision;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.NotificationPolicy;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.MfaFallback;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * What a sign-in with the right password gets, once its risk is assessed: let through, asked for a second
 * factor, or refused; whether the account is locked, which notification goes out, and whether a new password is
 * required. The authentication step carries it out; nothing here touches Keycloak.
 *
 * @param risk                  the assessment, with the reason when a second factor was asked for and cannot be
 * @param blocked               the sign-in fails like a wrong password
 * @param challenge             the second factor the flow's risk-MFA sub-flow asks for next, or null
 * @param browserChallenge      the sign-in goes on only once its browser passes the challenge (action
 *                              {@code CHALLENGE}); an answer that does not pass ends it as {@code blocked} would
 * @param lockAccount           the password was found in breach data and the realm blocks such sign-ins: the
 *                              account stays locked until the password is replaced
 * @param requirePasswordChange the user must choose a new password before the sign-in completes
 * @param notification          the mail the user gets, or null
 */
public record SignInDecision(RiskAssessment risk, boolean blocked, MfaChallenge challenge, boolean browserChallenge,
                             boolean lockAccount, boolean requirePasswordChange, NotificationKind notification) {

    /** What the {@code CHALLENGE} action can mean where the sign-in is decided. */
    public enum ChallengeRoute {
        /** A browser flow's step: the challenge page comes next. */
        PAGE,
        /** A client that cannot answer a challenge (direct grant): refused, as {@code BLOCK} would be. */
        NONE,
        /**
         * A session's SSO cookie: let through, as {@code NO_ACTION} would be. Its browser showed it could pass
         * checks when the session was signed in, and a puzzle proves no identity, so it would not tell a stolen
         * cookie's holder from the user.
         */
        SESSION
    }

    /**
     * A sign-in to a locked account: refused whatever the mode, since turning protection off must not unlock. Not
     * a breached password (the lock may come from a disowned sign-in, and nothing was looked up), so it is not
     * counted as one.
     */
    public static final RiskAssessment LOCKED_ACCOUNT = lockedAccount(null);

    /**
     * {@link #LOCKED_ACCOUNT} with its reason {@code ACCOUNT_LOCKED} saying why the account is locked.
     *
     * @param why the lock's reason in words, or null when it was not recorded
     */
    public static RiskAssessment lockedAccount(String why) {
        return new RiskAssessment(RiskLevel.HIGH, RiskAction.BLOCK, true, null, false, List.of(new RiskReason(
                RiskSignal.ACCOUNT_LOCKED, 0, "the account is locked" + (why == null ? "" : " because " + why)
                + " until its password is replaced through the e-mailed reset or an admin unlocks it")));
    }

    /**
     * @param userHasSecondFactor whether the user has OTP or WebAuthn configured; asked only when the risk level
     *                            asks for a second factor (it reads the user's credentials)
     * @param userCanGetEmailCode whether a code can stand in for it: the user has a verified e-mail address and
     *                            the sign-in is not a password reset (whose link came through that mailbox);
     *                            asked only for a user without a factor when the fallback is {@code EMAIL_CODE}
     * @param flowCanAsk          whether the flow has an enabled sub-flow gated by "Condition - risk requires MFA"
     *                            after the step that can ask for this challenge; asked only for the challenge due
     * @param challengeRoute      what the {@code CHALLENGE} action means here
     */
    public static SignInDecision decide(RiskAssessment assessed, ThreatProtectionSettings settings,
                                        BooleanSupplier userHasSecondFactor, BooleanSupplier userCanGetEmailCode,
                                        Predicate<MfaChallenge> flowCanAsk, ChallengeRoute challengeRoute) {
        RiskAssessment risk = assessed;
        boolean mfaRequested = risk.enforced() && asksForSecondFactor(risk.action());
        MfaChallenge due = null;
        if (mfaRequested && userHasSecondFactor.getAsBoolean()) {
            due = MfaChallenge.MFA;
        } else if (mfaRequested && settings.accountTakeover().mfaFallback() == MfaFallback.EMAIL_CODE
                && userCanGetEmailCode.getAsBoolean()) {
            // The mailed code counts as the user's factor, for MFA_IF_CONFIGURED as for MFA_REQUIRED: a user
            // without OTP or WebAuthn would otherwise pass unchallenged or be refused.
            due = MfaChallenge.EMAIL_CODE;
        }
        MfaChallenge challenge = due != null && flowCanAsk.test(due) ? due : null;
        boolean mfaImpossible = false;
        if (due != null && challenge == null) {
            // Letting the sign-in through would skip the second factor the risk level asked for.
            mfaImpossible = true;
            risk = risk.withReason(new RiskReason(RiskSignal.MFA_NOT_POSSIBLE_IN_FLOW, 0, "this risk level asks for a"
                    + " second factor and this flow has no sub-flow gated by 'Condition - risk requires MFA'"
                    + (due == MfaChallenge.EMAIL_CODE ? " with the e-mail code step" : "")));
        } else if (mfaRequested && due == null && risk.action() == RiskAction.MFA_REQUIRED) {
            // Never offer enrolment during a risky sign-in: whoever signs in now would enrol their own factor.
            mfaImpossible = true;
            risk = risk.withReason(new RiskReason(RiskSignal.MFA_REQUIRED_WITHOUT_SECOND_FACTOR, 0, "this risk level"
                    + " requires a second factor and the user has none"));
        }
        boolean challengeAsked = risk.enforced() && risk.action() == RiskAction.CHALLENGE;
        boolean browserChallenge = challengeAsked && challengeRoute == ChallengeRoute.PAGE;
        boolean challengeImpossible = challengeAsked && challengeRoute == ChallengeRoute.NONE;
        if (challengeImpossible) {
            risk = risk.withReason(new RiskReason(RiskSignal.CHALLENGE_NOT_POSSIBLE, 0, "this risk level asks for the"
                    + " browser challenge and a direct grant cannot answer one"));
        }
        boolean blocked = risk.blocks() || mfaImpossible || challengeImpossible;
        // Only a password actually found locks the account; a range API outage under the closed policy fails
        // this sign-in alone.
        boolean lockAccount = blocked && risk.compromisedCredentials()
                && settings.compromisedCredentials().action() == CompromisedCredentialsAction.BLOCK;
        boolean requirePasswordChange = !blocked && risk.compromisedCredentials() && risk.enforced()
                && settings.compromisedCredentials().requirePasswordChange();
        NotificationKind notification = NotificationPolicy.kindFor(risk,
                settings.accountTakeover().forLevel(risk.level()).notifyUser(), blocked, challenge != null);
        return new SignInDecision(risk, blocked, challenge, browserChallenge, lockAccount, requirePasswordChange,
                notification);
    }

    /**
     * Whether the sign-in is refused because its level asks for the challenge and the client cannot answer one
     * (direct grant): its answer counts as missing, as a throttled source's grant's does.
     */
    public boolean challengeUnanswerable() {
        return blocked && risk.enforced() && risk.action() == RiskAction.CHALLENGE;
    }

    /** Whether the sign-in goes on to the flow's risk-MFA sub-flow. */
    public boolean askSecondFactor() {
        return challenge != null;
    }

    /**
     * The mail that goes out with the event: a password reset that goes on is told of later, by the password-reset
     * mail once the new password is set; only a refused reset gets its level's mail now.
     */
    public NotificationKind notificationNow(boolean passwordReset) {
        return passwordReset && !blocked ? null : notification;
    }

    private static boolean asksForSecondFactor(RiskAction action) {
        return action == RiskAction.MFA_IF_CONFIGURED || action == RiskAction.MFA_REQUIRED;
    }
}
