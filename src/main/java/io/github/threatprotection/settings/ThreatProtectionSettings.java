package io.github.threatprotection.settings;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskScoring;

/**
 * The settings that apply to one sign-in: a realm's, or a realm's with one client's override merged over them.
 * Immutable; build changed copies with the {@code with…} methods.
 */
public record ThreatProtectionSettings(Mode mode, CompromisedCredentials compromisedCredentials,
                                       AccountTakeover accountTakeover, IpExceptions ipExceptions,
                                       RiskScoring riskScoring, NotificationSettings notification,
                                       Sessions sessions, AttackProtection attackProtection) {

    /**
     * What a realm gets before an admin saves anything: protection off, Cognito's recommended actions, the
     * scorer's own weights.
     */
    public static final ThreatProtectionSettings DEFAULTS = new ThreatProtectionSettings(
            Mode.OFF,
            new CompromisedCredentials(EnumSet.copyOf(EventType.WITH_PASSWORD), CompromisedCredentialsAction.BLOCK,
                    false),
            new AccountTakeover(
                    new LevelPolicy(RiskAction.NO_ACTION, false),
                    new LevelPolicy(RiskAction.MFA_IF_CONFIGURED, true),
                    new LevelPolicy(RiskAction.MFA_REQUIRED, true)),
            new IpExceptions(IpRangeSet.EMPTY, IpRangeSet.EMPTY),
            RiskScoring.DEFAULTS,
            NotificationSettings.DEFAULTS,
            Sessions.DEFAULTS,
            AttackProtection.DEFAULTS);

    public ThreatProtectionSettings withMode(Mode value) {
        return new ThreatProtectionSettings(value, compromisedCredentials, accountTakeover, ipExceptions, riskScoring,
                notification, sessions, attackProtection);
    }

    public ThreatProtectionSettings withCompromisedCredentials(CompromisedCredentials value) {
        return new ThreatProtectionSettings(mode, value, accountTakeover, ipExceptions, riskScoring, notification,
                sessions, attackProtection);
    }

    public ThreatProtectionSettings withAccountTakeover(AccountTakeover value) {
        return new ThreatProtectionSettings(mode, compromisedCredentials, value, ipExceptions, riskScoring,
                notification, sessions, attackProtection);
    }

    public ThreatProtectionSettings withIpExceptions(IpExceptions value) {
        return new ThreatProtectionSettings(mode, compromisedCredentials, accountTakeover, value, riskScoring,
                notification, sessions, attackProtection);
    }

    /**
     * Which events check passwords against breach data, and what happens on a hit.
     *
     * @param requirePasswordChange a sign-in with a breached password that is not blocked must choose a new
     *                              password before it continues
     */
    public record CompromisedCredentials(Set<EventType> events, CompromisedCredentialsAction action,
                                         boolean requirePasswordChange) {
        public CompromisedCredentials {
            events = events.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(events));
        }
    }

    /** What happens at one risk level, and whether the user is told. */
    public record LevelPolicy(RiskAction action, boolean notifyUser) {
    }

    /**
     * The per-level policy for adaptive authentication.
     *
     * @param mfaFallback what a level asking for a second factor does for a user without one
     */
    public record AccountTakeover(LevelPolicy low, LevelPolicy medium, LevelPolicy high, MfaFallback mfaFallback) {

        /** Levels with the default fallback, {@link MfaFallback#BLOCK}. */
        public AccountTakeover(LevelPolicy low, LevelPolicy medium, LevelPolicy high) {
            this(low, medium, high, MfaFallback.BLOCK);
        }

        public LevelPolicy forLevel(RiskLevel level) {
            return switch (level) {
                case LOW -> low;
                case MEDIUM -> medium;
                case HIGH -> high;
            };
        }
    }

    /** Addresses that skip evaluation or are always blocked, whatever their risk. Block wins over allow. */
    public record IpExceptions(IpRangeSet alwaysAllow, IpRangeSet alwaysBlock) {
    }

    /**
     * What is checked after the sign-in, on the user session it made.
     *
     * @param tokenRefresh   evaluate refresh-token grants (offline tokens included) against the session's context
     * @param refreshActions per risk level, {@code NO_ACTION} or {@code REVOKE}
     * @param ssoSignIn      evaluate browser sign-ins by an existing session's SSO cookie against the session's
     *                       context; the level's {@code accountTakeover} action applies
     */
    public record Sessions(boolean tokenRefresh, RefreshActions refreshActions, boolean ssoSignIn) {
        /** Off, as before sessions were checked; when on, only HIGH ends the session. */
        public static final Sessions DEFAULTS = new Sessions(false,
                new RefreshActions(RiskAction.NO_ACTION, RiskAction.NO_ACTION, RiskAction.REVOKE), false);
    }

    /** What a refresh grant gets at each risk level: one of {@link RiskAction#REFRESH_ACTIONS}. */
    public record RefreshActions(RiskAction low, RiskAction medium, RiskAction high) {

        public RiskAction forLevel(RiskLevel level) {
            return switch (level) {
                case LOW -> low;
                case MEDIUM -> medium;
                case HIGH -> high;
            };
        }
    }

    /** Defences against attacks on many accounts at once, such as credential stuffing. */
    public record AttackProtection(Throttling throttling, ResetMails resetMails, Registrations registrations,
                                   Challenge challenge) {
        public static final AttackProtection DEFAULTS = new AttackProtection(Throttling.DEFAULTS,
                ResetMails.DEFAULTS, Registrations.DEFAULTS, Challenge.DEFAULTS);
    }

    /**
     * The challenge put to a throttled source's browser ({@code throttling.action} {@code CHALLENGE}).
     *
     * @param difficulty leading zero bits the proof-of-work provider asks for: 2^difficulty SHA-256 hashes on
     *                   average; other providers ignore it
     * @param validity   how long an issued challenge may be answered
     */
    public record Challenge(int difficulty, Duration validity) {
        /**
         * 2^15 = 32,768 hashes on average: about a second in headless Chromium on the project's loaded test
         * machine, and the estimate for a mid-range phone (docs/challenge.md); ten minutes to type a password.
         */
        public static final Challenge DEFAULTS = new Challenge(15, Duration.ofMinutes(10));
    }

    /**
     * How many password-reset mails may be asked for within {@code window}: from one network (all usernames,
     * known or not), and for one user; 0 is no limit.
     */
    public record ResetMails(int perNetwork, int perUser, Duration window) {
        /**
         * Per user on, so that nobody can flood a victim's mailbox through "forgot password": five an hour is more
         * than a person who lost a mail asks for. Per network off, like throttling, until client addresses are
         * known to be resolved right.
         */
        public static final ResetMails DEFAULTS = new ResetMails(0, 5, Duration.ofHours(1));
    }

    /** How many self-registrations one network may attempt within {@code window}; 0 is no limit. */
    public record Registrations(int perNetwork, Duration window) {
        /** Off, like throttling, until client addresses are known to be resolved right. */
        public static final Registrations DEFAULTS = new Registrations(0, Duration.ofHours(1));
    }

    /**
     * Throttling of sources whose sign-ins keep failing, whatever usernames they try.
     *
     * @param failures     failed sign-ins from one source within {@code window} that throttle it
     * @param block        how long a source stays throttled
     * @param refusalDelay how long a refusal of a throttled source's attempt is held back, while the node has a
     *                     free slot for it: an attacker waiting for answers sends fewer attempts, at no CPU cost
     */
    public record Throttling(boolean enabled, ThrottleScope scope, int failures, Duration window, Duration block,
                             ThrottleAction action, Duration refusalDelay) {
        /**
         * Off until an operator has seen, in AUDIT, that client addresses are resolved right (behind a proxy
         * that Keycloak does not trust, every client has the proxy's address, and one source would be all of
         * them); when on, Auth0's suspicious-IP budget of 100 failures per address per day. A refusal held back a
         * second: a tool that waits for answers slows to an attempt per connection and second, and nobody who
         * could have signed in waits for it.
         */
        public static final Throttling DEFAULTS = new Throttling(false, ThrottleScope.ADDRESS, 100,
                Duration.ofDays(1), Duration.ofHours(1), ThrottleAction.BLOCK, Duration.ofSeconds(1));
    }
}
