package io.github.threatprotection;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Building blocks for generated test inputs. Numbers lean towards small magnitudes and the ends of their range,
 * where parsers break most often; text covers the whole Basic Multilingual Plane including control characters
 * and lone surrogate halves.
 */
public final class RandomInputs {

    /** The longest arbitrary string when a test gives no limit. */
    public static final int DEFAULT_MAX_LENGTH = 255;

    /** Most strings stay this short, so that short and empty inputs come up often. */
    private static final int USUAL_MAX_LENGTH = 45;

    private static final int[] INT_EDGES = {0, 1, -1, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE,
            Integer.MAX_VALUE - 1};

    private static final long[] LONG_EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE,
            Long.MAX_VALUE - 1};

    private static final double[] DOUBLE_EDGES = {0.0, 0.01, -0.01, 1.0, -1.0, Double.MAX_VALUE, -Double.MAX_VALUE};

    /** Characters that text handling often gets wrong, mixed into arbitrary strings more often than chance would. */
    private static final String AWKWARD_CHARS = "\u0000\t\n\r \u007f\u0085\u00a0\u2028\ufeff\ufffd"
            + "\ud800\udbff\udc00\udfff0123456789.:/%[]-\u0661\uff10";

    private RandomInputs() {
    }

    /** Any int, often an edge value or a small one. */
    public static int anyInt(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return INT_EDGES[random.nextInt(INT_EDGES.length)];
        }
        if (kind < 5) {
            int magnitude = random.nextInt(1 << random.nextInt(31));
            return random.nextBoolean() ? magnitude : -magnitude;
        }
        return random.nextInt();
    }

    /** An int from {@code min} to {@code max} inclusive, often one of the two ends or zero. */
    public static int intBetween(Random random, int min, int max) {
        if (random.nextInt(10) == 0) {
            int edge = random.nextInt(3);
            return edge == 0 ? min : edge == 1 ? max : Math.max(min, Math.min(max, 0));
        }
        return (int) random.nextLong(min, (long) max + 1);
    }

    /** Any long, often an edge value or a small one. */
    public static long anyLong(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return LONG_EDGES[random.nextInt(LONG_EDGES.length)];
        }
        if (kind < 5) {
            long magnitude = random.nextLong(1L << random.nextInt(63));
            return random.nextBoolean() ? magnitude : -magnitude;
        }
        return random.nextLong();
    }

    /** Any finite double with at most two decimal places, of any magnitude up to {@link Double#MAX_VALUE}. */
    public static double anyDouble(Random random) {
        if (random.nextInt(10) == 0) {
            return DOUBLE_EDGES[random.nextInt(DOUBLE_EDGES.length)];
        }
        double magnitude = random.nextDouble() * Math.pow(10, random.nextInt(-2, 309));
        double value = random.nextBoolean() ? magnitude : -magnitude;
        // Rounding through a long is exact only below this; larger doubles have no room for cents anyway.
        return Math.abs(value) < 1e13 ? Math.round(value * 100) / 100.0 : value;
    }

    /** Any string of up to {@link #DEFAULT_MAX_LENGTH} chars. */
    public static String anyString(Random random) {
        return anyString(random, DEFAULT_MAX_LENGTH);
    }

    /**
     * Any string of up to {@code maxLength} chars from the Basic Multilingual Plane, noncharacters and private-use
     * characters left out, with control characters, lone surrogate halves, surrogate pairs and look-alike digits.
     */
    public static String anyString(Random random, int maxLength) {
        int length = length(random, maxLength);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            int kind = random.nextInt(20);
            if (kind < 2) {
                text.append(AWKWARD_CHARS.charAt(random.nextInt(AWKWARD_CHARS.length())));
            } else if (kind == 2 && text.length() + 2 <= length) {
                text.appendCodePoint(random.nextInt(Character.MIN_SUPPLEMENTARY_CODE_POINT,
                        Character.MAX_CODE_POINT + 1));
            } else {
                text.append(anyBmpChar(random));
            }
        }
        return text.toString();
    }

    /** A string of up to {@code maxLength} chars, each one of {@code chars}. */
    public static String stringOf(Random random, String chars, int maxLength) {
        int length = length(random, maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(chars.charAt(random.nextInt(chars.length())));
        }
        return text.toString();
    }

    /** One of {@code choices}, each as likely as the others. */
    @SafeVarargs
    public static <T> T oneOf(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** One of {@code choices}, each as likely as the others. */
    public static <T> T oneOf(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** A list of {@code minSize} to {@code maxSize} elements. */
    public static <T> List<T> listOf(Random random, int minSize, int maxSize, Function<Random, T> element) {
        int size = random.nextInt(minSize, maxSize + 1);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.apply(random));
        }
        return list;
    }

    /**
     * A generated input as text for a failure message: strings quoted, and characters a terminal would hide or
     * garble (controls, surrogate halves, format and separator characters) written as {@code \}{@code uXXXX}.
     */
    public static String readable(Object input) {
        String text = String.valueOf(input);
        StringBuilder out = new StringBuilder(text.length() + 2);
        if (input instanceof String) {
            out.append('"');
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && (Character.isISOControl(c) || Character.isSurrogate(c) || Character.isSpaceChar(c)
                    || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.UNASSIGNED)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (input instanceof String) {
            out.append('"');
        }
        return out.toString();
    }

    private static int length(Random random, int maxLength) {
        int limit = random.nextInt(10) == 0 ? maxLength : Math.min(maxLength, USUAL_MAX_LENGTH);
        return random.nextInt(limit + 1);
    }

    private static char anyBmpChar(Random random) {
        while (true) {
            char c = (char) random.nextInt(Character.MAX_VALUE + 1);
            boolean nonCharacter = (c >= '\ufdd0' && c <= '\ufdef') || c == '\ufffe' || c == '\uffff';
            if (!nonCharacter && Character.getType(c) != Character.PRIVATE_USE) {
                return c;
            }
        }
    }
}
