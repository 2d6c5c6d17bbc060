package io.github.threatprotection.signin;

import java.time.Duration;
import java.util.Map;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.RealmModel;

import io.github.threatprotection.challenge.ChallengeProvider;
import io.github.threatprotection.challenge.ChallengeResult;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings.Throttling;
import io.github.threatprotection.settings.ThrottleAction;
import io.github.threatprotection.spi.ThreatProtectionProvider;
import io.github.threatprotection.throttling.SourceThrottles;

/**
 * Decides, before a password is checked, whether a sign-in attempt comes from a throttled source, and what it
 * gets. Reads the realm's settings (memoised per node) and one key of Keycloak's single-use object store: no
 * database read.
 */
final class ThrottleGate {

    /** Detail of Keycloak's event for an attempt from a throttled source: the source. */
    static final String DETAIL_THROTTLED_SOURCE = "throttled_source";
    /**
     * Detail of Keycloak's event: {@code refused}, {@code challenged} (a challenge was asked for; see
     * {@link #DETAIL_CHALLENGE}), or {@code audit} when the attempt went on (AUDIT mode).
     */
    static final String DETAIL_THROTTLE = "throttle";
    /** Detail of Keycloak's event for a refusal whose answer was held back: the milliseconds. */
    static final String DETAIL_REFUSAL_DELAY = "throttle_refusal_delay_ms";
    /** Detail of Keycloak's event for a challenged attempt: {@link ChallengeResult#label()}. */
    static final String DETAIL_CHALLENGE = "challenge";
    static final String REFUSED = "refused";
    static final String CHALLENGED = "challenged";
    /** The refusal-delay metric's outcomes: held back, or answered at once for want of a free slot. */
    static final String HELD = "held";
    static final String NO_SLOT = "no_slot";
    /** The metric's result for a challenge put on a login page. */
    static final String ISSUED = "issued";

    /** What an attempt from a source gets. */
    enum Verdict {
        /** Not throttled, or throttled in AUDIT mode: the password is checked as always. */
        PASS,
        /** The wrong-password answer, no password checked. */
        BLOCK,
        /** The password is checked only after the challenge is passed. */
        CHALLENGE
    }

    /** A throttled source and the settings that apply to the attempt. */
    record Throttled(ThreatProtectionProvider threatProtection, ThreatProtectionSettings settings, String source,
                     String clientId) {
        boolean enforced() {
            return settings.mode() == Mode.ENFORCED;
        }

        boolean challenges() {
            return enforced() && settings.attackProtection().throttling().action() == ThrottleAction.CHALLENGE;
        }
    }

    private ThrottleGate() {
    }

    /** The source's throttle when the attempt comes from a throttled source (not on alwaysAllow), else null. */
    static Throttled throttled(AuthenticationFlowContext context) {
        ThreatProtectionProvider threatProtection = context.getSession().getProvider(ThreatProtectionProvider.class);
        RealmModel realm = context.getRealm();
        String clientId = context.getAuthenticationSession().getClient().getClientId();
        ThreatProtectionSettings settings = threatProtection.settings().read(realm).forClient(clientId);
        Throttling throttling = settings.attackProtection().throttling();
        if (settings.mode() == Mode.OFF || !throttling.enabled()) {
            return null;
        }
        ClientAddress address = ClientAddress.of(context.getConnection().getRemoteAddr());
        String source = SourceThrottles.source(address, throttling.scope());
        if (source == null || settings.ipExceptions().alwaysAllow().match(address).isPresent()
                || !threatProtection.throttles().isThrottled(realm.getId(), source)) {
            return null;
        }
        return new Throttled(threatProtection, settings, source, clientId);
    }

    /**
     * Whether a login page about to be shown needs a challenge: only when the settings say {@code CHALLENGE}, so
     * the page of a realm that blocks or does not throttle looks nothing up.
     */
    static Throttled challengingPage(AuthenticationFlowContext context) {
        ThreatProtectionSettings settings = context.getSession().getProvider(ThreatProtectionProvider.class)
                .settings().read(context.getRealm())
                .forClient(context.getAuthenticationSession().getClient().getClientId());
        if (settings.mode() != Mode.ENFORCED || !settings.attackProtection().throttling().enabled()
                || settings.attackProtection().throttling().action() != ThrottleAction.CHALLENGE) {
            return null;
        }
        Throttled throttled = throttled(context);
        return throttled != null && throttled.challenges() ? throttled : null;
    }

    /**
     * What this attempt gets. An attempt from a throttled source is counted, and noted on Keycloak's event; in
     * AUDIT mode it goes on.
     */
    static Verdict verdict(AuthenticationFlowContext context, Throttled throttled) {
        if (throttled == null) {
            return Verdict.PASS;
        }
        boolean enforced = throttled.enforced();
        throttled.threatProtection().metrics().throttledAttempt(context.getRealm().getName(), throttled.clientId(),
                enforced);
        context.getEvent().detail(DETAIL_THROTTLED_SOURCE, throttled.source());
        if (!enforced) {
            context.getEvent().detail(DETAIL_THROTTLE, "audit");
            return Verdict.PASS;
        }
        if (throttled.challenges()) {
            context.getEvent().detail(DETAIL_THROTTLE, CHALLENGED);
            return Verdict.CHALLENGE;
        }
        context.getEvent().detail(DETAIL_THROTTLE, REFUSED);
        return Verdict.BLOCK;
    }

    /**
     * Puts a fresh challenge on the login page about to be rendered, and counts it. The page is the session's
     * one login forms provider, which the form step then renders.
     */
    static void addChallenge(AuthenticationFlowContext context, Throttled throttled) {
        context.getSession().getProvider(ChallengeProvider.class).addTo(
                context.getSession().getProvider(LoginFormsProvider.class),
                context.getAuthenticationSession(), throttled.settings().attackProtection().challenge());
        throttled.threatProtection().metrics().challenge(context.getRealm().getName(), ISSUED);
    }

    /**
     * Whether a failed attempt's event says it was refused for its source before any password was checked:
     * blocked, or challenged and not solved. A solved challenge's wrong password is a failure like any other.
     */
    static boolean checkedNoPassword(Map<String, String> details) {
        String throttle = details.get(DETAIL_THROTTLE);
        return REFUSED.equals(throttle)
                || CHALLENGED.equals(throttle) && !ChallengeResult.SOLVED.label().equals(details.get(DETAIL_CHALLENGE));
    }

    /**
     * A throttled source's attempt is refused: its answer is held back by the settings' delay while this node has
     * a slot for it, noted on Keycloak's event (which must not have been sent yet).
     */
    static void holdBack(AuthenticationFlowContext context, Throttled throttled) {
        Duration delay = throttled.settings().attackProtection().throttling().refusalDelay();
        if (delay.isZero()) {
            return;
        }
        boolean held = throttled.threatProtection().refusalDelay().holdBack(context.getSession(), delay);
        throttled.threatProtection().metrics().refusalDelay(context.getRealm().getName(), held ? HELD : NO_SLOT);
        if (held) {
            context.getEvent().detail(DETAIL_REFUSAL_DELAY, Long.toString(delay.toMillis()));
        }
    }

    /**
     * Records how a challenge, throttling's or a risk level's, was answered: on Keycloak's event and in the
     * metric.
     */
    static void recordAnswer(AuthenticationFlowContext context, ThreatProtectionProvider threatProtection,
                             ChallengeResult result) {
        context.getEvent().detail(DETAIL_CHALLENGE, result.label());
        threatProtection.metrics().challenge(context.getRealm().getName(), result.label());
    }
}
