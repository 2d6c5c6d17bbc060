package io.github.threatprotection.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders an admin may use in custom notification text: Cognito's, plus the realm's name and a
 * password-reset link. Substitution is plain text replacement, so a template typed into a form cannot run code.
 */
public enum Placeholder {
    USERNAME("username"),
    IP_ADDRESS("ip-address"),
    CITY("city"),
    COUNTRY("country"),
    LOGIN_TIME("login-time"),
    DEVICE_NAME("device-name"),
    ONE_CLICK_LINK_VALID("one-click-link-valid"),
    ONE_CLICK_LINK_INVALID("one-click-link-invalid"),
    EVENT_ID("event-id"),
    REALM_NAME("realm-name"),
    PASSWORD_RESET_LINK("password-reset-link");

    /** Anything that looks like a placeholder; others with a colon or space inside, as in CSS, are left alone. */
    private static final Pattern TOKEN = Pattern.compile("\\{([A-Za-z0-9_-]+)}");

    private final String token;

    Placeholder(String token) {
        this.token = token;
    }

    /** As written in a template, e.g. {@code {ip-address}}. */
    public String token() {
        return "{" + token + "}";
    }

    /** The placeholders in the text that are not ones of these, as written. */
    public static List<String> unknownIn(String text) {
        List<String> unknown = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            if (named(matcher.group(1)) == null) {
                unknown.add(matcher.group());
            }
        }
        return unknown;
    }

    /** Replaces each placeholder with its value passed through {@code escape}; a missing value becomes "". */
    public static String substitute(String text, Map<Placeholder, String> values, UnaryOperator<String> escape) {
        Matcher matcher = TOKEN.matcher(text);
        StringBuilder result = new StringBuilder(text.length() + 256);
        while (matcher.find()) {
            Placeholder placeholder = named(matcher.group(1));
            String replacement = placeholder == null ? matcher.group()
                    : escape.apply(values.getOrDefault(placeholder, ""));
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    public static String allTokens() {
        List<String> tokens = new ArrayList<>();
        for (Placeholder placeholder : values()) {
            tokens.add(placeholder.token());
        }
        return String.join(", ", tokens);
    }

    private static Placeholder named(String token) {
        for (Placeholder placeholder : values()) {
            if (placeholder.token.equals(token)) {
                return placeholder;
            }
        }
        return null;
    }
}
