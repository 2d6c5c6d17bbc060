package io.github.threatprotection.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.history.EventResponse;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.settings.Placeholder;

class NotificationValuesTest {

    private static final NotificationValues.Links LINKS = new NotificationValues.Links("https://kc/valid",
            "https://kc/invalid", "https://kc/reset");

    private static RiskEvent event(String city, String country, String deviceName) {
        return new RiskEvent("event-1", "realm", EventType.SIGN_IN, Instant.parse("2026-11-26T15:04:05Z"), "user",
                "app", EventResponse.PASS, new RiskAssessment(RiskLevel.MEDIUM, RiskAction.NO_ACTION, true, null,
                false, List.of()), null, null,
                new RiskEvent.Context("81.2.69.142", deviceName, city, country, null, null, null, null, null, null),
                RiskEvent.Method.PASSWORD, null, null);
    }

    @Test
    void valuesAreOneLineAndTheTimeIsInTheUsersZone() {
        Map<Placeholder, String> values = NotificationValues.of(event("Lon\r\ndon", "GB", "Firefox on Linux"),
                "eve\r\nBcc: x@example.com", "Realm", LINKS, Locale.ENGLISH, ZoneId.of("Europe/Berlin"), "unknown",
                "Unknown device");
        assertEquals("eve  Bcc: x@example.com", values.get(Placeholder.USERNAME));
        assertEquals("Lon  don", values.get(Placeholder.CITY));
        assertEquals("Firefox on Linux", values.get(Placeholder.DEVICE_NAME), "a recognised device keeps its name");
        assertEquals("United Kingdom", values.get(Placeholder.COUNTRY));
        assertTrue(values.get(Placeholder.LOGIN_TIME).contains("4:04:05"), values.get(Placeholder.LOGIN_TIME));
        assertTrue(values.get(Placeholder.LOGIN_TIME).endsWith("(Europe/Berlin)"));
        assertEquals("https://kc/invalid", values.get(Placeholder.ONE_CLICK_LINK_INVALID));
        assertEquals(Placeholder.values().length, values.size());
    }

    @Test
    void unknownPlacesAndTheCountryNameFollowTheLanguage() {
        Map<Placeholder, String> values = NotificationValues.of(event(null, "GB", null), "eve", "Realm", LINKS,
                Locale.GERMAN, ZoneId.of("UTC"), "unbekannt", "Unbekanntes Ger\u00e4t");
        assertEquals("unbekannt", values.get(Placeholder.CITY));
        assertEquals("Unbekanntes Ger\u00e4t", values.get(Placeholder.DEVICE_NAME));
        assertEquals("Vereinigtes K\u00f6nigreich", values.get(Placeholder.COUNTRY));
    }

    @Test
    void userAgentTextNeverReachesTheMail() {
        // What an earlier version stored for an unrecognised agent, and what this one stores: the agent's own text
        for (String stored : List.of("Call +1 555 0100 to unlock your account", "Bad\nBrowser", "Unknown device",
                "Firefox on Linux <script>", "")) {
            Map<Placeholder, String> values = NotificationValues.of(event("London", "GB", stored), "eve", "Realm",
                    LINKS, Locale.ENGLISH, ZoneId.of("UTC"), "unknown", "Unknown device");
            assertEquals("Unknown device", values.get(Placeholder.DEVICE_NAME), stored);
        }
    }

    @Test
    void anInvalidZoneinfoMeansUtc() {
        assertEquals(ZoneId.of("UTC"), NotificationValues.zoneOf("Mars/Olympus"));
        assertEquals(ZoneId.of("UTC"), NotificationValues.zoneOf(null));
        assertEquals(ZoneId.of("America/New_York"), NotificationValues.zoneOf(" America/New_York "));
    }

    @Test
    void htmlEscapingCoversTextAndAttributes() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;", MessageText.html("<a href=\"x\" title='y'>&"));
    }
}
