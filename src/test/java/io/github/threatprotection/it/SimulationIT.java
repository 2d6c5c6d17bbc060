package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

/**
 * The what-if simulation over sign-ins recorded at known scores in an AUDIT realm with the default settings: each
 * draft moves exactly the events its change reaches, feedback is counted, nothing stored changes, bad drafts are
 * 400s naming the field, and the caller needs view-events.
 */
@ExtendWith(KeycloakExtension.class)
class SimulationIT {

    private static final Pattern SPEED = Pattern.compile(": (\\d+) km/h, more than");

    private static String baseUrl;
    private static TestRealm realm;
    private static String path;
    /** Every event of the realm, as recorded before any simulation ran. */
    private static JsonNode recorded;
    private static String confirmedEvent;
    private static String disownedEvent;
    private static String withoutViewEvents;
    private static String withViewEvents;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        AdminApi admin = new AdminApi(baseUrl);
        realm = TestRealm.create(admin, "simulation", "steady", "new-ip", "new-network", "new-browser", "medium",
                "traveller-1", "traveller-2", "traveller-3", "no-events-role", "events-role");
        realm.saveSettings(Map.of("mode", "AUDIT"));
        path = "/" + realm.name() + "/threat-protection/simulate";

        Browser steady = new Browser(baseUrl, "192.0.2.61");
        signIn(steady, "steady");
        signIn(steady, "steady");                                         // LOW, 0
        Browser newIp = new Browser(baseUrl, "192.0.2.71");
        signIn(newIp, "new-ip");
        signIn(newIp.from("192.0.2.72"), "new-ip");                       // LOW, 5: NEW_IP
        Browser newNetwork = new Browser(baseUrl, "192.0.2.81");
        signIn(newNetwork, "new-network");
        disownedEvent = signIn(newNetwork.from("198.51.100.81"), "new-network");  // LOW, 15: NEW_IP, NEW_NETWORK
        signIn(new Browser(baseUrl, "192.0.2.91"), "new-browser");
        confirmedEvent = signIn(new Browser(baseUrl, "192.0.2.91"), "new-browser"); // LOW, 15: NEW_DEVICE
        signIn(new Browser(baseUrl, "192.0.2.101"), "medium");
        signIn(new Browser(baseUrl, "198.51.100.101"), "medium");         // MEDIUM, 30: NEW_DEVICE, NEW_IP, NEW_NETWORK
        for (int i = 1; i <= 3; i++) {
            Browser traveller = new Browser(baseUrl, "100.64.0.10");
            signIn(traveller, "traveller-" + i);
            signIn(traveller.from("100.64." + i + ".10"), "traveller-" + i); // HIGH, 85: NEW_IP, NEW_NETWORK, travel
        }
        feedback("new-browser", confirmedEvent, "VALID");
        feedback("new-network", disownedEvent, "INVALID");
        grantRealmManagementRoles("no-events-role", Set.of("view-realm", "view-users"));
        grantRealmManagementRoles("events-role", Set.of("view-events"));
        // Their sign-ins are events too (LOW: no history), recorded before the list every test compares with.
        withoutViewEvents = token("no-events-role");
        withViewEvents = token("events-role");
        recorded = realm.searchEvents("max=1000");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void theCurrentSettingsReplayToWhatWasRecordedAndChangeNothing() {
        JsonNode result = simulate(Map.of());

        assertEquals(recorded.size(), result.get("events").asInt(), result.toString());
        assertEquals(0, result.get("notReplayable").asInt(), result.toString());
        assertEquals(0, result.get("transitions").size(), result.toString());
        Map<String, Integer> levels = new HashMap<>();
        recorded.forEach(event -> levels.merge(event.at("/risk/level").asText(), 1, Integer::sum));
        levels.forEach((level, count) -> assertEquals(count.intValue(), result.at("/current/byLevel/" + level).asInt(),
                level + " in " + result));
        assertEquals(result.get("current"), result.get("proposed"));
        assertEquals(0, result.at("/current/notifications").asInt(), "AUDIT mails nobody");
    }

