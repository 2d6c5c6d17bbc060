package io.github.threatprotection.settings;

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
                                       Sessions sessions) {

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
            Sessions.DEFAULTS);

    public ThreatProtectionSettings withMode(Mode value) {
        return new ThreatProtectionSettings(value, compromisedCredentials, accountTakeover, ipExceptions, riskScoring,
                notification, sessions);
    }

    public ThreatProtectionSettings withCompromisedCredentials(CompromisedCredentials value) {
        return new ThreatProtectionSettings(mode, value, accountTakeover, ipExceptions, riskScoring, notification,
                sessions);
    }

    public ThreatProtectionSettings withAccountTakeover(AccountTakeover value) {
        return new ThreatProtectionSettings(mode, compromisedCredentials, value, ipExceptions, riskScoring,
                notification, sessions);
    }

    public ThreatProtectionSettings withIpExceptions(IpExceptions value) {
        return new ThreatProtectionSettings(mode, compromisedCredentials, accountTakeover, value, riskScoring,
                notification, sessions);
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
     */
    public record Sessions(boolean tokenRefresh, RefreshActions refreshActions) {
        /** Off, as before sessions were checked; when on, only HIGH ends the session. */
        public static final Sessions DEFAULTS = new Sessions(false,
                new RefreshActions(RiskAction.NO_ACTION, RiskAction.NO_ACTION, RiskAction.REVOKE));
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
}
