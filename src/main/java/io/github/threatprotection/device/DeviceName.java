package io.github.threatprotection.device;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A short, readable name for the device behind a user agent ("Firefox on Linux"), for event history and
 * notification mails. Coarse on purpose: it names the browser family and platform, never a version.
 * <p>
 * A user agent nothing here recognises is stored as its first {@value #MAX_LENGTH} printable characters: the
 * event history is read by admins, for whom a bot's own name ("Go-http-client/1.1") is evidence, and who read
 * it as what a client claimed. Whatever reaches the user (mails, the feedback page) goes through
 * {@link #forUser}, which lets only names of this class's own vocabulary through, so text an attacker chose
 * ("Call +1 555 0100 to unlock your account") never arrives in a genuine mail from the identity provider. The
 * check is on the stored name, so events written by an earlier version, which kept such text, are covered too.
 * <p>
 * Keycloak's {@code DeviceRepresentationProvider} (the account console's device list) is not used: it parses the
 * agent of the request in progress, while mails are rendered later from the stored event, and the browser and
 * system names it returns are taken from the agent's own text, so they could not be shown to users as they are.
 */
public final class DeviceName {

    /** Stored names are cut to this length; a user agent is attacker-controlled text. */
    public static final int MAX_LENGTH = 64;
    /** The stored name when there is no user agent; users see their language's word for every unrecognised one. */
    public static final String UNKNOWN = "Unknown device";
    private static final String UNKNOWN_BROWSER = "Unknown browser";

    private record Pattern(String token, String name) {
    }

    // Order matters: Edge and Opera user agents also say "Chrome", Chrome's also says "Safari".
    private static final List<Pattern> BROWSERS = List.of(
            new Pattern("edg/", "Edge"),
            new Pattern("opr/", "Opera"),
            new Pattern("firefox/", "Firefox"),
            new Pattern("fxios/", "Firefox"),
            new Pattern("crios/", "Chrome"),
            new Pattern("chromium/", "Chromium"),
            new Pattern("chrome/", "Chrome"),
            new Pattern("safari/", "Safari"),
            new Pattern("curl/", "curl"),
            new Pattern("java-http-client", "Java HTTP client"),
            new Pattern("java/", "Java"),
            new Pattern("python", "Python"),
            new Pattern("okhttp", "OkHttp"));

    // Android before Linux, iOS before macOS: their user agents mention both.
    private static final List<Pattern> PLATFORMS = List.of(
            new Pattern("android", "Android"),
            new Pattern("iphone", "iOS"),
            new Pattern("ipad", "iPadOS"),
            new Pattern("windows", "Windows"),
            new Pattern("mac os x", "macOS"),
            new Pattern("macintosh", "macOS"),
            new Pattern("cros", "ChromeOS"),
            new Pattern("linux", "Linux"));

    /** Every name {@link #of} makes from its patterns. */
    private static final Set<String> VOCABULARY = vocabulary();

    private DeviceName() {
    }

    public static String of(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return UNKNOWN;
        }
        String lower = userAgent.toLowerCase(Locale.ROOT);
        String browser = find(BROWSERS, lower);
        String platform = find(PLATFORMS, lower);
        String name;
        if (browser != null && platform != null) {
            name = browser + " on " + platform;
        } else if (browser != null) {
            name = browser;
        } else if (platform != null) {
            name = UNKNOWN_BROWSER + " on " + platform;
        } else {
            name = printable(userAgent);
        }
        return truncate(name);
    }

    /**
     * A stored name as the user may see it: the name when it is one of the recognised ones, else null, for which
     * the caller writes "Unknown device" in the user's language.
     */
    public static String forUser(String storedName) {
        return storedName != null && VOCABULARY.contains(storedName) ? storedName : null;
    }

    private static Set<String> vocabulary() {
        Set<String> names = new HashSet<>();
        for (Pattern platform : PLATFORMS) {
            names.add(UNKNOWN_BROWSER + " on " + platform.name());
        }
        for (Pattern browser : BROWSERS) {
            names.add(browser.name());
            for (Pattern platform : PLATFORMS) {
                names.add(browser.name() + " on " + platform.name());
            }
        }
        return Set.copyOf(names);
    }

    private static String find(List<Pattern> patterns, String userAgent) {
        for (Pattern pattern : patterns) {
            if (userAgent.contains(pattern.token())) {
                return pattern.name();
            }
        }
        return null;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
        for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString().trim();
    }

    private static String truncate(String name) {
        return name.length() <= MAX_LENGTH ? name : name.substring(0, MAX_LENGTH);
    }
}
