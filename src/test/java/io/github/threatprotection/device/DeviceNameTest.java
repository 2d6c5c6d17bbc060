package io.github.threatprotection.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceNameTest {

    @Test
    void commonBrowsersAndPlatformsGetReadableNames() {
        assertEquals("Firefox on Linux",
                DeviceName.of("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"));
        assertEquals("Chrome on Windows", DeviceName.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"));
        assertEquals("Edge on Windows", DeviceName.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"));
        assertEquals("Safari on iOS", DeviceName.of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
                + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"));
        assertEquals("Safari on macOS", DeviceName.of("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) "
                + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"));
        assertEquals("Chrome on Android", DeviceName.of("Mozilla/5.0 (Linux; Android 14; Pixel 8) "
                + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"));
        assertEquals("curl", DeviceName.of("curl/8.5.0"));
    }

    @Test
    void missingOrUnknownUserAgentsStayShortAndPrintable() {
        assertEquals("Unknown device", DeviceName.of(null));
        assertEquals("Unknown device", DeviceName.of("  "));
        String name = DeviceName.of("x".repeat(10_000) + "\r\n<script>");
        assertEquals(DeviceName.MAX_LENGTH, name.length());
        assertEquals("my\tagent".replace('\t', ' '), DeviceName.of("my\tagent"));
        assertTrue(DeviceName.of("evil\r\nHeader: x").indexOf('\n') < 0);
    }

    @Test
    void unrecognisedAgentsKeepTheirTextForAdminsButNeverReachTheUser() {
        String attacker = "Call +1 555 0100 to unlock your account";
        assertEquals(attacker, DeviceName.of(attacker), "the event history keeps what the client claimed");
        assertNull(DeviceName.forUser(DeviceName.of(attacker)));
        assertNull(DeviceName.forUser(DeviceName.of(null)), "no agent: the caller's own words for unknown");
        assertNull(DeviceName.forUser(null));
        assertNull(DeviceName.forUser("Firefox on Linux "), "only exact names of the vocabulary");
        for (String agent : new String[] {
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
                        + " Mobile Safari/537.36",
                "curl/8.5.0",
                "Mozilla/5.0 (X11; Linux x86_64) Unknown/1.0"}) {
            String name = DeviceName.of(agent);
            assertEquals(name, DeviceName.forUser(name), agent);
        }
    }
}
