package io.github.threatprotection.risk;

import java.time.Instant;
import java.util.Locale;

/**
 * Where a user session was signed in, or last used from a new place: what a later use of the session is compared
 * with. Kept on the session as one short text, since Keycloak replicates session notes across the cluster with
 * the session itself. Unknown parts are null.
 *
 * @param network          the address's IPv4 /24 or IPv6 /64, or its /24 or /48 where the realm stores networks
 *                         only; never the address itself
 * @param deviceId         the device cookie's id, or null when the request brought none
 * @param time             when the context was recorded
 * @param accuracyRadiusKm how far the true location may be from the coordinates
 */
public record SessionContext(String network, Long asn, String country, String deviceId, Instant time,
                             Double latitude, Double longitude, Integer accuracyRadiusKm) {

    /** Format version first, so that a note written by another version of the extension is recognised. */
    private static final String VERSION = "1";
    private static final char SEPARATOR = '|';
    private static final int FIELDS = 9;

    public boolean hasPosition() {
        return latitude != null && longitude != null;
    }

    /** The same context at another time. */
    public SessionContext at(Instant when) {
        return new SessionContext(network, asn, country, deviceId, when, latitude, longitude, accuracyRadiusKm);
    }

    /** The note's text: about 80 characters, since every node holding the session keeps it. */
    public String encode() {
        return String.join(String.valueOf(SEPARATOR), VERSION, text(network), asn == null ? "" : asn.toString(),
                text(country), text(deviceId), Long.toString(time.getEpochSecond()), coordinate(latitude),
                coordinate(longitude), accuracyRadiusKm == null ? "" : accuracyRadiusKm.toString());
    }

    /**
     * @return the context, or null when the note is missing or unreadable (another format, a damaged value): the
     *         session is then not compared, as one signed in before the extension recorded contexts
     */
    public static SessionContext decode(String note) {
        if (note == null) {
            return null;
        }
        String[] fields = note.split("\\|", -1);
        if (fields.length != FIELDS || !VERSION.equals(fields[0])) {
            return null;
        }
        try {
            return new SessionContext(nullIfEmpty(fields[1]), fields[2].isEmpty() ? null : Long.valueOf(fields[2]),
                    nullIfEmpty(fields[3]), nullIfEmpty(fields[4]), Instant.ofEpochSecond(Long.parseLong(fields[5])),
                    fields[6].isEmpty() ? null : Double.valueOf(fields[6]),
                    fields[7].isEmpty() ? null : Double.valueOf(fields[7]),
                    fields[8].isEmpty() ? null : Integer.valueOf(fields[8]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a session context value may not contain '" + SEPARATOR + "'");
        }
        return value;
    }

    /** Four decimals are about 11 m: finer than any geolocation database is right. */
    private static String coordinate(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String nullIfEmpty(String value) {
        return value.isEmpty() ? null : value;
    }
}
