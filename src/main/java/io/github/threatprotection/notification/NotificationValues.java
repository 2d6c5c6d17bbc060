package io.github.threatprotection.notification;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.EnumMap;
import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.Map;

import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.settings.Placeholder;

/**
 * What a notification says about its sign-in, as text for the placeholders and the theme templates alike. Every
 * value is made one line here, so nothing a user controls (username, city) can add header lines or fake lines of
 * text; HTML escaping is left to where a value goes into HTML. The device is only ever one of the names
 * {@link DeviceName} makes, never user-agent text.
 */
public final class NotificationValues {

    /** The one-click feedback links and the password-reset link. */
    public record Links(String valid, String invalid, String passwordReset) {
    }

    private NotificationValues() {
    }

    /**
     * @param zone          the user's time zone when known, else UTC
     * @param unknown       what to write for a place geolocation did not find, in the user's language
     * @param unknownDevice what to write for a device that is not one of the recognised ones, in the user's
     *                      language: an unrecognised user agent is text an attacker chose
     */
    public static Map<Placeholder, String> of(RiskEvent event, String username, String realmName, Links links,
                                              Locale locale, ZoneId zone, String unknown, String unknownDevice) {
        Map<Placeholder, String> values = new EnumMap<>(Placeholder.class);
        values.put(Placeholder.USERNAME, username);
        values.put(Placeholder.IP_ADDRESS, orUnknown(event.context().ipAddress(), unknown));
        values.put(Placeholder.CITY, orUnknown(event.context().city(), unknown));
        values.put(Placeholder.COUNTRY, orUnknown(countryName(event.context().country(), locale), unknown));
        values.put(Placeholder.LOGIN_TIME, time(event.time(), locale, zone));
        values.put(Placeholder.DEVICE_NAME, orUnknown(DeviceName.forUser(event.context().deviceName()),
                unknownDevice));
        values.put(Placeholder.ONE_CLICK_LINK_VALID, links.valid());
        values.put(Placeholder.ONE_CLICK_LINK_INVALID, links.invalid());
        values.put(Placeholder.EVENT_ID, event.id());
        values.put(Placeholder.REALM_NAME, realmName);
        values.put(Placeholder.PASSWORD_RESET_LINK, links.passwordReset());
        values.replaceAll((placeholder, value) -> MessageText.oneLine(value));
        return values;
    }

    /** The language of the user's mails and feedback pages (their {@code locale} attribute, see below). */
    public static Locale userLocale(RealmModel realm, UserModel user) {
        return localeOf(realm, user.getFirstAttribute(UserModel.LOCALE));
    }

    /**
     * The user's language when the realm offers it, else the realm's default; English when the realm has no
     * internationalisation.
     */
    static Locale localeOf(RealmModel realm, String userLocale) {
        if (!realm.isInternationalizationEnabled()) {
            return Locale.ENGLISH;
        }
        if (userLocale != null && realm.getSupportedLocalesStream().anyMatch(userLocale::equals)) {
            return Locale.forLanguageTag(userLocale);
        }
        return realm.getDefaultLocale() == null ? Locale.ENGLISH : Locale.forLanguageTag(realm.getDefaultLocale());
    }

    /** A time as mails and the feedback pages write it, e.g. "Dec 3, 2026, 8:42:18 PM (UTC)". */
    public static String time(Instant time, Locale locale, ZoneId zone) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).withZone(zone)
                .format(time) + " (" + zone.getId() + ")";
    }

    /** The time zone of the user's mails and feedback pages. */
    public static ZoneId userZone(UserModel user) {
        return zoneOf(user.getFirstAttribute("zoneinfo"));
    }

    /** A time zone from the user's {@code zoneinfo} attribute (the OIDC claim's name), UTC when unset or invalid. */
    static ZoneId zoneOf(String zoneinfo) {
        if (zoneinfo != null && !zoneinfo.isBlank()) {
            try {
                return ZoneId.of(zoneinfo.strip());
            } catch (RuntimeException e) {
                // an unknown zone is as good as none
            }
        }
        return ZoneId.of("UTC");
    }

    /** The country's name in the user's language for an ISO 3166 code; other text as it is. */
    public static String countryName(String code, Locale locale) {
        if (code == null || code.length() != 2) {
            return code;
        }
        try {
            String name = new Locale.Builder().setRegion(code).build().getDisplayCountry(locale);
            return name.isEmpty() ? code : name;
        } catch (IllformedLocaleException e) {
            return code;
        }
    }

    private static String orUnknown(String value, String unknown) {
        return value == null || value.isBlank() ? unknown : value;
    }
}
