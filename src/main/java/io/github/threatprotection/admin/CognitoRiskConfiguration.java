package io.github.threatprotection.admin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.settings.FieldError;
import io.github.threatprotection.settings.InvalidSettingsException;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.SettingsWriter;

/**
 * Turns what {@code aws cognito-idp describe-risk-configuration} prints (plus the user pool's
 * {@code AdvancedSecurityMode}) into this extension's settings, merged over a realm's current document.
 *
 * <p>Cognito's enum values are the same words as ours, so values are copied as they are and checked by
 * {@link SettingsParser}, exactly as a {@code PUT /settings} would be; its errors are renamed back to the Cognito
 * field they came from. A Cognito section that is present replaces what it covers; sections left out keep the
 * realm's current values. Fields with no counterpart are reported, never silently dropped.
 */
public final class CognitoRiskConfiguration {

    static final String ROOT = "RiskConfiguration";
    private static final String COMPROMISED = ROOT + ".CompromisedCredentialsRiskConfiguration";
    private static final String TAKEOVER = ROOT + ".AccountTakeoverRiskConfiguration";
    private static final String NOTIFY = TAKEOVER + ".NotifyConfiguration";
    private static final String EXCEPTIONS = ROOT + ".RiskExceptionConfiguration";

    /** A Cognito field that has no counterpart here, and why. */
    public record Unmapped(String field, String reason) {
    }

    /**
     * @param document the settings document the import results in, as {@code GET /settings} would return it
     * @param settings the same, parsed
     * @param clientId the client whose override was written, or null for the realm
     */
    public record Conversion(ObjectNode document, RealmSettings settings, String clientId, List<Unmapped> unmapped) {
    }

    private final List<FieldError> errors = new ArrayList<>();
    private final List<Unmapped> unmapped = new ArrayList<>();
    /** Settings path written → Cognito path it came from, to rename the parser's errors. */
    private final Map<String, String> sources = new LinkedHashMap<>();

    private CognitoRiskConfiguration() {
    }

    /**
     * @param cognito        the Cognito JSON
     * @param current        the realm's current settings document (as {@link SettingsWriter} writes it)
     * @param targetClientId the Keycloak client to receive an app client's settings instead of the one named by
     *                       {@code ClientId} (Cognito's app client ids are random, Keycloak's are chosen), or null
     * @param clientExists   whether a clientId names a client of the realm
     */
    public static Conversion convert(JsonNode cognito, ObjectNode current, String targetClientId,
                                     Predicate<String> clientExists) throws InvalidSettingsException {
        return new CognitoRiskConfiguration().run(cognito, current, targetClientId, clientExists);
    }

    private Conversion run(JsonNode cognito, ObjectNode current, String targetClientId,
                           Predicate<String> clientExists) throws InvalidSettingsException {
        if (cognito == null || !cognito.isObject()) {
            throw new InvalidSettingsException(List.of(new FieldError("", "must be a JSON object")));
        }
        JsonNode risk = cognito.get(ROOT);
        if (risk == null || !risk.isObject()) {
            throw new InvalidSettingsException(List.of(new FieldError(ROOT,
                    "required: an object, as printed by aws cognito-idp describe-risk-configuration")));
        }
        ObjectNode merged = current.deepCopy();
        for (Iterator<String> names = cognito.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(ROOT) && !name.equals("AdvancedSecurityMode")) {
                unknown(name);
            }
        }
        // A user pool's mode covers all its app clients, so it is the realm's mode even for a client import.
        if (cognito.has("AdvancedSecurityMode")) {
            merged.set("mode", cognito.get("AdvancedSecurityMode").deepCopy());
            sources.put("mode", "AdvancedSecurityMode");
        }

        String clientId = clientIdOf(risk, targetClientId, clientExists);
        ObjectNode target = merged;
        String prefix = "";
        if (clientId != null) {
            ObjectNode clients = child(merged, "clients");
            target = child(clients, clientId);
            prefix = "clients." + clientId + ".";
        }

        for (Iterator<Map.Entry<String, JsonNode>> it = risk.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = ROOT + "." + field.getKey();
            switch (field.getKey()) {
                case "UserPoolId", "ClientId", "LastModifiedDate" -> {
                    // identify the source; the target is the realm in the URL and the client chosen above
                }
                case "CompromisedCredentialsRiskConfiguration" ->
                        compromisedCredentials(field.getValue(), target, prefix);
                case "AccountTakeoverRiskConfiguration" -> accountTakeover(field.getValue(), target, prefix);
                case "RiskExceptionConfiguration" -> riskExceptions(field.getValue(), target, prefix);
                default -> unknown(path);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSettingsException(errors);
        }
        RealmSettings settings;
        try {
            settings = SettingsParser.parse(merged, clientExists);
        } catch (InvalidSettingsException e) {
            throw new InvalidSettingsException(e.errors().stream().map(this::renamed).toList());
        }
        return new Conversion(SettingsWriter.write(settings, clientExists), settings, clientId,
                List.copyOf(unmapped));
    }

