package io.github.threatprotection.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Enums;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.settings.ThreatProtectionSettings.AccountTakeover;
import io.github.threatprotection.settings.ThreatProtectionSettings.AttackProtection;
import io.github.threatprotection.settings.ThreatProtectionSettings.Challenge;
import io.github.threatprotection.settings.ThreatProtectionSettings.CompromisedCredentials;
import io.github.threatprotection.settings.ThreatProtectionSettings.IpExceptions;
import io.github.threatprotection.settings.ThreatProtectionSettings.LevelPolicy;
import io.github.threatprotection.settings.ThreatProtectionSettings.RefreshActions;
import io.github.threatprotection.settings.ThreatProtectionSettings.Registrations;
import io.github.threatprotection.settings.ThreatProtectionSettings.ResetMails;
import io.github.threatprotection.settings.ThreatProtectionSettings.Sessions;
import io.github.threatprotection.settings.ThreatProtectionSettings.Throttling;

/**
 * Reads and validates a realm's settings document. Every problem is collected with the JSON path of its field,
 * so an admin sees all of them at once; fields left out keep their defaults (realm) or the realm's value
 * (client override).
 */
public final class SettingsParser {

    /** Entries per IP list. Cognito stops at 200; a prefix trie makes 10,000 as cheap to match as 10. */
    public static final int MAX_IP_LIST_ENTRIES = 10_000;
    public static final int MAX_RETENTION_DAYS = 36_500;
    /** Errors reported per document, so a huge bad document gets a bounded answer. */
    static final int MAX_ERRORS = 100;
    /**
     * Above what all the signals of one sign-in or one refresh at full score add up to (900), so a threshold this
     * high switches its level off.
     */
    private static final int MAX_RISK_THRESHOLD = 1000;
    /** A subject is one header line; RFC 5322 allows 998 characters in it. */
    private static final int MAX_SUBJECT_LENGTH = 998;
    private static final int MAX_BODY_LENGTH = 100_000;
    private static final int MAX_LINK_VALIDITY_DAYS = 90;
    /** A week: a longer quiet time would hide a second attack from the user. */
    private static final int MAX_REPEAT_AFTER_MINUTES = 7 * 24 * 60;

    private static final int MAX_THROTTLE_FAILURES = 100_000;
    /** A week: a source blocked longer is better put on {@code ipExceptions.alwaysBlock}. */
    private static final int MAX_THROTTLE_BLOCK_MINUTES = 7 * 24 * 60;
    /** A refusal held back longer would outlast clients' usual timeouts, and a thread with it. */
    private static final int MAX_THROTTLE_REFUSAL_DELAY_MILLIS = 10_000;

    /** 2^26 hashes: a minute or more on a phone; beyond that a challenge is a block. */
    private static final int MAX_CHALLENGE_DIFFICULTY = 26;
    /** Time to load the page and press "Sign In". */
    private static final int MIN_CHALLENGE_VALIDITY_SECONDS = 10;
    /** An hour: Keycloak's own login timeout is 30 minutes by default. */
    private static final int MAX_CHALLENGE_VALIDITY_SECONDS = 3600;

    /** Uses per window of a reset-mail or registration limit; a limit is a few key lookups at most. */
    private static final int MAX_LIMIT = 1000;
    private static final int MAX_LIMIT_WINDOW_MINUTES = 24 * 60;

    private static final Set<String> SETTINGS_KEYS =
            Set.of("mode", "compromisedCredentials", "accountTakeover", "ipExceptions", "riskScoring",
                    "notification", "sessions", "attackProtection");
    private static final Set<String> REALM_KEYS = Stream.concat(SETTINGS_KEYS.stream(),
            Stream.of("retention", "privacy", "clients")).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> NOTIFICATION_KEYS = Stream.concat(
            Stream.of("from", "replyTo", "linkValidityDays", "repeatAfterMinutes"),
            Stream.of(NotificationKind.values()).map(NotificationKind::settingsField))
            .collect(Collectors.toUnmodifiableSet());

    private final List<FieldError> errors = new ArrayList<>();
    private int droppedErrors;

    private SettingsParser() {
    }

    /**
     * @param clientExists tells whether a clientId names a client of the realm, since overrides for unknown
     *                     clients are rejected
     */
    public static RealmSettings parse(JsonNode document, Predicate<String> clientExists)
            throws InvalidSettingsException {
        SettingsParser parser = new SettingsParser();
        RealmSettings settings = parser.readRealm(document, clientExists);
        if (!parser.errors.isEmpty()) {
            if (parser.droppedErrors > 0) {
                parser.errors.add(new FieldError("", parser.droppedErrors + " more error(s) not listed"));
            }
            throw new InvalidSettingsException(parser.errors);
        }
        return settings;
    }

