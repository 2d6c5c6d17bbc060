package io.github.threatprotection.settings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.threatprotection.Enums;

/**
 * One JSON object of a document being read, with its path in the document. A typed read gives a field's value;
 * a bad value is reported as a {@link FieldError} naming the field's full path, and the read gives the fallback
 * instead, so that one pass finds every problem. A field left out gives the fallback. An object that is left
 * out, or reported because it is no object, reads as one without fields.
 *
 * <p>A caller's own checks ({@link #text}, {@link #list}) say what is wrong with a value by throwing
 * {@link IllegalArgumentException} with the message, as {@code IpRange.parse} does.
 */
public final class SettingsSection {

    /** Null when the object is left out or no object. */
    private final JsonNode object;
    private final String path;
    private final Consumer<FieldError> errors;

    private SettingsSection(JsonNode object, String path, Consumer<FieldError> errors) {
        this.object = object;
        this.path = path;
        this.errors = errors;
    }

    /**
     * @param node   the object, or null when it is left out; anything else is reported as "must be an object"
     * @param path   where the object is in the document, empty for the document itself
     * @param errors receives every problem found
     */
    public static SettingsSection of(JsonNode node, String path, Consumer<FieldError> errors) {
        if (node == null || node.isObject()) {
            return new SettingsSection(node, path, errors);
        }
        errors.accept(new FieldError(path, "must be an object"));
        return new SettingsSection(null, path, errors);
    }

    /** The object in the field {@code name}; a null there is reported like any other value that is no object. */
    public SettingsSection section(String name) {
        return of(get(name), pathOf(name), errors);
    }

    /** The object in the field {@code name}, where a null means left out (as in Cognito's documents). */
    public SettingsSection sectionUnlessNull(String name) {
        JsonNode value = get(name);
        return of(value == null || value.isNull() ? null : value, pathOf(name), errors);
    }

    /** Whether the document has this object: false when it is left out or no object. */
    public boolean exists() {
        return object != null;
    }

    /** The full path of one of this object's fields, as errors name it. */
    public String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public boolean has(String name) {
        return get(name) != null;
    }

    /** The field's value as written (a JSON null included), or null when it is left out. */
    public JsonNode get(String name) {
        return object == null ? null : object.get(name);
    }

    /** The fields in the order the document has them. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        if (object != null) {
            object.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** The fields not among {@code known}, in the order the document has them. */
    public List<String> fieldsOtherThan(Collection<String> known) {
        return fieldNames().stream().filter(name -> !known.contains(name)).toList();
    }

    /** Reports each field not among {@code known}, listing the known ones. */
    public void rejectFieldsOtherThan(Collection<String> known) {
        String expected = known.stream().sorted().collect(Collectors.joining(", "));
        for (String name : fieldsOtherThan(known)) {
            error(name, "unknown field; expected one of " + expected);
        }
    }

    /** Reports a problem with one of this object's fields; the name may go deeper, as in {@code "a.b"}. */
    public void error(String name, String message) {
        errors.accept(new FieldError(pathOf(name), message));
    }

    public int wholeNumber(String name, int min, int max, int fallback) {
        return wholeNumber(name, "whole number", min, max, fallback);
    }

    /** @param what what the error message says the value must be, such as {@code "whole number of days"} */
    public int wholeNumber(String name, String what, int min, int max, int fallback) {
        return value(name, fallback, value -> {
            if (value.canConvertToExactIntegral() && value.canConvertToInt()
                    && value.intValue() >= min && value.intValue() <= max) {
                return value.intValue();
            }
            throw new IllegalArgumentException("must be a " + what + " from " + min + " to " + max);
        });
    }

    public double number(String name, int min, int max, double fallback) {
        return value(name, fallback, value -> {
            if (value.isNumber() && value.doubleValue() >= min && value.doubleValue() <= max) {
                return value.doubleValue();
            }
            throw new IllegalArgumentException("must be a number from " + min + " to " + max);
        });
    }

    public boolean bool(String name, boolean fallback) {
        return value(name, fallback, value -> {
            if (value.isBoolean()) {
                return value.booleanValue();
            }
            throw new IllegalArgumentException("must be true or false");
        });
    }

    /** One of the enum's constants, by its name. */
    public <E extends Enum<E>> E constant(String name, Class<E> type, E fallback) {
        return value(name, fallback, value -> constantIn(value, type));
    }

    /**
     * A string that {@code check} accepts, as {@code check} returns it.
     *
     * @param notAString the message when the value is no string
     */
    public String text(String name, String notAString, UnaryOperator<String> check, String fallback) {
        return value(name, fallback, value -> {
            if (!value.isTextual()) {
                throw new IllegalArgumentException(notAString);
            }
            return check.apply(value.textValue());
        });
    }

    /**
     * The entries of a list, each read by {@code readEntry}; an entry it throws on is reported with its index
     * ({@code alwaysBlock[2]}) and left out.
     *
     * @param notAList the message when the value is no list
     * @return null when the list is left out, no list or too long
     */
    public <T> List<T> list(String name, String notAList, int maxEntries, Function<JsonNode, T> readEntry) {
        JsonNode value = get(name);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            error(name, notAList);
            return null;
        }
        if (value.size() > maxEntries) {
            error(name, "at most " + maxEntries + " entries, got " + value.size());
            return null;
        }
        List<T> entries = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            try {
                entries.add(readEntry.apply(value.get(i)));
            } catch (IllegalArgumentException e) {
                error(name + "[" + i + "]", e.getMessage());
            }
        }
        return entries;
    }

    /** A list of the enum's constants by name, each at most once. */
    public <E extends Enum<E>> Set<E> constants(String name, Class<E> type, Set<E> fallback) {
        return constants(name, type, EnumSet.allOf(type), fallback);
    }

    /** A list of some of the enum's constants ({@code allowed}) by name, each at most once. */
    public <E extends Enum<E>> Set<E> constants(String name, Class<E> type, Set<E> allowed, Set<E> fallback) {
        Set<E> listed = EnumSet.noneOf(type);
        String allowedNames = allowed.stream().map(Enum::name).collect(Collectors.joining(", "));
        List<E> entries = list(name, "must be a list of " + allowedNames, Integer.MAX_VALUE, value -> {
            E constant = constantIn(value, type);
            if (!allowed.contains(constant)) {
                throw new IllegalArgumentException("must be one of " + allowedNames);
            }
            if (!listed.add(constant)) {
                throw new IllegalArgumentException(constant + " is listed twice");
            }
            return constant;
        });
        return entries == null ? fallback : listed;
    }

    /** The enum's constant names, in declaration order, as error messages list them. */
    public static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }

    private static <E extends Enum<E>> E constantIn(JsonNode value, Class<E> type) {
        E constant = value.isTextual() ? Enums.named(type, value.textValue()) : null;
        if (constant == null) {
            throw new IllegalArgumentException("must be one of " + names(type));
        }
        return constant;
    }

    /** The field read by {@code read}, which throws {@link IllegalArgumentException} with a bad value's problem. */
    private <T> T value(String name, T fallback, Function<JsonNode, T> read) {
        JsonNode value = get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return read.apply(value);
        } catch (IllegalArgumentException e) {
            error(name, e.getMessage());
            return fallback;
        }
    }
}