    private String clientIdOf(JsonNode risk, String targetClientId, Predicate<String> clientExists) {
        JsonNode appClient = risk.get("ClientId");
        if (appClient != null && !appClient.isNull() && !appClient.isTextual()) {
            errors.add(new FieldError(ROOT + ".ClientId", "must be a string"));
            return null;
        }
        String named = appClient == null || appClient.isNull() || appClient.textValue().isEmpty()
                ? null : appClient.textValue();
        String clientId = targetClientId != null ? targetClientId : named;
        if (clientId != null && !clientExists.test(clientId)) {
            String field = targetClientId != null ? "clientId" : ROOT + ".ClientId";
            errors.add(new FieldError(field, "no client with clientId '" + clientId + "' in this realm"
                    + (targetClientId != null ? "" : "; create it, or name the Keycloak client that takes this"
                    + " app client's settings with the query parameter clientId")));
            return null;
        }
        return clientId;
    }

    private void compromisedCredentials(JsonNode node, ObjectNode target, String prefix) {
        if (!isObject(node, COMPROMISED)) {
            return;
        }
        ObjectNode section = child(target, "compromisedCredentials");
        JsonNode filter = node.get("EventFilter");
        // Cognito checks every event when no filter is given; an empty list is read the same way.
        if (filter == null || filter.isNull() || (filter.isArray() && filter.isEmpty())) {
            ArrayNode all = section.putArray("events");
            for (EventType type : EventType.values()) {
                all.add(type.name());
            }
        } else {
            section.set("events", filter.deepCopy());
        }
        sources.put(prefix + "compromisedCredentials.events", COMPROMISED + ".EventFilter");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = COMPROMISED + "." + field.getKey();
            switch (field.getKey()) {
                case "EventFilter" -> {
                    // copied above
                }
                case "Actions" -> {
                    if (!isObject(field.getValue(), path)) {
                        continue;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> actions = field.getValue().fields();
                         actions.hasNext(); ) {
                        Map.Entry<String, JsonNode> action = actions.next();
                        if (action.getKey().equals("EventAction")) {
                            section.set("action", action.getValue().deepCopy());
                            sources.put(prefix + "compromisedCredentials.action", path + ".EventAction");
                        } else {
                            unknown(path + "." + action.getKey());
                        }
                    }
                }
                default -> unknown(path);
            }
        }
    }

    private void accountTakeover(JsonNode node, ObjectNode target, String prefix) {
        if (!isObject(node, TAKEOVER)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = TAKEOVER + "." + field.getKey();
            switch (field.getKey()) {
                case "Actions" -> levelActions(field.getValue(), path, child(target, "accountTakeover"),
                        prefix);
                case "NotifyConfiguration" -> notification(field.getValue(), child(target, "notification"),
                        prefix);
                default -> unknown(path);
            }
        }
    }

    private void levelActions(JsonNode node, String path, ObjectNode takeover, String prefix) {
        if (!isObject(node, path)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String levelPath = path + "." + field.getKey();
            String level = switch (field.getKey()) {
                case "LowAction" -> "low";
                case "MediumAction" -> "medium";
                case "HighAction" -> "high";
                default -> null;
            };
            if (level == null) {
                unknown(levelPath);
                continue;
            }
            if (!isObject(field.getValue(), levelPath)) {
                continue;
            }
            ObjectNode policy = child(takeover, level);
            for (Iterator<Map.Entry<String, JsonNode>> values = field.getValue().fields(); values.hasNext(); ) {
                Map.Entry<String, JsonNode> value = values.next();
                String ours = switch (value.getKey()) {
                    case "EventAction" -> "action";
                    case "Notify" -> "notify";
                    default -> null;
                };
                if (ours == null) {
                    unknown(levelPath + "." + value.getKey());
                } else {
                    policy.set(ours, value.getValue().deepCopy());
                    sources.put(prefix + "accountTakeover." + level + "." + ours, levelPath + "." + value.getKey());
                }
            }
        }
    }

    /**
     * Cognito's notification settings are one whole: a template or address it leaves out means Cognito's
     * default, so here it becomes the realm's address or the e-mail theme's template (an empty value).
     */
    private void notification(JsonNode node, ObjectNode section, String prefix) {
        if (!isObject(node, NOTIFY)) {
            return;
        }
        section.put("from", "");
        section.put("replyTo", "");
        for (NotificationKind kind : NotificationKind.values()) {
            section.putObject(kind.settingsField()).put("subject", "").put("htmlBody", "").put("textBody", "");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = NOTIFY + "." + field.getKey();
            NotificationKind kind = kindOf(field.getKey());
            if (kind != null) {
                emailTemplate(field.getValue(), path, (ObjectNode) section.get(kind.settingsField()),
                        prefix + "notification." + kind.settingsField());
                continue;
            }
            switch (field.getKey()) {
                case "From" -> section.set("from", address(field.getValue(), path));
                case "ReplyTo" -> section.set("replyTo", address(field.getValue(), path));
                case "SourceArn" -> unmapped.add(new Unmapped(path, "Keycloak sends notifications through the"
                        + " realm's own SMTP server (Realm settings → Email), so there is no Amazon SES sending"
                        + " identity; make sure that server may send for the From address"));
                default -> unknown(path);
            }
        }
        sources.put(prefix + "notification.from", NOTIFY + ".From");
        sources.put(prefix + "notification.replyTo", NOTIFY + ".ReplyTo");
    }

    private static NotificationKind kindOf(String cognitoName) {
        return switch (cognitoName) {
            case "BlockEmail" -> NotificationKind.BLOCKED;
            case "MfaEmail" -> NotificationKind.MFA;
            case "NoActionEmail" -> NotificationKind.NO_ACTION;
            default -> null;
        };
    }

    private void emailTemplate(JsonNode node, String path, ObjectNode template, String ourPath) {
        if (!isObject(node, path)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String ours = switch (field.getKey()) {
                case "Subject" -> "subject";
                case "HtmlBody" -> "htmlBody";
                case "TextBody" -> "textBody";
                default -> null;
            };
            if (ours == null) {
                unknown(path + "." + field.getKey());
            } else {
                template.set(ours, field.getValue().deepCopy());
                sources.put(ourPath + "." + ours, path + "." + field.getKey());
            }
        }
    }

    /**
     * SES accepts {@code Security <security@example.com>}; the settings hold the bare address, and the display
     * name is reported as not carried over.
     */
    private JsonNode address(JsonNode node, String path) {
        if (!node.isTextual()) {
            return node.deepCopy();
        }
        String text = node.textValue().strip();
        int open = text.lastIndexOf('<');
        if (open >= 0 && text.endsWith(">")) {
            String name = text.substring(0, open).strip();
            if (!name.isEmpty()) {
                unmapped.add(new Unmapped(path, "display name '" + name + "' dropped: the settings hold a bare"
                        + " address; the realm's e-mail settings give the sender's display name"));
            }
            return Json.MAPPER.getNodeFactory().textNode(text.substring(open + 1, text.length() - 1).strip());
        }
        return node.deepCopy();
    }

    private void riskExceptions(JsonNode node, ObjectNode target, String prefix) {
        if (!isObject(node, EXCEPTIONS)) {
            return;
        }
        ObjectNode section = child(target, "ipExceptions");
        // Both lists are one Cognito setting: a list left out is an empty one.
        section.putArray("alwaysBlock");
        section.putArray("alwaysAllow");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = EXCEPTIONS + "." + field.getKey();
            String ours = switch (field.getKey()) {
                case "BlockedIPRangeList" -> "alwaysBlock";
                case "SkippedIPRangeList" -> "alwaysAllow";
                default -> null;
            };
            if (ours == null) {
                unknown(path);
            } else if (!field.getValue().isNull()) {
                section.set(ours, field.getValue().deepCopy());
                sources.put(prefix + "ipExceptions." + ours, path);
            }
        }
    }

    /** The object under {@code name}, made when missing. */
    private static ObjectNode child(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        return existing != null && existing.isObject() ? (ObjectNode) existing : parent.putObject(name);
    }

    private boolean isObject(JsonNode node, String path) {
        if (node.isObject()) {
            return true;
        }
        if (!node.isNull()) {
            errors.add(new FieldError(path, "must be an object"));
        }
        return false;
    }

    private void unknown(String path) {
        unmapped.add(new Unmapped(path, "not a field of Cognito's risk configuration that this import knows;"
                + " ignored"));
    }

    /**
     * Names the Cognito field an error came from, keeping the settings field in the message; errors about
     * settings the import did not touch (say, an existing level's action that the imported one is now weaker
     * than) keep the settings field.
     */
    private FieldError renamed(FieldError error) {
        String best = null;
        for (String ours : sources.keySet()) {
            boolean covers = error.field().equals(ours) || error.field().startsWith(ours + "[")
                    || error.field().startsWith(ours + ".");
            if (covers && (best == null || ours.length() > best.length())) {
                best = ours;
            }
        }
        if (best == null) {
            return error;
        }
        String cognitoField = sources.get(best) + error.field().substring(best.length());
        return new FieldError(cognitoField, error.message() + " (settings field " + error.field() + ")");
    }
}
