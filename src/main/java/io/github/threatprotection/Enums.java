package io.github.threatprotection;

/** Enum constants by their exact name, as settings, feedback links and query parameters give them. */
public final class Enums {

    private Enums() {
    }

    /** The constant of that exact name, or null (case matters; no exception for unknown text). */
    public static <E extends Enum<E>> E named(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        return null;
    }
}
