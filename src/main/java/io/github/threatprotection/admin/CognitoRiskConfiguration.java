package io.github.threatprotection.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.settings.FieldError;
import io.github.threatprotection.settings.InvalidSettingsException;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.SettingsSection;
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
        if (!cognito.path(ROOT).isObject()) {
            throw new InvalidSettingsException(List.of(new FieldError(ROOT,
                    "required: an object, as printed by aws cognito-idp describe-risk-configuration")));
        }
        SettingsSection document = SettingsSection.of(cognito, "", errors::add);
        SettingsSection risk = document.section(ROOT);
        ObjectNode merged = current.deepCopy();
        reportUnknown(document, ROOT, "AdvancedSecurityMode");
        // A user pool's mode covers all its app clients, so it is the realm's mode even for a client import.
        if (document.has("AdvancedSecurityMode")) {
            merged.set("mode", document.get("AdvancedSecurityMode").deepCopy());
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

        // UserPoolId, ClientId and LastModifiedDate identify the source; the target is the realm in the URL and
        // the client chosen above.
        reportUnknown(risk, "UserPoolId", "ClientId", "LastModifiedDate", "CompromisedCredentialsRiskConfiguration",
                "AccountTakeoverRiskConfiguration", "RiskExceptionConfiguration");
        compromisedCredentials(risk.sectionUnlessNull("CompromisedCredentialsRiskConfiguration"), target, prefix);
        accountTakeover(risk.sectionUnlessNull("AccountTakeoverRiskConfiguration"), target, prefix);
        riskExceptions(risk.sectionUnlessNull("RiskExceptionConfiguration"), target, prefix);
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

    private String clientIdOf(SettingsSection risk, String targetClientId, Predicate<String> clientExists) {
        JsonNode appClient = risk.get("ClientId");
        if (appClient != null && !appClient.isNull() && !appClient.isTextual()) {
            risk.error("ClientId", "must be a string");
            return null;
        }
        String named = appClient == null || appClient.isNull() || appClient.textValue().isEmpty()
                ? null : appClient.textValue();
        String clientId = targetClientId != null ? targetClientId : named;
        if (clientId != null && !clientExists.test(clientId)) {
            String field = targetClientId != null ? "clientId" : risk.pathOf("ClientId");
            errors.add(new FieldError(field, "no client with clientId '" + clientId + "' in this realm"
                    + (targetClientId != null ? "" : "; create it, or name the Keycloak client that takes this"
                    + " app client's settings with the query parameter clientId")));
            return null;
        }
        return clientId;
    }

    private void compromisedCredentials(SettingsSection cognito, ObjectNode target, String prefix) {
        if (!cognito.exists()) {
            return;
        }
        ObjectNode section = child(target, "compromisedCredentials");
        JsonNode filter = cognito.get("EventFilter");
        // Cognito checks every event when no filter is given; an empty list is read the same way.
        if (filter == null || filter.isNull() || (filter.isArray() && filter.isEmpty())) {
            ArrayNode all = section.putArray("events");
            for (EventType type : EventType.WITH_PASSWORD) {
                all.add(type.name());
            }
        } else {
            section.set("events", filter.deepCopy());
        }
        sources.put(prefix + "compromisedCredentials.events", cognito.pathOf("EventFilter"));
        reportUnknown(cognito, "EventFilter", "Actions");
        copy(cognito.sectionUnlessNull("Actions"), Map.of("EventAction", "action"), section,
                prefix + "compromisedCredentials", false);
    }

    private void accountTakeover(SettingsSection cognito, ObjectNode target, String prefix) {
        reportUnknown(cognito, "Actions", "NotifyConfiguration");
        SettingsSection actions = cognito.sectionUnlessNull("Actions");
        reportUnknown(actions, "LowAction", "MediumAction", "HighAction");
        for (RiskLevel level : RiskLevel.values()) {
            String ours = level.name().toLowerCase(Locale.ROOT);
            SettingsSection policy = actions.sectionUnlessNull(cognitoName(level));
            if (policy.exists()) {
                copy(policy, Map.of("EventAction", "action", "Notify", "notify"),
                        child(child(target, "accountTakeover"), ours), prefix + "accountTakeover." + ours, false);
            }
        }
        notification(cognito.sectionUnlessNull("NotifyConfiguration"), target, prefix);
    }

    /**
     * Cognito's notification settings are one whole: a template or address it leaves out means Cognito's
     * default, so here it becomes the realm's address or the e-mail theme's template (an empty value).
     */
    private void notification(SettingsSection cognito, ObjectNode target, String prefix) {
        if (!cognito.exists()) {
            return;
        }
        ObjectNode section = child(target, "notification");
        section.put("from", "");
        section.put("replyTo", "");
        reportUnknown(cognito, "From", "ReplyTo", "SourceArn", "BlockEmail", "MfaEmail", "NoActionEmail");
        if (cognito.has("From")) {
            section.set("from", address(cognito, "From"));
        }
        if (cognito.has("ReplyTo")) {
            section.set("replyTo", address(cognito, "ReplyTo"));
        }
        if (cognito.has("SourceArn")) {
            unmapped.add(new Unmapped(cognito.pathOf("SourceArn"), "Keycloak sends notifications through the"
                    + " realm's own SMTP server (Realm settings → Email), so there is no Amazon SES sending"
                    + " identity; make sure that server may send for the From address"));
        }
        for (NotificationKind kind : NotificationKind.values()) {
            ObjectNode template = section.putObject(kind.settingsField())
                    .put("subject", "").put("htmlBody", "").put("textBody", "");
            copy(cognito.sectionUnlessNull(cognitoName(kind)),
                    Map.of("Subject", "subject", "HtmlBody", "htmlBody", "TextBody", "textBody"), template,
                    prefix + "notification." + kind.settingsField(), false);
        }
        sources.put(prefix + "notification.from", cognito.pathOf("From"));
        sources.put(prefix + "notification.replyTo", cognito.pathOf("ReplyTo"));
    }

    private static String cognitoName(RiskLevel level) {
        return switch (level) {
            case LOW -> "LowAction";
            case MEDIUM -> "MediumAction";
            case HIGH -> "HighAction";
        };
    }

    private static String cognitoName(NotificationKind kind) {
        return switch (kind) {
            case BLOCKED -> "BlockEmail";
            case MFA -> "MfaEmail";
            case NO_ACTION -> "NoActionEmail";
        };
    }

    /**
     * SES accepts {@code Security <security@example.com>}; the settings hold the bare address, and the display
     * name is reported as not carried over.
     */
    private JsonNode address(SettingsSection cognito, String name) {
        JsonNode node = cognito.get(name);
        if (!node.isTextual()) {
            return node.deepCopy();
        }
        String text = node.textValue().strip();
        int open = text.lastIndexOf('<');
        if (open >= 0 && text.endsWith(">")) {
            String displayName = text.substring(0, open).strip();
            if (!displayName.isEmpty()) {
                unmapped.add(new Unmapped(cognito.pathOf(name), "display name '" + displayName + "' dropped: the"
                        + " settings hold a bare address; the realm's e-mail settings give the sender's display"
                        + " name"));
            }
            return Json.MAPPER.getNodeFactory().textNode(text.substring(open + 1, text.length() - 1).strip());
        }
        return node.deepCopy();
    }

    /** Both lists are one Cognito setting: a list left out, or null, is an empty one. */
    private void riskExceptions(SettingsSection cognito, ObjectNode target, String prefix) {
        if (!cognito.exists()) {
            return;
        }
        ObjectNode section = child(target, "ipExceptions");
        section.putArray("alwaysBlock");
        section.putArray("alwaysAllow");
        copy(cognito, Map.of("BlockedIPRangeList", "alwaysBlock", "SkippedIPRangeList", "alwaysAllow"), section,
                prefix + "ipExceptions", true);
    }

    /**
     * Copies each field of a Cognito object to its settings name in {@code target}, remembering where it came
     * from; a field with no settings name is reported as unmapped.
     *
     * @param targetPath the settings path of {@code target}
     * @param skipNulls  whether a null is left out rather than copied (and then refused by the parser)
     */
    private void copy(SettingsSection cognito, Map<String, String> settingsNames, ObjectNode target,
                      String targetPath, boolean skipNulls) {
        for (String name : cognito.fieldNames()) {
            String ours = settingsNames.get(name);
            JsonNode value = cognito.get(name);
            if (ours == null) {
                unknown(cognito.pathOf(name));
            } else if (!(skipNulls && value.isNull())) {
                target.set(ours, value.deepCopy());
                sources.put(targetPath + "." + ours, cognito.pathOf(name));
            }
        }
    }

    /** The object under {@code name}, made when missing. */
    private static ObjectNode child(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        return existing != null && existing.isObject() ? (ObjectNode) existing : parent.putObject(name);
    }

    private void reportUnknown(SettingsSection cognito, String... known) {
        cognito.fieldsOtherThan(Set.of(known)).forEach(name -> unknown(cognito.pathOf(name)));
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