    @Test
    void loweringTheMediumThresholdMovesExactlyTheLowEventsThatScoredThatMuch() {
        Set<String> expected = new HashSet<>();
        for (JsonNode event : recorded) {
            if (event.at("/risk/level").asText().equals("LOW") && score(event) >= 15) {
                expected.add(event.get("id").asText());
            }
        }
        assertEquals(2, expected.size(), "new network, new browser: " + recorded);

        JsonNode result = simulate(Map.of("settings", Map.of("riskScoring", Map.of("thresholds",
                Map.of("medium", 15)))));

        JsonNode transitions = result.get("transitions");
        assertEquals(1, transitions.size(), result.toString());
        JsonNode moved = transitions.get(0);
        assertEquals("LOW", moved.at("/from/level").asText());
        assertEquals("NO_ACTION", moved.at("/from/action").asText());
        assertEquals("MEDIUM", moved.at("/to/level").asText());
        assertEquals("MFA_IF_CONFIGURED", moved.at("/to/action").asText());
        assertEquals(expected.size(), moved.get("events").asInt());
        assertEquals(expected, ids(moved.get("samples")));
        assertEquals(2, moved.get("users").asInt(), "new-network and new-browser");
        assertEquals(1, moved.get("validFeedback").asInt(), "the event new-browser confirmed");
        assertEquals(1, moved.get("invalidFeedback").asInt(), "the event new-network disowned");
        assertEquals(result.at("/current/byLevel/LOW").asInt() - expected.size(),
                result.at("/proposed/byLevel/LOW").asInt());
    }

    @Test
    void anAlwaysBlockRangeBlocksExactlyTheEventsFromIt() {
        Set<String> fromRange = new HashSet<>();
        for (JsonNode event : recorded) {
            if (event.at("/context/ipAddress").asText().startsWith("198.51.100.")) {
                fromRange.add(event.get("id").asText());
            }
        }
        assertEquals(2, fromRange.size());

        JsonNode result = simulate(Map.of("settings", Map.of("ipExceptions",
                Map.of("alwaysBlock", List.of("198.51.100.0/24")))));

        Set<String> blocked = new HashSet<>();
        for (JsonNode transition : result.get("transitions")) {
            assertEquals("HIGH", transition.at("/to/level").asText(), result.toString());
            assertEquals("BLOCK", transition.at("/to/action").asText(), result.toString());
            blocked.addAll(ids(transition.get("samples")));
        }
        assertEquals(fromRange, blocked);
        assertEquals(fromRange.size(), result.at("/proposed/byAction/BLOCK").asInt());
    }

    @Test
    void aNewTravelLimitChangesExactlyTheEventsWhoseSpeedLiesBetweenTheLimits() {
        Map<String, Integer> speeds = new HashMap<>();
        for (JsonNode event : recorded) {
            for (JsonNode reason : event.at("/risk/reasons")) {
                Matcher speed = SPEED.matcher(reason.get("detail").asText());
                if (reason.get("signal").asText().equals("IMPOSSIBLE_TRAVEL") && speed.find()) {
                    speeds.put(event.get("id").asText(), Integer.parseInt(speed.group(1)));
                }
            }
        }
        assertEquals(3, speeds.size(), "each traveller's second sign-in: " + recorded);
        List<Integer> sorted = new ArrayList<>(speeds.values());
        sorted.sort(null);
        // A limit between the two slowest journeys (recorded speeds are rounded, so not within 2 km/h of either)
        assertTrue(sorted.get(1) - sorted.get(0) > 4 && sorted.get(0) < 19_000, "speeds " + sorted);
        int limit = Math.min(20_000, (sorted.get(0) + sorted.get(1)) / 2);
        Set<String> expected = new HashSet<>();
        speeds.forEach((id, speed) -> {
            if (speed < limit) {
                expected.add(id);
            }
        });

        JsonNode result = simulate(Map.of("settings", Map.of("riskScoring", Map.of("impossibleTravelKmh", limit))));

        JsonNode transitions = result.get("transitions");
        assertEquals(1, transitions.size(), result.toString());
        assertEquals("HIGH", transitions.get(0).at("/from/level").asText());
        assertEquals("LOW", transitions.get(0).at("/to/level").asText(), "85 less IMPOSSIBLE_TRAVEL's 70");
        assertEquals(expected, ids(transitions.get(0).get("samples")));
    }