    private RealmSettings readRealm(JsonNode document, Predicate<String> clientExists) {
        if (document == null || !document.isObject()) {
            report(new FieldError("", "must be a JSON object"));
            return null;
        }
        SettingsSection root = SettingsSection.of(document, "", this::report);
        root.rejectFieldsOtherThan(REALM_KEYS);
        ThreatProtectionSettings realm = readSettings(root, ThreatProtectionSettings.DEFAULTS);
        RealmSettings.Retention retention = readRetention(root.section("retention"));
        RealmSettings.Privacy privacy = readPrivacy(root.section("privacy"));

        Map<String, ObjectNode> overrides = new LinkedHashMap<>();
        Map<String, ThreatProtectionSettings> effective = new LinkedHashMap<>();
        JsonNode clientList = root.get("clients");
        if (clientList != null && !clientList.isNull() && !clientList.isObject()) {
            root.error("clients", "must be an object keyed by clientId");
        } else {
            SettingsSection clients = root.sectionUnlessNull("clients");
            for (String clientId : clients.fieldNames()) {
                if (!clientExists.test(clientId)) {
                    clients.error(clientId, "no client with clientId '" + clientId + "' in this realm");
                }
                SettingsSection client = clients.section(clientId);
                if (client.exists()) {
                    client.rejectFieldsOtherThan(SETTINGS_KEYS);
                    effective.put(clientId, readSettings(client, realm));
                    overrides.put(clientId, (ObjectNode) clients.get(clientId).deepCopy());
                }
            }
        }
        return new RealmSettings(realm, retention, privacy, overrides, effective);
    }

    /** The settings a realm or a client override sets, over {@code base}; checked after merging. */
    private static ThreatProtectionSettings readSettings(SettingsSection section, ThreatProtectionSettings base) {
        ThreatProtectionSettings settings = new ThreatProtectionSettings(
                section.constant("mode", Mode.class, base.mode()),
                readCompromisedCredentials(section.section("compromisedCredentials"), base.compromisedCredentials()),
                readAccountTakeover(section.section("accountTakeover"), base.accountTakeover()),
                readIpExceptions(section.section("ipExceptions"), base.ipExceptions()),
                readRiskScoring(section.section("riskScoring"), base.riskScoring()),
                readNotification(section.section("notification"), base.notification()),
                readSessions(section.section("sessions"), base.sessions()),
                readAttackProtection(section.section("attackProtection"), base.attackProtection()));
        checkActionOrder(settings, section);
        checkRefreshActionOrder(settings, section);
        checkThresholdOrder(settings, section);
        return settings;
    }

    private static CompromisedCredentials readCompromisedCredentials(SettingsSection section,
                                                                     CompromisedCredentials base) {
        section.rejectFieldsOtherThan(Set.of("events", "action", "requirePasswordChange"));
        return new CompromisedCredentials(section.constants("events", EventType.class,
                        EnumSet.copyOf(EventType.WITH_PASSWORD), base.events()),
                section.constant("action", CompromisedCredentialsAction.class, base.action()),
                section.bool("requirePasswordChange", base.requirePasswordChange()));
    }

    private static AccountTakeover readAccountTakeover(SettingsSection section, AccountTakeover base) {
        section.rejectFieldsOtherThan(Set.of("low", "medium", "high", "mfaFallback"));
        return new AccountTakeover(
                readLevelPolicy(section.section("low"), base.low()),
                readLevelPolicy(section.section("medium"), base.medium()),
                readLevelPolicy(section.section("high"), base.high()),
                section.constant("mfaFallback", MfaFallback.class, base.mfaFallback()));
    }

    private static LevelPolicy readLevelPolicy(SettingsSection section, LevelPolicy base) {
        section.rejectFieldsOtherThan(Set.of("action", "notify"));
        return new LevelPolicy(oneOf(section, "action", RiskAction.SIGN_IN_ACTIONS, base.action()),
                section.bool("notify", base.notifyUser()));
    }

    private static Sessions readSessions(SettingsSection section, Sessions base) {
        section.rejectFieldsOtherThan(Set.of("tokenRefresh", "refreshActions", "ssoSignIn"));
        SettingsSection actions = section.section("refreshActions");
        actions.rejectFieldsOtherThan(Set.of("low", "medium", "high"));
        RefreshActions baseActions = base.refreshActions();
        return new Sessions(section.bool("tokenRefresh", base.tokenRefresh()),
                new RefreshActions(oneOf(actions, "low", RiskAction.REFRESH_ACTIONS, baseActions.low()),
                        oneOf(actions, "medium", RiskAction.REFRESH_ACTIONS, baseActions.medium()),
                        oneOf(actions, "high", RiskAction.REFRESH_ACTIONS, baseActions.high())),
                section.bool("ssoSignIn", base.ssoSignIn()));
    }

