package io.github.threatprotection.device;

import java.util.List;
import java.util.Locale;

/**
 * A short, readable name for the device behind a user agent ("Firefox on Linux"), for event history and
 * notification mails. Coarse on purpose: it names the browser family and platform, never a version.
 */
public final class DeviceName {

    /** Stored names are cut to this length; a user agent is attacker-controlled text. */
    public static final int MAX_LENGTH = 64;

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

    private DeviceName() {
    }

    public static String of(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "Unknown device";
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
            name = "Unknown browser on " + platform;
        } else {
            name = printable(userAgent);
        }
        return truncate(name);
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