    @Test
    void enforcingMailsTheMediumAndHighSignInsWithoutChangingTheirLevels() {
        int mediumAndHigh = 0;
        for (JsonNode event : recorded) {
            if (!event.at("/risk/level").asText().equals("LOW")) {
                mediumAndHigh++;
            }
        }
        JsonNode result = simulate(Map.of("settings", Map.of("mode", "ENFORCED")));

        assertEquals(0, result.get("transitions").size(), result.toString());
        assertEquals(mediumAndHigh, result.at("/proposed/notifications").asInt(), result.toString());
    }

    @Test
    void aSimulationStoresNothing() {
        JsonNode settings = realm.settings();
        simulate(Map.of("settings", Map.of("mode", "ENFORCED", "ipExceptions",
                Map.of("alwaysBlock", List.of("0.0.0.0/0")))));

        assertEquals(recorded, realm.searchEvents("max=1000"));
        assertEquals(settings, realm.settings());
    }

    @Test
    void badDraftsAndWindowsAre400sNamingTheField() {
        assertBadRequest(Map.of("settings", Map.of("riskScoring", Map.of("thresholds", Map.of("medium", 0)))),
                "settings.riskScoring.thresholds.medium");
        assertBadRequest(Map.of("settings", Map.of("ipExceptions", Map.of("alwaysBlock", List.of("10.1.2.3/8")))),
                "settings.ipExceptions.alwaysBlock[0]");
        assertBadRequest(Map.of("from", "yesterday"), "from");
        assertBadRequest(Map.of("from", "2025-01-01T00:00:00Z", "to", "2026-06-01T00:00:00Z"), "to");
        assertBadRequest(Map.of("from", "2026-06-01T00:00:00Z", "to", "2026-05-01T00:00:00Z"), "from");
        assertBadRequest(Map.of("clientId", 7), "clientId");
        assertBadRequest(Map.of("draft", Map.of()), "draft");
    }

    @Test
    void simulatingNeedsViewEvents() {
        assertEquals(403, realm.admin().request("POST", path, Map.of(), withoutViewEvents).statusCode());
        HttpResponse<String> allowed = realm.admin().request("POST", path, Map.of(), withViewEvents);
        assertEquals(200, allowed.statusCode(), allowed.body());
    }

    private static void assertBadRequest(Map<String, Object> body, String field) {
        HttpResponse<String> response = realm.admin().post(path, body);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"field\":\"" + field), field + " in " + response.body());
    }

    private static JsonNode simulate(Map<String, Object> body) {
        return AdminApi.ok(realm.admin().post(path, body));
    }

    private static int score(JsonNode event) {
        int total = 0;
        for (JsonNode reason : event.at("/risk/reasons")) {
            total += reason.get("score").asInt();
        }
        return total;
    }

    private static Set<String> ids(JsonNode list) {
        Set<String> ids = new HashSet<>();
        list.forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Signs in (signed out first, the device cookie kept) and answers the id of the event it recorded. */
    private static String signIn(Browser browser, String username) {
        browser.keepOnlyCookie("KC_THREAT_PROTECTION_DEVICE");
        Browser.Result result = browser.signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD);
        assertTrue(result.signedIn(), "sign-in of " + username + ": " + result);
        return realm.latestUserEvent(realm.userId(username)).get("id").asText();
    }

    private static void feedback(String username, String eventId, String value) {
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/threat-protection/users/" + realm.userId(username)
                + "/events/" + eventId + "/feedback", Map.of("value", value)));
    }

    private static String token(String username) {
        return realm.admin().passwordGrant(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD)
                .get("access_token").asText();
    }

    private static void grantRealmManagementRoles(String username, Set<String> names) {
        String base = "/" + realm.name();
        String client = AdminApi.ok(realm.admin().get(base + "/clients?clientId=realm-management")).get(0).get("id")
                .asText();
        ArrayNode roles = AdminApi.JSON.createArrayNode();
        for (JsonNode role : AdminApi.ok(realm.admin().get(base + "/clients/" + client + "/roles"))) {
            if (names.contains(role.get("name").asText())) {
                roles.add(role);
            }
        }
        AdminApi.ok(realm.admin().post(base + "/users/" + realm.userId(username) + "/role-mappings/clients/"
                + client, roles));
    }
}