    private static AttackProtection readAttackProtection(SettingsSection section, AttackProtection base) {
        section.rejectFieldsOtherThan(Set.of("throttling", "resetMails", "registrations", "challenge"));
        SettingsSection throttling = section.section("throttling");
        throttling.rejectFieldsOtherThan(Set.of("enabled", "scope", "failures", "windowMinutes", "blockMinutes",
                "action", "refusalDelayMillis"));
        Throttling baseThrottling = base.throttling();
        ThrottleAction action = throttling.constant("action", ThrottleAction.class, baseThrottling.action());
        return new AttackProtection(new Throttling(
                throttling.bool("enabled", baseThrottling.enabled()),
                throttling.constant("scope", ThrottleScope.class, baseThrottling.scope()),
                throttling.wholeNumber("failures", 1, MAX_THROTTLE_FAILURES, baseThrottling.failures()),
                Duration.ofMinutes(throttling.wholeNumber("windowMinutes", 1,
                        (int) RiskScoring.MAX_VELOCITY_WINDOW.toMinutes(),
                        (int) baseThrottling.window().toMinutes())),
                Duration.ofMinutes(throttling.wholeNumber("blockMinutes", 1, MAX_THROTTLE_BLOCK_MINUTES,
                        (int) baseThrottling.block().toMinutes())),
                action,
                Duration.ofMillis(throttling.wholeNumber("refusalDelayMillis", 0, MAX_THROTTLE_REFUSAL_DELAY_MILLIS,
                        (int) baseThrottling.refusalDelay().toMillis()))),
                readResetMails(section.section("resetMails"), base.resetMails()),
                readRegistrations(section.section("registrations"), base.registrations()),
                readChallenge(section.section("challenge"), base.challenge()));
    }

    private static Challenge readChallenge(SettingsSection section, Challenge base) {
        section.rejectFieldsOtherThan(Set.of("difficulty", "validitySeconds"));
        return new Challenge(section.wholeNumber("difficulty", 1, MAX_CHALLENGE_DIFFICULTY, base.difficulty()),
                Duration.ofSeconds(section.wholeNumber("validitySeconds", MIN_CHALLENGE_VALIDITY_SECONDS,
                        MAX_CHALLENGE_VALIDITY_SECONDS, (int) base.validity().toSeconds())));
    }

    private static ResetMails readResetMails(SettingsSection section, ResetMails base) {
        section.rejectFieldsOtherThan(Set.of("perNetwork", "perUser", "windowMinutes"));
        return new ResetMails(section.wholeNumber("perNetwork", 0, MAX_LIMIT, base.perNetwork()),
                section.wholeNumber("perUser", 0, MAX_LIMIT, base.perUser()),
                Duration.ofMinutes(section.wholeNumber("windowMinutes", 1, MAX_LIMIT_WINDOW_MINUTES,
                        (int) base.window().toMinutes())));
    }

    private static Registrations readRegistrations(SettingsSection section, Registrations base) {
        section.rejectFieldsOtherThan(Set.of("perNetwork", "windowMinutes"));
        return new Registrations(section.wholeNumber("perNetwork", 0, MAX_LIMIT, base.perNetwork()),
                Duration.ofMinutes(section.wholeNumber("windowMinutes", 1, MAX_LIMIT_WINDOW_MINUTES,
                        (int) base.window().toMinutes())));
    }

    /** An action among those that apply where it is set. */
    private static RiskAction oneOf(SettingsSection section, String name, List<RiskAction> allowed,
                                    RiskAction fallback) {
        RiskAction action = section.constant(name, RiskAction.class, fallback);
        if (!allowed.contains(action)) {
            section.error(name, "must be one of " + allowed.stream().map(Enum::name)
                    .collect(Collectors.joining(", ")));
            return fallback;
        }
        return action;
    }

    private static IpExceptions readIpExceptions(SettingsSection section, IpExceptions base) {
        section.rejectFieldsOtherThan(Set.of("alwaysAllow", "alwaysBlock"));
        return new IpExceptions(readRanges(section, "alwaysAllow", base.alwaysAllow()),
                readRanges(section, "alwaysBlock", base.alwaysBlock()));
    }

