package io.github.threatprotection.console;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
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
 * The settings document as the flat form of the admin console's settings tab: one field per setting, named by
 * the setting's JSON path (so the server's field errors name form fields), labelled and ordered as
 * {@link SettingsCatalogue} says, and one JSON field for the per-client overrides, which a flat form cannot
 * express. Choices hold the catalogue's words ("Ask for MFA if the user has it"), since Keycloak's form shows an
 * option's value as its text; they are turned into the document's names here, both ways. The fields are taken
 * from the default document, so a setting added to the parser without a catalogue entry still shows up, last.
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
     *
     * @param words the word shown for each option, by the option's name in the document; the options
     *              themselves when the catalogue has no words for them
     */
    public record Field(String path, String label, String help, Kind kind, Map<String, String> words) {
        public String name() {
            return path.replace('.', '-');
        }

        /** The options as the form offers them: their words. */
        public List<String> options() {
            return List.copyOf(words.values());
        }

        /** The word for a name in the document; an unknown name as it is. */
        String word(String value) {
            return words.getOrDefault(value, value);
        }

        /** The name in the document for a word or a name, ignoring case; anything else as typed. */
        String valueOf(String word) {
            String text = word.strip();
            return words.entrySet().stream()
                    .filter(option -> option.getValue().equalsIgnoreCase(text) || option.getKey().equalsIgnoreCase(text))
                    .map(Map.Entry::getKey)
                    .findFirst().orElse(text);
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

    private static final String CLIENTS_HELP = "Per-client overrides as in the settings document, keyed by "
            + "client ID: {\"my-app\": {\"mode\": \"ENFORCED\"}}. A client's object may hold any section except "
            + "retention and privacy, and is laid over the realm's settings key by key. Default: none.";

    private static final List<Field> FIELDS = buildFields();
    /** Longest first, so that a path is replaced before a shorter one that starts it. */
    private static final List<Field> BY_LONGEST_PATH = FIELDS.stream()
            .sorted(Comparator.comparing((Field field) -> field.path().length()).reversed())
            .toList();

    private SettingsForm() {
    }

    public static List<Field> fields() {
        return FIELDS;
    }

    private static List<Field> buildFields() {
        List<Field> documentOrder = new ArrayList<>();
        collect(SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true), "", documentOrder);
        Map<String, Field> byPath = new LinkedHashMap<>();
        documentOrder.forEach(field -> byPath.put(field.path(), field));
        List<Field> fields = new ArrayList<>();
        for (SettingsCatalogue.Entry entry : SettingsCatalogue.entries()) {
            Field field = byPath.remove(entry.path());
            if (field != null) {
                fields.add(field);
            }
        }
        fields.addAll(byPath.values());
        fields.add(new Field(CLIENTS, "Per-client overrides (JSON)", CLIENTS_HELP, Kind.JSON, Map.of()));
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
            Optional<SettingsCatalogue.Entry> catalogued = SettingsCatalogue.entry(path);
            // A choice is known from its enum here, or from the catalogue's words alone.
            List<String> options = optionsOf(path);
            if (options.isEmpty() && catalogued.isPresent()) {
                options = List.copyOf(catalogued.get().words().keySet());
            }
            Map<String, String> words = new LinkedHashMap<>();
            options.forEach(option -> words.put(option,
                    catalogued.map(e -> e.words().getOrDefault(option, option)).orElse(option)));
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
            fields.add(new Field(path, catalogued.map(SettingsCatalogue.Entry::label).orElse(label(path)),
                    catalogued.map(SettingsCatalogue.Entry::help).orElse("Setting " + path + " of the settings document"
                            + " (see docs/settings.md)"),
                    kind, Collections.unmodifiableMap(words)));
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
                    value.forEach(item -> values.add(field.word(item.asText())));
                    form.put(field.name(), values);
                }
                case CHOICE -> form.put(field.name(), List.of(field.word(value.asText())));
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
                            .map(field::valueOf)
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
                case CHOICE -> parent.put(name, field.valueOf(first));
                default -> parent.put(name, first);
            }
        }
        return new Document(document, errors);
    }

    /**
     * One message naming every field the server refused by the label the admin sees, one line each, with the
     * settings and values the parser's message mentions put in the same words.
     */
    public static String describe(List<FieldError> errors) {
        return "Settings not saved. Change:\n" + errors.stream()
                .map(error -> "- " + where(error.field()) + ": " + inWords(error))
                .collect(Collectors.joining("\n"));
    }

    private static String where(String path) {
        if (path.isEmpty()) {
            return "the settings as a whole";
        }
        if (path.startsWith(CLIENTS + ".")) {
            String rest = path.substring(CLIENTS.length() + 1);
            int dot = rest.indexOf('.');
            String client = dot < 0 ? rest : rest.substring(0, dot);
            String setting = dot < 0 ? "" : rest.substring(dot + 1);
            Field overridden = fieldAt(setting);
            return quoted(fieldAt(CLIENTS).label()) + ", client " + client
                    + (setting.isEmpty() ? "" : ", " + (overridden == null ? setting : quoted(overridden.label())));
        }
        Field field = fieldAt(path);
        return field == null ? path : quoted(field.label());
    }

    private static String inWords(FieldError error) {
        String message = error.message();
        for (Field field : BY_LONGEST_PATH) {
            if (message.contains(field.path())) {
                message = message.replace(field.path(), quoted(field.label()));
            }
        }
        String path = error.field();
        // A client's setting is worded as the realm's.
        int clientEnd = path.startsWith(CLIENTS + ".") ? path.indexOf('.', CLIENTS.length() + 1) : -1;
        Field field = fieldAt(clientEnd < 0 ? path : path.substring(clientEnd + 1));
        if (field != null) {
            for (Map.Entry<String, String> option : field.words().entrySet()) {
                if (!option.getKey().equals(option.getValue())) {
                    message = message.replaceAll("\\b" + Pattern.quote(option.getKey()) + "\\b",
                            Matcher.quoteReplacement(quoted(option.getValue())));
                }
            }
        }
        return message;
    }

    private static Field fieldAt(String path) {
        return fields().stream().filter(field -> field.path().equals(path)).findFirst().orElse(null);
    }

    private static String quoted(String label) {
        return "\u201c" + label + "\u201d";
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
