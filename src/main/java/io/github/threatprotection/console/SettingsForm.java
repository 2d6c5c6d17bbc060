package io.github.threatprotection.console;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.FieldError;
import io.github.threatprotection.settings.MfaFallback;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsWriter;

/**
 * The settings document as the flat form of the admin console page: one field per setting, named by the
 * setting's JSON path (so the server's field errors name form fields), and one JSON field for the per-client
 * overrides, which a flat form cannot express. The fields are taken from the default document, so a settings
 * section added to the parser shows up on the page without changes here.
 */
public final class SettingsForm {

    /** The field holding the {@code clients} object as JSON text. */
    public static final String CLIENTS = "clients";

    /** Kinds of form field, named after the admin console widgets they become. */
    public enum Kind {
        /** One of fixed options. */
        CHOICE,
        /** Several of fixed options. */
        CHOICES,
        BOOLEAN,
        /** A number typed as text, so the server's range check reports it. */
        NUMBER,
        /** One line of text. */
        TEXT,
        /** Several lines of text. */
        TEXT_BLOCK,
        /** A list of strings, one per line. */
        LINES,
        /** A JSON document. */
        JSON
    }

    /**
     * One form field: the JSON path it edits, how it is shown, and the options of a choice. Its name in the
     * form is the path with dashes for dots, since the admin console's forms read dots as nesting.
     */
    public record Field(String path, String label, Kind kind, List<String> options) {
        public String name() {
            return path.replace('.', '-');
        }
    }

    private static final Map<Pattern, List<String>> CHOICE_OPTIONS = Map.of(
            Pattern.compile("mode"), names(Mode.values()),
            Pattern.compile("compromisedCredentials\\.action"), names(CompromisedCredentialsAction.values()),
            Pattern.compile("accountTakeover\\.[a-z]+\\.action"), names(RiskAction.SIGN_IN_ACTIONS),
            Pattern.compile("accountTakeover\\.mfaFallback"), names(MfaFallback.values()),
            Pattern.compile("sessions\\.refreshActions\\.[a-z]+"), names(RiskAction.REFRESH_ACTIONS),
            Pattern.compile("compromisedCredentials\\.events"), names(EventType.WITH_PASSWORD));
    private static final Pattern LINE_SEPARATOR = Pattern.compile("[\\r\\n,]+");
    /** How the admin console sends a multi-valued field's values joined into one string. */
    private static final String UI_MULTIVALUE_SEPARATOR = "##";

    private static final List<Field> FIELDS = buildFields();

    private SettingsForm() {
    }

    public static List<Field> fields() {
        return FIELDS;
    }

