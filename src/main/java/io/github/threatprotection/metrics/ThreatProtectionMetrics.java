package io.github.threatprotection.metrics;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAssessment;

/**
 * The extension's meters in Keycloak's Micrometer registry, exported with Keycloak's own on the management
 * interface's {@code /metrics} when {@code metrics-enabled} is on. Labels are bounded by configuration (realm,
 * client, operation, level, action): never a user or an address.
 */
public final class ThreatProtectionMetrics {

    private final MeterRegistry registry;

    public ThreatProtectionMetrics() {
        this(Metrics.globalRegistry);
    }

    ThreatProtectionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts an evaluated sign-in, sign-up or password change, and how long its evaluation took. */
    public void evaluated(String realm, RiskEvent event, Duration took) {
        String client = event.clientId() == null ? "none" : event.clientId();
        String operation = event.type().name();
        Counter.builder("threat.protection.evaluations")
                .description("Risk evaluations")
                .tag("realm", realm)
                .tag("client", client)
                .tag("operation", operation)
                .tag("level", event.risk().level().name())
                .tag("action", event.risk().action().name())
                .tag("enforced", String.valueOf(event.risk().enforced()))
                .register(registry)
                .increment();
        if (event.risk().compromisedCredentials()) {
            Counter.builder("threat.protection.compromised.credentials")
                    .description("Passwords found in breach data")
                    .tag("realm", realm)
                    .tag("operation", operation)
                    .register(registry)
                    .increment();
        }
        if (event.risk().override() != null) {
            Counter.builder("threat.protection.ip.overrides")
                    .description("Sign-ins decided by an IP exception list")
                    .tag("realm", realm)
                    .tag("override", event.risk().override().name())
                    .register(registry)
                    .increment();
        }
        Timer.builder("threat.protection.evaluation.duration")
                .description("Time the threat-protection step spent on a sign-in")
                .tag("realm", realm)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    /**
     * Counts an evaluated refresh-token grant, recorded or not (a use from the session's own context writes no
     * event, and is counted here all the same), and how long its evaluation took.
     */
    public void refreshEvaluated(String realm, String clientId, RiskAssessment risk, Duration took) {
        Counter.builder("threat.protection.evaluations")
                .description("Risk evaluations")
                .tag("realm", realm)
                .tag("client", clientId)
                .tag("operation", EventType.TOKEN_REFRESH.name())
                .tag("level", risk.level().name())
                .tag("action", risk.action().name())
                .tag("enforced", String.valueOf(risk.enforced()))
                .register(registry)
                .increment();
        Timer.builder("threat.protection.refresh.evaluation.duration")
                .description("Time the refresh-grant check spent on a refresh-token grant")
                .tag("realm", realm)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    /**
     * Counts a browser sign-in by an existing session's SSO cookie that was checked, recorded or not (a use from the
     * session's own context writes no event, and is counted here all the same), and how long the check took.
     */
    public void ssoSignInEvaluated(String realm, String clientId, RiskAssessment risk, Duration took) {
        Counter.builder("threat.protection.evaluations")
                .description("Risk evaluations")
                .tag("realm", realm)
                .tag("client", clientId)
                .tag("operation", EventType.SSO_SIGN_IN.name())
                .tag("level", risk.level().name())
                .tag("action", risk.action().name())
                .tag("enforced", String.valueOf(risk.enforced()))
                .register(registry)
                .increment();
        Timer.builder("threat.protection.sso.evaluation.duration")
                .description("Time the SSO sign-in check spent on a sign-in by an SSO cookie")
                .tag("realm", realm)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    /**
     * Counts a notification delivery attempt by result: {@code sent}, {@code retry} (failed, will be tried
     * again), {@code failed} (given up) or {@code skipped} (no verified address, no SMTP settings).
     */
    public void notification(String realm, NotificationKind kind, String result) {
        Counter.builder("threat.protection.notifications")
                .description("Notification e-mail delivery attempts")
                .tag("realm", realm)
                .tag("kind", kind.name())
                .tag("result", result)
                .register(registry)
                .increment();
    }

    /**
     * Counts a password-reset mail a lock sends its user, by the lock's reason and outcome: {@code SENT},
     * {@code NO_SMTP}, {@code NO_EMAIL} or {@code FAILED}.
     */
    public void resetMail(String realm, String reason, String outcome) {
        Counter.builder("threat.protection.lock.reset.mails")
                .description("Password-reset mails sent to the users of locked accounts")
                .tag("realm", realm)
                .tag("reason", reason)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /** Counts a source newly throttled after its failures reached the limit. */
    public void throttled(String realm, String scope) {
        Counter.builder("threat.protection.throttles")
                .description("Sources throttled after repeated failed sign-ins")
                .tag("realm", realm)
                .tag("scope", scope)
                .register(registry)
                .increment();
    }

    /**
     * Counts a sign-in attempt from a throttled source: refused before its password was checked
     * ({@code enforced="true"}), or let through in AUDIT mode ({@code enforced="false"}).
     */
    public void throttledAttempt(String realm, String client, boolean enforced) {
        Counter.builder("threat.protection.throttled.attempts")
                .description("Sign-in attempts from throttled sources")
                .tag("realm", realm)
                .tag("client", client)
                .tag("enforced", String.valueOf(enforced))
                .register(registry)
                .increment();
    }

    /**
     * Counts refusals of throttled sources' attempts by whether their answer was held back ({@code held}) or sent
     * at once because every slot of the node was taken ({@code no_slot}).
     */
    public void refusalDelay(String realm, String outcome) {
        Counter.builder("threat.protection.throttle.refusal.delays")
                .description("Refusals of throttled sources held back, or answered at once for want of a slot")
                .tag("realm", realm)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /**
     * Counts the challenges put to throttled sources: {@code issued} (on a login page), then how answers fared:
     * {@code solved}, {@code missing}, {@code invalid}, {@code expired} or {@code replayed}.
     */
    public void challenge(String realm, String result) {
        Counter.builder("threat.protection.challenges")
                .description("Challenges put to throttled sources, and how they were answered")
                .tag("realm", realm)
                .tag("result", result)
                .register(registry)
                .increment();
    }

    /**
     * Counts a request over a limit: {@code limit} is {@code reset_mail_network}, {@code reset_mail_user} or
     * {@code registration_network}; refused ({@code enforced="true"}) or let through in AUDIT mode.
     */
    public void limited(String realm, String limit, boolean enforced) {
        Counter.builder("threat.protection.limited")
                .description("Password-reset mails and registrations over their limits")
                .tag("realm", realm)
                .tag("limit", limit)
                .tag("enforced", String.valueOf(enforced))
                .register(registry)
                .increment();
    }

    /**
     * Counts what happened to an e-mailed sign-in code: {@code sent}, {@code not_sent} (the mail failed),
     * {@code accepted}, {@code wrong}, {@code expired}, or {@code too_many_wrong} (the sign-in ended).
     */
    public void emailCode(String realm, String result) {
        Counter.builder("threat.protection.email.codes")
                .description("E-mailed sign-in codes sent and checked")
                .tag("realm", realm)
                .tag("result", result)
                .register(registry)
                .increment();
    }

    /**
     * Gauges a realm's users in a risk state ({@code AT_RISK}, {@code COMPROMISED}); the count is read when the
     * registry is scraped.
     */
    public void usersAtRisk(String realm, String state, Supplier<Number> count) {
        Gauge.builder("threat.protection.users.at.risk", count)
                .description("Users whose remembered risk is in this state")
                .tag("realm", realm)
                .tag("state", state)
                .register(registry);
    }

    /** A removed realm's users-at-risk gauges. */
    public void forgetUsersAtRisk(String realm) {
        registry.find("threat.protection.users.at.risk").tag("realm", realm).meters().forEach(registry::remove);
    }

    /** Exports a failure count a dependency keeps (geolocation, breach API, breach corpus, SMTP). */
    public <T> void dependencyErrors(String dependency, T source, ToDoubleFunction<T> count) {
        FunctionCounter.builder("threat.protection.dependency.errors", source, count)
                .description("Failures of a dependency: unreadable files, failed calls")
                .tag("dependency", dependency)
                .register(registry);
    }
}
