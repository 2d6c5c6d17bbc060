package io.github.threatprotection.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.settings.ThreatProtectionSettings.AccountTakeover;
import io.github.threatprotection.settings.ThreatProtectionSettings.CompromisedCredentials;
import io.github.threatprotection.settings.ThreatProtectionSettings.IpExceptions;
import io.github.threatprotection.settings.ThreatProtectionSettings.LevelPolicy;
import io.github.threatprotection.network.IpRange;
import io.github.threatprotection.network.IpRangeSet;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.risk.RiskSignal;

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
    /** Above the 900 that all signals at full score add up to, so a threshold this high switches its level off. */
    private static final int MAX_RISK_THRESHOLD = 1000;
    /** A subject is one header line; RFC 5322 allows 998 characters in it. */
    private static final int MAX_SUBJECT_LENGTH = 998;
    private static final int MAX_BODY_LENGTH = 100_000;
    private static final int MAX_LINK_VALIDITY_DAYS = 90;
    /** A week: a longer quiet time would hide a second attack from the user. */
    private static final int MAX_REPEAT_AFTER_MINUTES = 7 * 24 * 60;

    private static final Set<String> SETTINGS_KEYS =
            Set.of("mode", "compromisedCredentials", "accountTakeover", "ipExceptions", "riskScoring",
                    "notification");
    private static final Set<String> REALM_ONLY_KEYS = Set.of("retention", "privacy", "clients");

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
            error("", "must be a JSON object");
            return null;
        }
        ThreatProtectionSettings realm = readSettings(document, ThreatProtectionSettings.DEFAULTS, "", true);
        checkActionOrder(realm, "");
        checkThresholdOrder(realm, "");
        RealmSettings.Retention retention = RealmSettings.Retention.DEFAULT;
        if (document.has("retention")) {
            retention = readRetention(document.get("retention"), "retention");
        }
        RealmSettings.Privacy privacy = RealmSettings.Privacy.DEFAULT;
        if (document.has("privacy")) {
            privacy = readPrivacy(document.get("privacy"), "privacy");
        }
        Map<String, ObjectNode> overrides = new LinkedHashMap<>();
        Map<String, ThreatProtectionSettings> effective = new LinkedHashMap<>();
        JsonNode clients = document.get("clients");
        if (clients != null && !clients.isNull()) {
            if (!clients.isObject()) {
                error("clients", "must be an object keyed by clientId");
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = clients.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> client = it.next();
                    String path = "clients." + client.getKey();
                    if (!clientExists.test(client.getKey())) {
                        error(path, "no client with clientId '" + client.getKey() + "' in this realm");
                    }
                    if (!client.getValue().isObject()) {
                        error(path, "must be an object");
                        continue;
                    }
                    ThreatProtectionSettings merged = readSettings(client.getValue(), realm, path + ".", false);
                    checkActionOrder(merged, path + ".");
                    checkThresholdOrder(merged, path + ".");
                    overrides.put(client.getKey(), (ObjectNode) client.getValue().deepCopy());
                    effective.put(client.getKey(), merged);
                }
            }
        }
        return new RealmSettings(realm, retention, privacy, overrides, effective);
    }

    private ThreatProtectionSettings readSettings(JsonNode node, ThreatProtectionSettings base, String prefix,
                                                  boolean realmLevel) {
        ThreatProtectionSettings settings = base;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = prefix + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "mode" -> settings = settings.withMode(readEnum(value, Mode.class, path, settings.mode()));
                case "compromisedCredentials" -> settings = settings.withCompromisedCredentials(
                        readCompromisedCredentials(value, settings.compromisedCredentials(), path));
                case "accountTakeover" -> settings = settings.withAccountTakeover(
                        readAccountTakeover(value, settings.accountTakeover(), path));
                case "ipExceptions" -> settings = settings.withIpExceptions(
                        readIpExceptions(value, settings.ipExceptions(), path));
                case "riskScoring" -> settings = settings.withRiskScoring(
                        readRiskScoring(value, settings.riskScoring(), path));
                case "notification" -> settings = settings.withNotification(
                        readNotification(value, settings.notification(), path));
                default -> {
                    if (!(realmLevel && REALM_ONLY_KEYS.contains(field.getKey()))) {
                        error(path, realmLevel ? unknownField(SETTINGS_KEYS, REALM_ONLY_KEYS)
                                : unknownField(SETTINGS_KEYS, Set.of()));
                    }
                }
            }
        }
        return settings;
    }

    private CompromisedCredentials readCompromisedCredentials(JsonNode node, CompromisedCredentials base,
                                                              String path) {
        if (!isObject(node, path)) {
            return base;
        }
        Set<EventType> events = base.events();
        CompromisedCredentialsAction action = base.action();
        boolean requirePasswordChange = base.requirePasswordChange();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "events" -> events = readEventTypes(field.getValue(), fieldPath, events);
                case "action" -> action = readEnum(field.getValue(), CompromisedCredentialsAction.class, fieldPath,
                        action);
                case "requirePasswordChange" -> requirePasswordChange = readBoolean(field.getValue(), fieldPath,
                        requirePasswordChange);
                default -> error(fieldPath, unknownField(Set.of("events", "action", "requirePasswordChange"),
                        Set.of()));
            }
        }
        return new CompromisedCredentials(events, action, requirePasswordChange);
    }

    private Set<EventType> readEventTypes(JsonNode node, String path, Set<EventType> base) {
        if (!node.isArray()) {
            error(path, "must be a list of " + names(EventType.class));
            return base;
        }
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        for (int i = 0; i < node.size(); i++) {
            EventType type = readEnum(node.get(i), EventType.class, path + "[" + i + "]", null);
            if (type != null && !events.add(type)) {
                error(path + "[" + i + "]", type + " is listed twice");
            }
        }
        return events;
    }

    private AccountTakeover readAccountTakeover(JsonNode node, AccountTakeover base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        AccountTakeover result = base;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            RiskLevel level = switch (field.getKey()) {
                case "low" -> RiskLevel.LOW;
                case "medium" -> RiskLevel.MEDIUM;
                case "high" -> RiskLevel.HIGH;
                default -> null;
            };
            if (level == null) {
                error(fieldPath, unknownField(Set.of("low", "medium", "high"), Set.of()));
            } else {
                result = result.with(level, readLevelPolicy(field.getValue(), result.forLevel(level), fieldPath));
            }
        }
        return result;
    }

    private LevelPolicy readLevelPolicy(JsonNode node, LevelPolicy base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        RiskAction action = base.action();
        boolean notify = base.notifyUser();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "action" -> action = readEnum(field.getValue(), RiskAction.class, fieldPath, action);
                case "notify" -> notify = readBoolean(field.getValue(), fieldPath, notify);
                default -> error(fieldPath, unknownField(Set.of("action", "notify"), Set.of()));
            }
        }
        return new LevelPolicy(action, notify);
    }

    private IpExceptions readIpExceptions(JsonNode node, IpExceptions base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        IpRangeSet allow = base.alwaysAllow();
        IpRangeSet block = base.alwaysBlock();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "alwaysAllow" -> allow = readRanges(field.getValue(), fieldPath, allow);
                case "alwaysBlock" -> block = readRanges(field.getValue(), fieldPath, block);
                default -> error(fieldPath, unknownField(Set.of("alwaysAllow", "alwaysBlock"), Set.of()));
            }
        }
        return new IpExceptions(allow, block);
    }

    private IpRangeSet readRanges(JsonNode node, String path, IpRangeSet base) {
        if (!node.isArray()) {
            error(path, "must be a list of IP addresses or CIDR blocks");
            return base;
        }
        if (node.size() > MAX_IP_LIST_ENTRIES) {
            error(path, "at most " + MAX_IP_LIST_ENTRIES + " entries, got " + node.size());
            return base;
        }
        List<IpRange> ranges = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            String entryPath = path + "[" + i + "]";
            if (!entry.isTextual()) {
                error(entryPath, "must be a string such as \"203.0.113.0/24\" or \"2001:db8::/32\"");
                continue;
            }
            try {
                ranges.add(IpRange.parse(entry.textValue()));
            } catch (IllegalArgumentException e) {
                error(entryPath, e.getMessage());
            }
        }
        return IpRangeSet.of(ranges);
    }

    private RiskScoring readRiskScoring(JsonNode node, RiskScoring base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        Map<RiskSignal, Integer> scores = base.scores();
        Thresholds thresholds = new Thresholds(base.mediumAt(), base.highAt());
        double impossibleTravelKmh = base.impossibleTravelKmh();
        Velocity velocity = new Velocity(base.velocityWindow(), base.userFailures(), base.networkUsers());
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "signals" -> scores = readSignalScores(field.getValue(), scores, fieldPath);
                case "thresholds" -> thresholds = readThresholds(field.getValue(), thresholds, fieldPath);
                case "impossibleTravelKmh" -> impossibleTravelKmh = readNumber(field.getValue(), fieldPath, 100,
                        20_000, impossibleTravelKmh);
                case "velocity" -> velocity = readVelocity(field.getValue(), velocity, fieldPath);
                default -> error(fieldPath, unknownField(
                        Set.of("signals", "thresholds", "impossibleTravelKmh", "velocity"), Set.of()));
            }
        }
        return new RiskScoring(scores, thresholds.mediumAt(), thresholds.highAt(), impossibleTravelKmh,
                velocity.userFailures(), velocity.networkUsers(), velocity.window());
    }

    /** Signals left out keep their score, so an admin can retune one signal without restating the rest. */
    private Map<RiskSignal, Integer> readSignalScores(JsonNode node, Map<RiskSignal, Integer> base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        Map<RiskSignal, Integer> scores = new EnumMap<>(RiskSignal.class);
        scores.putAll(base);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            RiskSignal signal = constantNamed(RiskSignal.class, field.getKey());
            if (signal == null) {
                error(fieldPath, "unknown signal; expected one of " + names(RiskSignal.class));
            } else {
                int score = readWholeNumber(field.getValue(), fieldPath, 0, 100, scores.getOrDefault(signal, 0));
                scores.put(signal, score);
            }
        }
        return scores;
    }

    private Thresholds readThresholds(JsonNode node, Thresholds base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        int mediumAt = base.mediumAt();
        int highAt = base.highAt();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "medium" -> mediumAt = readWholeNumber(field.getValue(), fieldPath, 1, MAX_RISK_THRESHOLD,
                        mediumAt);
                case "high" -> highAt = readWholeNumber(field.getValue(), fieldPath, 1, MAX_RISK_THRESHOLD, highAt);
                default -> error(fieldPath, unknownField(Set.of("medium", "high"), Set.of()));
            }
        }
        return new Thresholds(mediumAt, highAt);
    }

    private Velocity readVelocity(JsonNode node, Velocity base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        Duration window = base.window();
        int userFailures = base.userFailures();
        int networkUsers = base.networkUsers();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "windowMinutes" -> window = Duration.ofMinutes(readWholeNumber(field.getValue(), fieldPath, 1,
                        (int) RiskScoring.MAX_VELOCITY_WINDOW.toMinutes(), (int) window.toMinutes()));
                case "userFailures" -> userFailures = readWholeNumber(field.getValue(), fieldPath, 1, 10_000,
                        userFailures);
                case "networkUsers" -> networkUsers = readWholeNumber(field.getValue(), fieldPath, 1, 100_000,
                        networkUsers);
                default -> error(fieldPath, unknownField(Set.of("windowMinutes", "userFailures", "networkUsers"),
                        Set.of()));
            }
        }
        return new Velocity(window, userFailures, networkUsers);
    }

    private NotificationSettings readNotification(JsonNode node, NotificationSettings base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        NotificationSettings result = base;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            NotificationKind kind = Arrays.stream(NotificationKind.values())
                    .filter(k -> k.settingsField().equals(field.getKey())).findFirst().orElse(null);
            if (kind != null) {
                result = result.with(kind, readEmailTemplate(field.getValue(), result.template(kind), fieldPath));
                continue;
            }
            switch (field.getKey()) {
                case "from" -> result = new NotificationSettings(readAddress(field.getValue(), fieldPath,
                        result.from()), result.replyTo(), result.blockEmail(), result.mfaEmail(),
                        result.noActionEmail(), result.linkValidityDays(), result.repeatAfterMinutes());
                case "replyTo" -> result = new NotificationSettings(result.from(), readAddress(field.getValue(),
                        fieldPath, result.replyTo()), result.blockEmail(), result.mfaEmail(), result.noActionEmail(),
                        result.linkValidityDays(), result.repeatAfterMinutes());
                case "linkValidityDays" -> result = new NotificationSettings(result.from(), result.replyTo(),
                        result.blockEmail(), result.mfaEmail(), result.noActionEmail(),
                        readWholeNumber(field.getValue(), fieldPath, 1, MAX_LINK_VALIDITY_DAYS,
                                result.linkValidityDays()), result.repeatAfterMinutes());
                case "repeatAfterMinutes" -> result = new NotificationSettings(result.from(), result.replyTo(),
                        result.blockEmail(), result.mfaEmail(), result.noActionEmail(), result.linkValidityDays(),
                        readWholeNumber(field.getValue(), fieldPath, 0, MAX_REPEAT_AFTER_MINUTES,
                                result.repeatAfterMinutes()));
                default -> error(fieldPath, unknownField(Set.of("from", "replyTo", "linkValidityDays",
                                "repeatAfterMinutes"),
                        Arrays.stream(NotificationKind.values()).map(NotificationKind::settingsField)
                                .collect(Collectors.toSet())));
            }
        }
        return result;
    }

    private EmailTemplate readEmailTemplate(JsonNode node, EmailTemplate base, String path) {
        if (!isObject(node, path)) {
            return base;
        }
        String subject = base.subject();
        String html = base.htmlBody();
        String text = base.textBody();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "subject" -> {
                    subject = readTemplateText(field.getValue(), fieldPath, MAX_SUBJECT_LENGTH, subject);
                    if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
                        error(fieldPath, "must be a single line");
                    }
                }
                case "htmlBody" -> html = readTemplateText(field.getValue(), fieldPath, MAX_BODY_LENGTH, html);
                case "textBody" -> text = readTemplateText(field.getValue(), fieldPath, MAX_BODY_LENGTH, text);
                default -> error(fieldPath, unknownField(Set.of("subject", "htmlBody", "textBody"), Set.of()));
            }
        }
        return new EmailTemplate(subject, html, text);
    }

    private String readTemplateText(JsonNode node, String path, int maxLength, String fallback) {
        if (!node.isTextual()) {
            error(path, "must be a string (empty for the e-mail theme's template)");
            return fallback;
        }
        String text = node.textValue();
        if (text.length() > maxLength) {
            error(path, "at most " + maxLength + " characters, got " + text.length());
            return fallback;
        }
        List<String> unknown = Placeholder.unknownIn(text);
        if (!unknown.isEmpty()) {
            error(path, "unknown placeholder " + String.join(", ", unknown) + "; expected "
                    + Placeholder.allTokens());
            return fallback;
        }
        return text;
    }

    /** An e-mail address, checked only for the shape that cannot inject headers; empty means the realm's. */
    private String readAddress(JsonNode node, String path, String fallback) {
        if (!node.isTextual()) {
            error(path, "must be a string (empty for the realm's e-mail settings)");
            return fallback;
        }
        String address = node.textValue().strip();
        int at = address.lastIndexOf('@');
        if (!address.isEmpty() && (address.length() > 254 || at < 1 || at == address.length() - 1
                || address.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c == ',' || c == 127))) {
            error(path, "must be a single e-mail address such as security@example.com");
            return fallback;
        }
        return address;
    }

    private RealmSettings.Retention readRetention(JsonNode node, String path) {
        if (!isObject(node, path)) {
            return RealmSettings.Retention.DEFAULT;
        }
        RealmSettings.Retention retention = RealmSettings.Retention.DEFAULT;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            if (!field.getKey().equals("eventDays")) {
                error(fieldPath, unknownField(Set.of("eventDays"), Set.of()));
            } else if (!field.getValue().canConvertToExactIntegral() || !field.getValue().canConvertToInt()
                    || field.getValue().intValue() < 1 || field.getValue().intValue() > MAX_RETENTION_DAYS) {
                error(fieldPath, "must be a whole number of days from 1 to " + MAX_RETENTION_DAYS);
            } else {
                retention = new RealmSettings.Retention(field.getValue().intValue());
            }
        }
        return retention;
    }

    private RealmSettings.Privacy readPrivacy(JsonNode node, String path) {
        RealmSettings.Privacy privacy = RealmSettings.Privacy.DEFAULT;
        if (!isObject(node, path)) {
            return privacy;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            switch (field.getKey()) {
                case "storeNetworkOnly" -> privacy = privacy.withStoreNetworkOnly(readBoolean(field.getValue(),
                        fieldPath, privacy.storeNetworkOnly()));
                case "deviceCookieMaxAgeDays" -> privacy = privacy.withDeviceCookieMaxAgeDays(readWholeNumber(
                        field.getValue(), fieldPath, 1, RealmSettings.Privacy.MAX_DEVICE_COOKIE_DAYS,
                        privacy.deviceCookieMaxAgeDays()));
                default -> error(fieldPath, unknownField(Set.of("storeNetworkOnly", "deviceCookieMaxAgeDays"),
                        Set.of()));
            }
        }
        return privacy;
    }

    /** Cognito's rule: a higher risk level may not get a weaker action than a lower one. */
    private void checkActionOrder(ThreatProtectionSettings settings, String prefix) {
        AccountTakeover levels = settings.accountTakeover();
        RiskLevel[] order = RiskLevel.values();
        for (int i = 1; i < order.length; i++) {
            LevelPolicy lower = levels.forLevel(order[i - 1]);
            LevelPolicy higher = levels.forLevel(order[i]);
            if (higher.action().isWeakerThan(lower.action())) {
                String lowerName = order[i - 1].name().toLowerCase();
                String higherName = order[i].name().toLowerCase();
                error(prefix + "accountTakeover." + higherName + ".action",
                        higher.action() + " is weaker than accountTakeover." + lowerName + ".action ("
                                + lower.action() + "); a higher risk level may not get a weaker action");
            }
        }
    }

    /**
     * Checked on the merged settings, like the action order, so a client cannot raise {@code medium} above the
     * realm's {@code high}.
     */
    private void checkThresholdOrder(ThreatProtectionSettings settings, String prefix) {
        RiskScoring scoring = settings.riskScoring();
        if (scoring.highAt() < scoring.mediumAt()) {
            error(prefix + "riskScoring.thresholds.high", scoring.highAt()
                    + " is below riskScoring.thresholds.medium (" + scoring.mediumAt()
                    + "); a sign-in may not become HIGH at a lower score than MEDIUM");
        }
    }

    private <E extends Enum<E>> E readEnum(JsonNode node, Class<E> type, String path, E fallback) {
        E constant = node != null && node.isTextual() ? constantNamed(type, node.textValue()) : null;
        if (constant != null) {
            return constant;
        }
        error(path, "must be one of " + names(type));
        return fallback;
    }

    private int readWholeNumber(JsonNode node, String path, int min, int max, int fallback) {
        if (node.canConvertToExactIntegral() && node.canConvertToInt()
                && node.intValue() >= min && node.intValue() <= max) {
            return node.intValue();
        }
        error(path, "must be a whole number from " + min + " to " + max);
        return fallback;
    }

    private double readNumber(JsonNode node, String path, int min, int max, double fallback) {
        if (node.isNumber() && node.doubleValue() >= min && node.doubleValue() <= max) {
            return node.doubleValue();
        }
        error(path, "must be a number from " + min + " to " + max);
        return fallback;
    }

    private boolean readBoolean(JsonNode node, String path, boolean fallback) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        error(path, "must be true or false");
        return fallback;
    }

    private boolean isObject(JsonNode node, String path) {
        if (node.isObject()) {
            return true;
        }
        error(path, "must be an object");
        return false;
    }

    private static String unknownField(Set<String> known, Set<String> alsoKnown) {
        List<String> all = new ArrayList<>(known);
        all.addAll(alsoKnown);
        return "unknown field; expected one of " + all.stream().sorted().collect(Collectors.joining(", "));
    }

    private static <E extends Enum<E>> E constantNamed(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        return null;
    }

    private static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }

    private void error(String field, String message) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(new FieldError(field, message));
        } else {
            droppedErrors++;
        }
    }

    /** What {@code riskScoring.thresholds} holds, since {@link RiskScoring} has no copy methods to set it with. */
    private record Thresholds(int mediumAt, int highAt) {
    }

    /** What {@code riskScoring.velocity} holds, since {@link RiskScoring} has no copy methods to set it with. */
    private record Velocity(Duration window, int userFailures, int networkUsers) {
    }
}
