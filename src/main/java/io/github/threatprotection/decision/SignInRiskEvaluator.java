package io.github.threatprotection.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.risk.IpOverride;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskScorer;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * Decides the risk level and action of a sign-in, or of a password being set, from the settings that apply
 * to it. For a sign-in, IP exceptions decide first (block wins over allow); a breached password leads to the
 * compromised-credentials action; everything else is scored.
 */
public final class SignInRiskEvaluator {


    private static final Logger LOG = Logger.getLogger(SignInRiskEvaluator.class);

    private final RiskAction failureAction;
    private final AtomicLong failures = new AtomicLong();

    /** An evaluator whose failures block: the server option's default. */
    public SignInRiskEvaluator() {
        this(RiskAction.BLOCK);
    }

    /**
     * @param failureAction what a sign-in gets when its score cannot be computed (a failing database read, a
     *                      bug): never a silent allow, since the event records the failure and it is counted
     */
    public SignInRiskEvaluator(RiskAction failureAction) {
        this.failureAction = failureAction;
    }

    /** The server option {@code risk-evaluation-failure}. */
    public RiskAction failureAction() {
        return failureAction;
    }

    /** Sign-ins whose score could not be computed, since start, for metrics. */
    public long failures() {
        return failures.get();
    }

    /**
     * As {@link #evaluate(ThreatProtectionSettings, ClientAddress, boolean, CompromisedCredentialCheck.Result,
     * Supplier)}, unscored.
     */
    public RiskAssessment evaluate(ThreatProtectionSettings settings, ClientAddress clientAddress,
                                   boolean storeNetworkOnly, CompromisedCredentialCheck.Result breach) {
        return evaluate(settings, clientAddress, storeNetworkOnly, breach, () -> null);
    }

    /**
     * @param settings         the effective settings; callers skip evaluation entirely when the mode is OFF
     * @param clientAddress    the address Keycloak saw the request come from
     * @param storeNetworkOnly the realm's {@code privacy.storeNetworkOnly}: reasons name the address as the event
     *                         keeps it
     * @param breach           the password's breach check, or null when it was not checked
     * @param score            the signals' score, asked for only when no IP exception decides; null counts as LOW
     *                         with no reasons
     */
    public RiskAssessment evaluate(ThreatProtectionSettings settings, ClientAddress clientAddress,
                                   boolean storeNetworkOnly, CompromisedCredentialCheck.Result breach,
                                   Supplier<RiskScorer.Score> score) {
        boolean enforced = settings.mode() == Mode.ENFORCED;
        ThreatProtectionSettings.IpExceptions exceptions = settings.ipExceptions();
        List<RiskReason> reasons = new ArrayList<>();
        boolean compromised = addBreachReasons(breach, reasons);

        // Levels on IP overrides are nominal: the lists decide without scoring.
        Optional<IpRange> blocked = exceptions.alwaysBlock().match(clientAddress);
        if (blocked.isPresent()) {
            reasons.add(0, new RiskReason(RiskSignal.IP_ALWAYS_BLOCK, 0, clientAddress.recorded(storeNetworkOnly)
                    + " is in ipExceptions.alwaysBlock entry " + clientAddress.recordedEntry(blocked.get(),
                    storeNetworkOnly)));
            return new RiskAssessment(RiskLevel.HIGH, RiskAction.BLOCK, enforced, IpOverride.ALWAYS_BLOCK,
                    compromised, reasons);
        }
        RiskAction breachAction = breachAction(settings, breach);
        Optional<IpRange> allowed = exceptions.alwaysAllow().match(clientAddress);
        if (allowed.isPresent()) {
            reasons.add(0, new RiskReason(RiskSignal.IP_ALWAYS_ALLOW, 0, clientAddress.recorded(storeNetworkOnly)
                    + " is in ipExceptions.alwaysAllow entry " + clientAddress.recordedEntry(allowed.get(),
                    storeNetworkOnly)));
            return new RiskAssessment(RiskLevel.LOW, breachAction, enforced, IpOverride.ALWAYS_ALLOW, compromised,
                    reasons);
        }

        RiskScorer.Score scored;
        try {
            scored = score.get();
        } catch (RuntimeException e) {
            return failed(enforced, compromised, reasons, breachAction, e);
        }
        RiskLevel level = scored == null ? RiskLevel.LOW : scored.level();
        if (scored != null) {
            reasons.addAll(scored.reasons());
        }
        RiskAction levelAction = settings.accountTakeover().forLevel(level).action();
        RiskAction action = breachAction.isWeakerThan(levelAction) ? levelAction : breachAction;
        return new RiskAssessment(level, action, enforced, null, compromised, reasons);
    }

    /** The safe verdict when scoring threw: HIGH, the failure action (or the breach action if stronger). */
    private RiskAssessment failed(boolean enforced, boolean compromised, List<RiskReason> reasons,
                                  RiskAction breachAction, RuntimeException e) {
        if (failures.getAndIncrement() == 0) {
            LOG.warn("A sign-in's risk score could not be computed; it gets the risk-evaluation-failure action "
                    + failureAction + ". Further failures are logged at debug level and counted", e);
        } else {
            LOG.debugf(e, "Risk score failed; action %s", failureAction);
        }
        reasons.add(new RiskReason(RiskSignal.RISK_EVALUATION_FAILED, 0, "the risk score could not be computed ("
                + e.getClass().getSimpleName() + "); the server's risk-evaluation-failure action " + failureAction
                + " applies"));
        RiskAction action = breachAction.isWeakerThan(failureAction) ? failureAction : breachAction;
        return new RiskAssessment(RiskLevel.HIGH, action, enforced, null, compromised, reasons);
    }

    /** The verdict on a password being set at sign-up or password change: only breach data counts. */
    public RiskAssessment evaluatePassword(ThreatProtectionSettings settings,
                                           CompromisedCredentialCheck.Result breach) {
        List<RiskReason> reasons = new ArrayList<>();
        boolean compromised = addBreachReasons(breach, reasons);
        RiskAction action = breachAction(settings, breach);
        return new RiskAssessment(action == RiskAction.BLOCK || compromised ? RiskLevel.HIGH : RiskLevel.LOW, action,
                settings.mode() == Mode.ENFORCED, null, compromised, reasons);
    }

    /**
     * The compromised-credentials action applies to a password found in breach data, and to one that could not
     * be checked when the range API's failure policy is closed.
     */
    private static RiskAction breachAction(ThreatProtectionSettings settings, CompromisedCredentialCheck.Result breach) {
        return breach != null && breach.compromised()
                && settings.compromisedCredentials().action() == CompromisedCredentialsAction.BLOCK
                ? RiskAction.BLOCK : RiskAction.NO_ACTION;
    }

    /** Adds the breach check's reason; returns whether the password was found in breach data. */
    private static boolean addBreachReasons(CompromisedCredentialCheck.Result breach, List<RiskReason> reasons) {
        if (breach == null) {
            return false;
        }
        switch (breach.status()) {
            case FOUND -> reasons.add(new RiskReason(RiskSignal.COMPROMISED_CREDENTIALS, 0, breach.detail()));
            case UNAVAILABLE -> reasons.add(new RiskReason(RiskSignal.BREACH_CHECK_UNAVAILABLE, 0, breach.detail()));
            case NOT_FOUND -> {
            }
        }
        return breach.status() == CompromisedCredentialCheck.Status.FOUND;
    }
}
