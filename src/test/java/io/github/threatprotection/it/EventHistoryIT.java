package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/** The event history REST API: reading, filtering, feedback, deletion with the user, realm isolation. */
@ExtendWith(KeycloakExtension.class)
class EventHistoryIT {

    private static final String ADDRESS = "192.0.2.20";

    private static String baseUrl;
    private static TestRealm realm;
    private static TestRealm otherRealm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        AdminApi admin = new AdminApi(baseUrl);
        realm = TestRealm.create(admin, "event-history", "paged", "feedback", "leaving", "searched",
                "by-id");
        otherRealm = TestRealm.create(admin, "event-history-other", "stranger");
        realm.saveSettings(Map.of("mode", "AUDIT"));
        otherRealm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        otherRealm.close();
    }

    @Test
    void aUsersEventsComeNewestFirstAndPageWithFirstAndMax() {
        String userId = realm.userId("paged");
        for (int i = 0; i < 3; i++) {
            signIn(realm, "paged");
        }
        JsonNode events = realm.userEvents(userId);
        assertEquals(3, events.size());
        for (int i = 1; i < events.size(); i++) {
            Instant newer = Instant.parse(events.get(i - 1).get("time").asText());
            Instant older = Instant.parse(events.get(i).get("time").asText());
            assertTrue(!newer.isBefore(older), events.toString());
        }
        JsonNode second = AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/users/" + userId
                + "/events?first=1&max=1"));
        assertEquals(1, second.size());
        assertEquals(events.get(1).get("id"), second.get(0).get("id"));
        assertEquals(400, realm.admin().get("/" + realm.name() + "/threat-protection/users/" + userId
                + "/events?max=0").statusCode());
    }

    @Test
    void oneEventByIdAUsersFilterAndFromAfterToRefused() {
        signIn(realm, "by-id");
        String userId = realm.userId("by-id");
        JsonNode latest = realm.latestUserEvent(userId);
        String id = latest.get("id").asText();
        assertEquals(latest, AdminApi.ok(realm.admin().get("/" + realm.name() + "/threat-protection/events/" + id)));
        assertEquals(404, realm.admin().get("/" + otherRealm.name() + "/threat-protection/events/" + id).statusCode(),
                "another realm's event is not found");
        assertEquals(404, realm.admin().get("/" + realm.name() + "/threat-protection/events/no-such-event")
                .statusCode());
        JsonNode own = realm.searchEvents("userId=" + userId + "&max=1000");
        assertTrue(own.size() > 0);
        own.forEach(e -> assertEquals(userId, e.get("userId").asText()));
        assertEquals(realm.userEvents(userId).size(), own.size());

        HttpResponse<String> refused = realm.admin().get("/" + realm.name()
                + "/threat-protection/events?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z");
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("\"field\":\"from\""), refused.body());
    }

    @Test
    void realmWideSearchFiltersByLevelActionClientAndTime() {
        Instant before = Instant.now().minusSeconds(1);
        signIn(realm, "searched");
        String userId = realm.userId("searched");

        assertTrue(contains(realm.searchEvents("clientId=" + TestRealm.CLIENT + "&level=LOW&action=NO_ACTION"
                + "&type=SIGN_IN&from=" + before), userId));
        assertTrue(!contains(realm.searchEvents("level=HIGH"), userId));
        assertTrue(!contains(realm.searchEvents("clientId=" + TestRealm.OTHER_CLIENT), userId));
        assertTrue(!contains(realm.searchEvents("to=" + before), userId));

        HttpResponse<String> invalid = realm.admin().get("/" + realm.name()
                + "/threat-protection/events?level=EXTREME&from=yesterday");
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body().contains("\"field\":\"level\"") && invalid.body().contains("\"field\":\"from\""),
                invalid.body());
    }

    @Test
    void adminFeedbackIsRecordedOnTheUsersEventOnly() {
        String refreshToken = realm.admin().passwordGrant(realm.name(), TestRealm.CLIENT, "feedback",
                TestRealm.PASSWORD).get("refresh_token").asText();
        signIn(realm, "feedback");
        String userId = realm.userId("feedback");
        String eventId = realm.latestUserEvent(userId).get("id").asText();
        String path = "/" + realm.name() + "/threat-protection/users/" + userId + "/events/" + eventId + "/feedback";

        realm.update(Map.of("adminEventsEnabled", true, "adminEventsDetailsEnabled", true));
        JsonNode updated = AdminApi.ok(realm.admin().put(path, Map.of("value", "INVALID")));

        assertEquals("INVALID", updated.at("/feedback/value").asText());
        assertEquals("ADMIN", updated.at("/feedback/provider").asText());
        assertEquals("INVALID", realm.latestUserEvent(userId).at("/feedback/value").asText());
        assertEquals(400, realm.admin().refreshGrantResponse(realm.name(), TestRealm.CLIENT, refreshToken)
                .statusCode(), "an admin's INVALID ends the user's sessions, as the user's own does");
        JsonNode adminEvent = AdminApi.ok(realm.admin().get("/" + realm.name() + "/admin-events?operationTypes=ACTION"))
                .get(0);
        assertTrue(adminEvent.get("resourcePath").asText().endsWith("/events/" + eventId + "/feedback"),
                adminEvent.toString());
        assertTrue(adminEvent.get("representation").asText().contains("\"INVALID\""), adminEvent.toString());
        JsonNode lock = realm.keycloakEvents("USER_DISABLED_BY_PERMANENT_LOCKOUT").get(0);
        assertEquals(userId, lock.get("userId").asText());
        assertEquals("DISOWNED_BY_ADMIN", lock.at("/details/threat_protection_lock").asText());
        assertEquals(eventId, lock.at("/details/risk_event_id").asText());
        HttpResponse<String> badValue = realm.admin().put(path, Map.of("value", "MAYBE"));
        assertEquals(400, badValue.statusCode());
        assertTrue(badValue.body().contains("\"field\":\"value\""), badValue.body());
        String otherUser = realm.userId("paged");
        assertEquals(404, realm.admin().put("/" + realm.name() + "/threat-protection/users/" + otherUser
                + "/events/" + eventId + "/feedback", Map.of("value", "VALID")).statusCode());
    }

    @Test
    void deletingAUserDeletesTheirEvents() {
        String userId = realm.userId("leaving");
        signIn(realm, "leaving");
        assertTrue(contains(realm.searchEvents("max=1000"), userId));

        AdminApi.ok(realm.admin().delete("/" + realm.name() + "/users/" + userId));

        assertTrue(!contains(realm.searchEvents("max=1000"), userId));
    }

    @Test
    void twoRealmsDoNotSeeEachOthersEvents() {
        signIn(otherRealm, "stranger");
        String strangerId = otherRealm.userId("stranger");
        String eventId = otherRealm.latestUserEvent(strangerId).get("id").asText();

        assertTrue(!contains(realm.searchEvents("max=1000"), strangerId));
        assertEquals(404, realm.admin().get("/" + realm.name() + "/threat-protection/users/" + strangerId
                + "/events").statusCode());
        assertEquals(404, realm.admin().put("/" + realm.name() + "/threat-protection/users/" + strangerId
                + "/events/" + eventId + "/feedback", Map.of("value", "VALID")).statusCode());
    }

    private static void signIn(TestRealm target, String username) {
        Browser.Result result = new Browser(baseUrl, ADDRESS)
                .signIn(target.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD);
        assertTrue(result.signedIn(), "sign-in of " + username + ": " + result);
    }

    private static boolean contains(JsonNode events, String userId) {
        for (JsonNode event : events) {
            if (userId.equals(event.get("userId").asText())) {
                return true;
            }
        }
        return false;
    }
}