    private static IpRangeSet readRanges(SettingsSection section, String name, IpRangeSet base) {
        List<IpRange> ranges = section.list(name, "must be a list of IP addresses or CIDR blocks",
                MAX_IP_LIST_ENTRIES, entry -> {
                    if (!entry.isTextual()) {
                        throw new IllegalArgumentException(
                                "must be a string such as \"203.0.113.0/24\" or \"2001:db8::/32\"");
                    }
                    return IpRange.parse(entry.textValue());
                });
        return ranges == null ? base : IpRangeSet.of(ranges);
    }

    private static RiskScoring readRiskScoring(SettingsSection section, RiskScoring base) {
        section.rejectFieldsOtherThan(Set.of("signals", "thresholds", "impossibleTravelKmh", "velocity"));
        SettingsSection thresholds = section.section("thresholds");
        thresholds.rejectFieldsOtherThan(Set.of("medium", "high"));
        SettingsSection velocity = section.section("velocity");
        velocity.rejectFieldsOtherThan(Set.of("windowMinutes", "userFailures", "networkUsers"));
        return new RiskScoring(readSignalScores(section.section("signals"), base.scores()),
                thresholds.wholeNumber("medium", 1, MAX_RISK_THRESHOLD, base.mediumAt()),
                thresholds.wholeNumber("high", 1, MAX_RISK_THRESHOLD, base.highAt()),
                section.number("impossibleTravelKmh", 100, 20_000, base.impossibleTravelKmh()),
                velocity.wholeNumber("userFailures", 1, 10_000, base.userFailures()),
                velocity.wholeNumber("networkUsers", 1, 100_000, base.networkUsers()),
                Duration.ofMinutes(velocity.wholeNumber("windowMinutes", 1,
                        (int) RiskScoring.MAX_VELOCITY_WINDOW.toMinutes(), (int) base.velocityWindow().toMinutes())));
    }

    /** Signals left out keep their score, so an admin can retune one signal without restating the rest. */
    private static Map<RiskSignal, Integer> readSignalScores(SettingsSection section, Map<RiskSignal, Integer> base) {
        Map<RiskSignal, Integer> scores = new EnumMap<>(RiskSignal.class);
        scores.putAll(base);
        for (String name : section.fieldNames()) {
            RiskSignal signal = Enums.named(RiskSignal.class, name);
            if (signal == null || !signal.isScored()) {
                section.error(name, "unknown signal; expected one of " + RiskSignal.SCORED.stream().map(Enum::name)
                        .collect(Collectors.joining(", ")));
            } else {
                scores.put(signal, section.wholeNumber(name, 0, 100, scores.getOrDefault(signal, 0)));
            }
        }
        return scores;
    }

    private static NotificationSettings readNotification(SettingsSection section, NotificationSettings base) {
        section.rejectFieldsOtherThan(NOTIFICATION_KEYS);
        String notAnAddress = "must be a string (empty for the realm's e-mail settings)";
        NotificationSettings result = new NotificationSettings(
                section.text("from", notAnAddress, SettingsParser::address, base.from()),
                section.text("replyTo", notAnAddress, SettingsParser::address, base.replyTo()),
                base.blockEmail(), base.mfaEmail(), base.noActionEmail(), base.passwordResetEmail(),
                section.wholeNumber("linkValidityDays", 1, MAX_LINK_VALIDITY_DAYS, base.linkValidityDays()),
                section.wholeNumber("repeatAfterMinutes", 0, MAX_REPEAT_AFTER_MINUTES, base.repeatAfterMinutes()));
        for (NotificationKind kind : NotificationKind.values()) {
            result = result.with(kind, readEmailTemplate(section.section(kind.settingsField()), base.template(kind)));
        }
        return result;
    }