    private static List<Field> buildFields() {
        List<Field> fields = new ArrayList<>();
        collect(SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true), "", fields);
        fields.add(new Field(CLIENTS, "Per-client overrides (JSON)", Kind.JSON, List.of()));
        return List.copyOf(fields);
    }

    private static void collect(JsonNode node, String prefix, List<Field> fields) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String path = prefix + entry.getKey();
            JsonNode value = entry.getValue();
            if (path.equals(CLIENTS)) {
                continue;
            }
            if (value.isObject()) {
                collect(value, path + ".", fields);
                continue;
            }
            List<String> options = optionsOf(path);
            Kind kind;
            if (value.isArray()) {
                kind = options.isEmpty() ? Kind.LINES : Kind.CHOICES;
            } else if (!options.isEmpty()) {
                kind = Kind.CHOICE;
            } else if (value.isBoolean()) {
                kind = Kind.BOOLEAN;
            } else if (value.isNumber()) {
                kind = Kind.NUMBER;
            } else if (path.endsWith("Body")) {
                kind = Kind.TEXT_BLOCK;
            } else {
                kind = Kind.TEXT;
            }
            fields.add(new Field(path, label(path), kind, options));
        }
    }

    /**
     * The form values that show a settings document (as {@code GET /settings} returns it). Lists become one
     * line per entry, numbers and booleans text, client overrides indented JSON.
     */
    public static Map<String, List<String>> toForm(JsonNode document) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        for (Field field : fields()) {
            JsonNode value = field.kind() == Kind.JSON ? document.get(CLIENTS) : document.at(pointer(field.path()));
            if (value == null || value.isMissingNode() || value.isNull()) {
                continue;
            }
            switch (field.kind()) {
                case CHOICES -> {
                    List<String> values = new ArrayList<>();
                    value.forEach(item -> values.add(item.asText()));
                    form.put(field.name(), values);
                }
                case LINES -> {
                    List<String> lines = new ArrayList<>();
                    value.forEach(item -> lines.add(item.asText()));
                    form.put(field.name(), List.of(String.join("\n", lines)));
                }
                case JSON -> form.put(field.name(), List.of(value.isEmpty() ? "{}" : value.toPrettyString()));
                default -> form.put(field.name(), List.of(value.asText()));
            }
        }
        return form;
    }

    /** A settings document and what kept the form from becoming one (only malformed client JSON does). */
    public record Document(ObjectNode document, List<FieldError> errors) {
    }

    /**
     * The settings document a submitted form stands for: {@code current} (the document {@code GET /settings}
     * returns) with the form's values put in, so fields left out keep their current value. Values are passed on
     * as typed (a number field holding letters stays text) so that the settings parser, the one place that
     * validates settings, reports them.
     */
    public static Document toDocument(Map<String, List<String>> form, ObjectNode current) {
        ObjectNode document = current.deepCopy();
        List<FieldError> errors = new ArrayList<>();
        for (Field field : fields()) {
            List<String> values = form.get(field.name());
            if (values == null || values.isEmpty()) {
                continue;
            }
            String first = values.get(0) == null ? "" : values.get(0);
            if (field.kind() == Kind.JSON) {
                readClients(first, document, errors);
                continue;
            }
            ObjectNode parent = parentOf(document, field.path());
            String name = field.path().substring(field.path().lastIndexOf('.') + 1);
            switch (field.kind()) {
                case CHOICES -> {
                    ArrayNode list = parent.putArray(name);
                    values.stream()
                            .filter(v -> v != null)
                            .flatMap(v -> Arrays.stream(v.split(UI_MULTIVALUE_SEPARATOR)))
                            .map(String::strip)
                            .filter(v -> !v.isEmpty())
                            .forEach(list::add);
                }
                case LINES -> {
                    ArrayNode list = parent.putArray(name);
                    values.stream()
                            .filter(v -> v != null)
                            .flatMap(v -> LINE_SEPARATOR.splitAsStream(v))
                            .map(String::strip)
                            .filter(v -> !v.isEmpty())
                            .forEach(list::add);
                }
                case BOOLEAN -> {
                    String text = first.strip();
                    if (text.equals("true") || text.equals("false")) {
                        parent.put(name, Boolean.parseBoolean(text));
                    } else {
                        parent.put(name, text);
                    }
                }
                case NUMBER -> putNumber(parent, name, first.strip());
                case CHOICE -> parent.put(name, first.strip());
                default -> parent.put(name, first);
            }
        }
        return new Document(document, errors);
    }

    /**
     * One message naming every field the server refused, with the label the admin sees and the setting's
     * path; the admin console shows it as the save error.
     */
    public static String describe(List<FieldError> errors) {
        Map<String, String> labels = fields().stream()
                .collect(Collectors.toMap(Field::path, Field::label, (a, b) -> a, LinkedHashMap::new));
        return "Settings not saved: " + errors.stream().map(error -> {
            String label = labels.get(error.field());
            String where = error.field().isEmpty() ? "document"
                    : label == null ? error.field() : label + " (" + error.field() + ")";
            return where + ": " + error.message();
        }).collect(Collectors.joining("; "));
    }

    private static void readClients(String text, ObjectNode document, List<FieldError> errors) {
        if (text.isBlank()) {
            document.putObject(CLIENTS);
            return;
        }
        try {
            document.set(CLIENTS, Json.read(text));
        } catch (JsonProcessingException e) {
            errors.add(new FieldError(CLIENTS, "not valid JSON: " + e.getOriginalMessage()));
        }
    }

    private static void putNumber(ObjectNode parent, String name, String text) {
        if (text.isEmpty()) {
            return;
        }
        try {
            BigDecimal number = new BigDecimal(text);
            if (number.scale() <= 0 || number.stripTrailingZeros().scale() <= 0) {
                parent.put(name, number.toBigIntegerExact());
            } else {
                parent.put(name, number.doubleValue());
            }
        } catch (NumberFormatException | ArithmeticException e) {
            parent.put(name, text);
        }
    }

    private static ObjectNode parentOf(ObjectNode document, String path) {
        ObjectNode node = document;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode object ? object : node.putObject(parts[i]);
        }
        return node;
    }

    private static String pointer(String path) {
        return "/" + path.replace('.', '/');
    }

    private static List<String> optionsOf(String path) {
        return CHOICE_OPTIONS.entrySet().stream()
                .filter(entry -> entry.getKey().matcher(path).matches())
                .map(Map.Entry::getValue)
                .findFirst().orElse(List.of());
    }

    /** {@code accountTakeover.high.notify} → {@code Account takeover › high › notify}. */
    static String label(String path) {
        String label = Arrays.stream(path.split("\\."))
                .map(part -> part.equals(part.toUpperCase(Locale.ROOT)) ? part
                        : part.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(" › "));
        return Character.toUpperCase(label.charAt(0)) + label.substring(1);
    }

    private static List<String> names(Enum<?>[] constants) {
        return names(Arrays.asList(constants));
    }

    private static List<String> names(List<? extends Enum<?>> constants) {
        return constants.stream().map(Enum::name).toList();
    }
}
