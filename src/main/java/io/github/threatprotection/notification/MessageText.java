package io.github.threatprotection.notification;

/** Makes values that users control safe for the part of an e-mail they go into. */
public final class MessageText {

    private MessageText() {
    }

    /**
     * Control characters (CR and LF among them) become spaces, so a value can neither start a new header line
     * nor fake lines of text.
     */
    public static String oneLine(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder result = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                result.append(' ');
            } else {
                result.appendCodePoint(c);
            }
        });
        return result.toString();
    }

    /** Escapes for HTML text and double- or single-quoted attribute values. */
    public static String html(String value) {
        StringBuilder result = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> result.append("&amp;");
                case '<' -> result.append("&lt;");
                case '>' -> result.append("&gt;");
                case '"' -> result.append("&quot;");
                case '\'' -> result.append("&#39;");
                default -> result.append(c);
            }
        }
        return result.toString();
    }
}