    private static EmailTemplate readEmailTemplate(SettingsSection section, EmailTemplate base) {
        section.rejectFieldsOtherThan(Set.of("subject", "htmlBody", "textBody"));
        String notAString = "must be a string (empty for the e-mail theme's template)";
        return new EmailTemplate(
                section.text("subject", notAString, text -> {
                    templateText(text, MAX_SUBJECT_LENGTH);
                    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
                        throw new IllegalArgumentException("must be a single line");
                    }
                    return text;
                }, base.subject()),
                section.text("htmlBody", notAString, text -> templateText(text, MAX_BODY_LENGTH), base.htmlBody()),
                section.text("textBody", notAString, text -> templateText(text, MAX_BODY_LENGTH), base.textBody()));
    }

    private static String templateText(String text, int maxLength) {
        if (text.length() > maxLength) {
            throw new IllegalArgumentException("at most " + maxLength + " characters, got " + text.length());
        }
        List<String> unknown = Placeholder.unknownIn(text);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown placeholder " + String.join(", ", unknown) + "; expected "
                    + Placeholder.allTokens());
        }
        return text;
    }

    /** An e-mail address, checked only for the shape that cannot inject headers; empty means the realm's. */
    private static String address(String text) {
        String address = text.strip();
        int at = address.lastIndexOf('@');
        if (!address.isEmpty() && (address.length() > 254 || at < 1 || at == address.length() - 1
                || address.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c == ',' || c == 127))) {
            throw new IllegalArgumentException("must be a single e-mail address such as security@example.com");
        }
        return address;
    }

    private static RealmSettings.Retention readRetention(SettingsSection section) {
        section.rejectFieldsOtherThan(Set.of("eventDays"));
        return new RealmSettings.Retention(section.wholeNumber("eventDays", "whole number of days", 1,
                MAX_RETENTION_DAYS, RealmSettings.Retention.DEFAULT.eventDays()));
    }

    private static RealmSettings.Privacy readPrivacy(SettingsSection section) {
        section.rejectFieldsOtherThan(Set.of("storeNetworkOnly", "deviceCookieMaxAgeDays"));
        return new RealmSettings.Privacy(
                section.bool("storeNetworkOnly", RealmSettings.Privacy.DEFAULT.storeNetworkOnly()),
                section.wholeNumber("deviceCookieMaxAgeDays", 1, RealmSettings.Privacy.MAX_DEVICE_COOKIE_DAYS,
                        RealmSettings.Privacy.DEFAULT.deviceCookieMaxAgeDays()));
    }

    /** Cognito's rule: a higher risk level may not get a weaker action than a lower one. */
    private static void checkActionOrder(ThreatProtectionSettings settings, SettingsSection section) {
        AccountTakeover levels = settings.accountTakeover();
        RiskLevel[] order = RiskLevel.values();
        for (int i = 1; i < order.length; i++) {
            LevelPolicy lower = levels.forLevel(order[i - 1]);
            LevelPolicy higher = levels.forLevel(order[i]);
            if (higher.action().isWeakerThan(lower.action())) {
                String lowerName = order[i - 1].name().toLowerCase();
                String higherName = order[i].name().toLowerCase();
                section.error("accountTakeover." + higherName + ".action",
                        higher.action() + " is weaker than accountTakeover." + lowerName + ".action ("
                                + lower.action() + "); a higher risk level may not get a weaker action");
            }
        }
    }

    /** As for sign-ins: a session at a higher risk level is not kept where one at a lower level is revoked. */
    private static void checkRefreshActionOrder(ThreatProtectionSettings settings, SettingsSection section) {
        RefreshActions actions = settings.sessions().refreshActions();
        RiskLevel[] order = RiskLevel.values();
        for (int i = 1; i < order.length; i++) {
            RiskAction lower = actions.forLevel(order[i - 1]);
            RiskAction higher = actions.forLevel(order[i]);
            if (higher.isWeakerThan(lower)) {
                String lowerName = order[i - 1].name().toLowerCase();
                section.error("sessions.refreshActions." + order[i].name().toLowerCase(), higher
                        + " is weaker than sessions.refreshActions." + lowerName + " (" + lower
                        + "); a higher risk level may not get a weaker action");
            }
        }
    }

    /**
     * Checked on the merged settings, like the action order, so a client cannot raise {@code medium} above the
     * realm's {@code high}. The error names the threshold to change: the one this document sets, and
     * {@code medium} when it sets both (a medium score above the high one is what reads wrong).
     */
    private static void checkThresholdOrder(ThreatProtectionSettings settings, SettingsSection section) {
        RiskScoring scoring = settings.riskScoring();
        if (scoring.highAt() < scoring.mediumAt()) {
            JsonNode thresholds = section.get("riskScoring") == null ? null : section.get("riskScoring").get("thresholds");
            boolean onlyHighSet = thresholds != null && thresholds.has("high") && !thresholds.has("medium");
            if (onlyHighSet) {
                section.error("riskScoring.thresholds.high", scoring.highAt()
                        + " is below riskScoring.thresholds.medium (" + scoring.mediumAt()
                        + "); a sign-in may not become HIGH at a lower score than MEDIUM");
            } else {
                section.error("riskScoring.thresholds.medium", scoring.mediumAt()
                        + " is above riskScoring.thresholds.high (" + scoring.highAt()
                        + "); a sign-in may not become MEDIUM at a higher score than HIGH");
            }
        }
    }

    private void report(FieldError error) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(error);
        } else {
            droppedErrors++;
        }
    }
}
