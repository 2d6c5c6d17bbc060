package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Refresh-token grants evaluated against the context of their user session, in a realm installed through
 * {@code POST /flows} (which adds the client policy that runs the check): a token used from another country is
 * refused as if its session had expired and the session ends; a token used from the session's own network is
 * answered as always and leaves no trace in the history.
 */
@ExtendWith(KeycloakExtension.class)
class SessionRefreshIT {

    private static final String XFF = "X-Forwarded-For";
    /** Another address of the London test network. */
    private static final String LONDON_NEIGHBOUR = "81.2.69.200";

    private static TestRealm realm;
    private static AdminApi admin;
    private static Mailbox mailbox;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        admin = new AdminApi(server.baseUrl());
        mailbox = Mailbox.start();
        realm = TestRealm.createWithoutProtection(admin, "session-refresh", "thief-victim", "home-user",
                "audited", "unchecked", "offline-user", "other-client-user", "mailed");
        realm.update(Map.of("smtpServer", mailbox.smtpSettings()));
        JsonNode installed = AdminApi.ok(admin.post("/" + realm.name() + "/threat-protection/flows", Map.of()));
        assertEquals("threat-protection", installed.get("clientPolicy").asText());
        assertTrue(installed.get("clientPolicyAdded").asBoolean(), installed.toString());
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.stop();
    }

    private static void settings(String mode, boolean tokenRefresh) {
        realm.saveSettings(Map.of("mode", mode, "sessions", Map.of("tokenRefresh", tokenRefresh)));
    }

    private static String signInFromLondon(String username) {
        HttpResponse<String> response = admin.passwordGrantResponse(realm.name(), TestRealm.CLIENT, username,
                TestRealm.PASSWORD, XFF, TestGeoData.LONDON);
        return AdminApi.ok(response).get("refresh_token").asText();
    }

    private static HttpResponse<String> refresh(String refreshToken, String from) {
        return admin.refreshGrantResponse(realm.name(), TestRealm.CLIENT, refreshToken, XFF, from);
    }

    private static List<JsonNode> refreshEvents(String username) {
        List<JsonNode> events = new ArrayList<>();
        realm.userEvents(realm.userId(username)).forEach(event -> {
            if ("TOKEN_REFRESH".equals(event.get("type").asText())) {
                events.add(event);
            }
        });
        return events;
    }

    private static JsonNode userSessions(String username) {
        return AdminApi.ok(admin.get("/" + realm.name() + "/users/" + realm.userId(username) + "/sessions"));
    }

    private static String reason(JsonNode event, String signal) {
        for (JsonNode reason : event.at("/risk/reasons")) {
            if (signal.equals(reason.get("signal").asText())) {
                return reason.get("detail").asText();
            }
        }
        throw new AssertionError("no " + signal + " in " + event);
    }

    @Test
    void aTokenFromALondonSignInUsedFromChinaEndsTheSessionAsIfItHadExpired() {
        settings("ENFORCED", true);
        String refreshToken = signInFromLondon("thief-victim");
        assertEquals(1, userSessions("thief-victim").size());

        HttpResponse<String> stolen = refresh(refreshToken, TestGeoData.CHANGCHUN);

        assertEquals(400, stolen.statusCode(), stolen.body());
        JsonNode error = AdminApi.json(stolen);
        assertEquals("invalid_grant", error.get("error").asText());
        assertEquals("Session not active", error.get("error_description").asText(),
                "the answer Keycloak gives for an expired session");
        assertEquals(0, userSessions("thief-victim").size(), "the session is gone");
        HttpResponse<String> again = refresh(refreshToken, TestGeoData.LONDON);
        assertEquals(400, again.statusCode(), "later refreshes fail too, from anywhere: " + again.body());
        assertEquals("invalid_grant", AdminApi.json(again).get("error").asText());

        List<JsonNode> events = refreshEvents("thief-victim");
        assertEquals(1, events.size(), "one event for the revocation; none for the refresh of a gone session");
        JsonNode event = events.get(0);
        assertEquals("HIGH", event.at("/risk/level").asText(), event.toString());
        assertEquals("REVOKE", event.at("/risk/action").asText());
        assertTrue(event.at("/risk/enforced").asBoolean());
        assertEquals("FAIL", event.get("response").asText(), event.toString());
        assertEquals(TestRealm.CLIENT, event.get("clientId").asText());
        assertEquals("CN", event.at("/context/country").asText());
        assertEquals("the session is used from network 81.2.69.0/24 → 175.16.199.0/24, ASN AS20712 → AS4837,"
                + " country GB → CN", reason(event, "SESSION_CONTEXT_CHANGE"));
        assertTrue(reason(event, "IMPOSSIBLE_TRAVEL").matches("\\d{4} km from the session's last use \\(GB\\).*"),
                reason(event, "IMPOSSIBLE_TRAVEL"));

        JsonNode byType = realm.searchEvents("type=TOKEN_REFRESH");
        assertTrue(byType.size() >= 1, "the events API filters by the new type: " + byType);
        byType.forEach(found -> assertEquals("TOKEN_REFRESH", found.get("type").asText()));
    }

    @Test
    void aTokenUsedFromTheSessionsOwnNetworkIsAnsweredAsAlwaysAndLeavesNoEvent() {
        settings("ENFORCED", true);
        String refreshToken = signInFromLondon("home-user");

        HttpResponse<String> first = refresh(refreshToken, TestGeoData.LONDON);
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> second = refresh(AdminApi.json(first).get("refresh_token").asText(), LONDON_NEIGHBOUR);
        assertEquals(200, second.statusCode(), second.body());

        assertTrue(refreshEvents("home-user").isEmpty(), "the quiet path writes no event row");
        assertEquals(1, userSessions("home-user").size());
    }

    @Test
    void auditRecordsTheRevocationItWouldHaveMadeAndRevokesNothing() {
        settings("AUDIT", true);
        String refreshToken = signInFromLondon("audited");

        HttpResponse<String> abroad = refresh(refreshToken, TestGeoData.CHANGCHUN);

        assertEquals(200, abroad.statusCode(), abroad.body());
        assertEquals(1, userSessions("audited").size());
        List<JsonNode> events = refreshEvents("audited");
        assertEquals(1, events.size());
        assertEquals("REVOKE", events.get(0).at("/risk/action").asText());
        assertFalse(events.get(0).at("/risk/enforced").asBoolean());
        assertEquals("PASS", events.get(0).get("response").asText());

        HttpResponse<String> againAbroad = refresh(AdminApi.json(abroad).get("refresh_token").asText(),
                TestGeoData.CHANGCHUN);
        assertEquals(200, againAbroad.statusCode(), againAbroad.body());
        assertEquals(1, refreshEvents("audited").size(), "a change is recorded once: the session took its context");
    }

    @Test
    void withTokenRefreshOffNothingIsEvaluated() {
        settings("ENFORCED", false);
        String refreshToken = signInFromLondon("unchecked");

        HttpResponse<String> abroad = refresh(refreshToken, TestGeoData.CHANGCHUN);

        assertEquals(200, abroad.statusCode(), abroad.body());
        assertTrue(refreshEvents("unchecked").isEmpty());
        assertEquals(1, userSessions("unchecked").size());
    }

    @Test
    void anOfflineTokenUsedFromAnotherCountryEndsItsOfflineSession() {
        settings("ENFORCED", true);
        JsonNode tokens = admin.offlineGrant(realm.name(), TestRealm.CLIENT, "offline-user", TestRealm.PASSWORD,
                XFF, TestGeoData.LONDON);
        String offlineToken = tokens.get("refresh_token").asText();

        HttpResponse<String> stolen = refresh(offlineToken, TestGeoData.LINKOPING);

        assertEquals(400, stolen.statusCode(), stolen.body());
        assertEquals("invalid_grant", AdminApi.json(stolen).get("error").asText());
        assertEquals("Offline session not active", AdminApi.json(stolen).get("error_description").asText());
        HttpResponse<String> again = refresh(offlineToken, TestGeoData.LONDON);
        assertEquals(400, again.statusCode(), again.body());
        JsonNode event = refreshEvents("offline-user").get(0);
        assertEquals("REVOKE", event.at("/risk/action").asText());
        assertTrue(reason(event, "SESSION_CONTEXT_CHANGE").endsWith("country GB → SE"),
                reason(event, "SESSION_CONTEXT_CHANGE"));
    }

    @Test
    void aClientOverrideDecidesForItsOwnGrants() {
        realm.saveSettings(Map.of("mode", "ENFORCED", "sessions", Map.of("tokenRefresh", true),
                "clients", Map.of(TestRealm.OTHER_CLIENT, Map.of("sessions", Map.of("tokenRefresh", false)))));
        String refreshToken = AdminApi.ok(admin.passwordGrantResponse(realm.name(), TestRealm.OTHER_CLIENT,
                "other-client-user", TestRealm.PASSWORD, XFF, TestGeoData.LONDON)).get("refresh_token").asText();

        HttpResponse<String> abroad = admin.refreshGrantResponse(realm.name(), TestRealm.OTHER_CLIENT, refreshToken,
                XFF, TestGeoData.CHANGCHUN);

        assertEquals(200, abroad.statusCode(), abroad.body());
        assertTrue(refreshEvents("other-client-user").isEmpty());
    }

    @Test
    void aRevokedSessionMailsTheUserWhenTheLevelNotifies() throws Exception {
        settings("ENFORCED", true);
        String refreshToken = signInFromLondon("mailed");

        assertEquals(400, refresh(refreshToken, TestGeoData.CHANGCHUN).statusCode());

        JsonNode event = refreshEvents("mailed").get(0);
        assertEquals("BLOCKED", event.at("/notification/kind").asText(), event.toString());
        Mailbox.Mail mail = mailbox.awaitMail("mailed@example.org", event.get("id").asText());
        assertTrue(mail.text().contains("Changchun"), mail.text());
        assertEquals("session-refresh: a session of your account was ended", mail.subject());
        assertTrue(mail.text().contains("we ended a session of your session-refresh account"), mail.text());
    }

    @Test
    void badSessionSettingsAreRefusedNamingTheFieldAndTheOldOnesStay() {
        settings("ENFORCED", true);
        JsonNode before = realm.settings();

        HttpResponse<String> refused = realm.putSettings(Map.of("sessions", Map.of("tokenRefresh", "yes",
                "refreshActions", Map.of("high", "BLOCK"))));

        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("sessions.tokenRefresh"), refused.body());
        assertTrue(refused.body().contains("sessions.refreshActions.high"), refused.body());
        assertEquals(before, realm.settings());
        assertEquals("REVOKE", before.at("/sessions/refreshActions/high").asText());
    }
}
