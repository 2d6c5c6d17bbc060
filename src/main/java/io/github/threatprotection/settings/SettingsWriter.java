package io.github.threatprotection.settings;

import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.settings.ThreatProtectionSettings.LevelPolicy;
import io.github.threatprotection.settings.ThreatProtectionSettings.Throttling;

/** Writes settings as the complete document that {@code GET /settings} returns and that is stored. */
public final class SettingsWriter {

    private SettingsWriter() {
    }

    /**
     * @param clientExists overrides of clients deleted since the settings were saved are left out, so the
     *                     document an admin reads can be saved back as it is
     */
    public static ObjectNode write(RealmSettings settings, Predicate<String> clientExists) {
        ObjectNode document = writeSettings(settings.realm());
        document.putObject("retention").put("eventDays", settings.retention().eventDays());
        document.putObject("privacy")
                .put("storeNetworkOnly", settings.privacy().storeNetworkOnly())
                .put("deviceCookieMaxAgeDays", settings.privacy().deviceCookieMaxAgeDays());
        ObjectNode clients = document.putObject("clients");
        for (Map.Entry<String, ObjectNode> override : settings.clientOverrides().entrySet()) {
            if (clientExists.test(override.getKey())) {
                clients.set(override.getKey(), override.getValue().deepCopy());
            }
        }
        return document;
    }

    private static ObjectNode writeSettings(ThreatProtectionSettings settings) {
        ObjectNode document = Json.object();
        document.put("mode", settings.mode().name());

        ObjectNode compromised = document.putObject("compromisedCredentials");
        ArrayNode events = compromised.putArray("events");
        for (EventType type : EventType.WITH_PASSWORD) {
            if (settings.compromisedCredentials().events().contains(type)) {
                events.add(type.name());
            }
        }
        compromised.put("action", settings.compromisedCredentials().action().name());
        compromised.put("requirePasswordChange", settings.compromisedCredentials().requirePasswordChange());

        ObjectNode takeover = document.putObject("accountTakeover");
        for (RiskLevel level : RiskLevel.values()) {
            LevelPolicy policy = settings.accountTakeover().forLevel(level);
            takeover.putObject(level.name().toLowerCase())
                    .put("action", policy.action().name())
                    .put("notify", policy.notifyUser());
        }
        takeover.put("mfaFallback", settings.accountTakeover().mfaFallback().name());

        ObjectNode ipExceptions = document.putObject("ipExceptions");
        writeRanges(ipExceptions.putArray("alwaysAllow"), settings.ipExceptions().alwaysAllow());
        writeRanges(ipExceptions.putArray("alwaysBlock"), settings.ipExceptions().alwaysBlock());

        writeRiskScoring(document.putObject("riskScoring"), settings.riskScoring());
        writeNotification(document.putObject("notification"), settings.notification());

        ObjectNode sessions = document.putObject("sessions");
        sessions.put("ssoSignIn", settings.sessions().ssoSignIn());
        sessions.put("tokenRefresh", settings.sessions().tokenRefresh());
        ObjectNode refreshActions = sessions.putObject("refreshActions");
        for (RiskLevel level : RiskLevel.values()) {
            refreshActions.put(level.name().toLowerCase(), settings.sessions().refreshActions().forLevel(level).name());
        }

        Throttling throttling = settings.attackProtection().throttling();
        ObjectNode attackProtection = document.putObject("attackProtection");
        attackProtection.putObject("throttling")
                .put("enabled", throttling.enabled())
                .put("scope", throttling.scope().name())
                .put("failures", throttling.failures())
                .put("windowMinutes", Math.toIntExact(throttling.window().toMinutes()))
                .put("blockMinutes", Math.toIntExact(throttling.block().toMinutes()))
                .put("action", throttling.action().name())
                .put("refusalDelayMillis", Math.toIntExact(throttling.refusalDelay().toMillis()));
        ThreatProtectionSettings.ResetMails resetMails = settings.attackProtection().resetMails();
        attackProtection.putObject("resetMails")
                .put("perNetwork", resetMails.perNetwork())
                .put("perUser", resetMails.perUser())
                .put("windowMinutes", Math.toIntExact(resetMails.window().toMinutes()));
        ThreatProtectionSettings.Registrations registrations = settings.attackProtection().registrations();
        attackProtection.putObject("registrations")
                .put("perNetwork", registrations.perNetwork())
                .put("windowMinutes", Math.toIntExact(registrations.window().toMinutes()));
        ThreatProtectionSettings.Challenge challenge = settings.attackProtection().challenge();
        attackProtection.putObject("challenge")
                .put("difficulty", challenge.difficulty())
                .put("validitySeconds", Math.toIntExact(challenge.validity().toSeconds()));
        return document;
    }

    private static void writeRiskScoring(ObjectNode target, RiskScoring scoring) {
        ObjectNode signals = target.putObject("signals");
        for (RiskSignal signal : RiskSignal.SCORED) {
            signals.put(signal.name(), scoring.scoreOf(signal));
        }
        target.putObject("thresholds")
                .put("medium", scoring.mediumAt())
                .put("high", scoring.highAt());
        double kmh = scoring.impossibleTravelKmh();
        // A whole speed goes out as 900, not 900.0, so the document reads back the way the admin wrote it.
        if (kmh == Math.rint(kmh)) {
            target.put("impossibleTravelKmh", (int) kmh);
        } else {
            target.put("impossibleTravelKmh", kmh);
        }
        target.putObject("velocity")
                .put("windowMinutes", Math.toIntExact(scoring.velocityWindow().toMinutes()))
                .put("userFailures", scoring.userFailures())
                .put("networkUsers", scoring.networkUsers());
    }

    private static void writeNotification(ObjectNode target, NotificationSettings notification) {
        target.put("from", notification.from());
        target.put("replyTo", notification.replyTo());
        for (NotificationKind kind : NotificationKind.values()) {
            EmailTemplate template = notification.template(kind);
            target.putObject(kind.settingsField())
                    .put("subject", template.subject())
                    .put("htmlBody", template.htmlBody())
                    .put("textBody", template.textBody());
        }
        target.put("linkValidityDays", notification.linkValidityDays());
        target.put("repeatAfterMinutes", notification.repeatAfterMinutes());
    }

    private static void writeRanges(ArrayNode target, IpRangeSet ranges) {
        for (IpRange range : ranges.ranges()) {
            target.add(range.text());
        }
    }
}
