package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;
import io.github.threatprotection.it.support.Totp;

/**
 * The MFA actions carried out through the risk-driven MFA sub-flow, with a real OTP credential whose codes the
 * test computes (RFC 6238), and the risk claims in tokens.
 */
@ExtendWith(KeycloakExtension.class)
class MfaIT {

    private static final String OTP_SECRET = "12345678901234567890";
    private static final String ADDRESS = "192.0.2.70";

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "mfa", "without-otp", "audited");
        realm.installRiskBasedMfa();
        for (String username : List.of("with-otp", "wrong-code", "claims", "direct-otp")) {
            createUserWithOtp(username);
        }
        String client = AdminApi.ok(realm.admin().get("/" + realm.name() + "/clients?clientId=" + TestRealm.CLIENT))
                .get(0).get("id").asText();
        AdminApi.ok(realm.admin().post("/" + realm.name() + "/clients/" + client + "/protocol-mappers/models",
                Map.of("name", "risk claims", "protocol", "openid-connect",
                        "protocolMapper", "threat-protection-risk-claims",
                        "config", Map.of("access.token.claim", "true", "id.token.claim", "true"))));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    private static void lowRiskAction(String mode, String action) {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode takeover = settings.putObject("accountTakeover");
        takeover.putObject("low").put("action", action);
        takeover.putObject("medium").put("action", action);
        takeover.putObject("high").put("action", "MFA_REQUIRED");
        realm.saveSettings(settings);
    }

    @Test
    void mfaIfConfiguredChallengesAUserWithOtpAndLetsOthersThrough() {
        lowRiskAction("ENFORCED", "MFA_IF_CONFIGURED");
        Browser browser = new Browser(baseUrl, ADDRESS);

        Browser.Result challenge = browser.signIn(realm.name(), TestRealm.CLIENT, "with-otp", TestRealm.PASSWORD);
        assertFalse(challenge.signedIn(), "asked for a code");
        Browser.Result done = browser.submitForm(challenge.page(), "kc-otp-login-form", Map.of("otp", totp(0)));
        assertTrue(done.signedIn(), done.toString());
        JsonNode event = realm.latestUserEvent(realm.userId("with-otp"));
        assertEquals("PASS", event.get("response").asText());
        assertEquals("MFA", event.at("/challenges/1/name").asText());
        assertEquals("SUCCESS", event.at("/challenges/1/response").asText());

        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "without-otp",
                TestRealm.PASSWORD).signedIn(), "no second factor: MFA_IF_CONFIGURED lets the user through");
        assertEquals(1, realm.latestUserEvent(realm.userId("without-otp")).get("challenges").size());
    }

    @Test
    void mfaRequiredBlocksAUserWithoutASecondFactorLikeAWrongPassword() {
        lowRiskAction("ENFORCED", "MFA_REQUIRED");

        Browser.Result blocked = new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "without-otp",
                TestRealm.PASSWORD);

        assertFalse(blocked.signedIn());
        assertTrue(blocked.page().contains("Invalid username or password."), blocked.page());
        JsonNode event = realm.latestUserEvent(realm.userId("without-otp"));
        assertEquals("FAIL", event.get("response").asText());
        assertTrue(event.at("/risk/reasons").findValuesAsText("signal").contains("MFA_REQUIRED_WITHOUT_SECOND_FACTOR"),
                event.toString());
    }

    @Test
    void aWrongCodeFailsAndTheEventRecordsTheMfaFailure() {
        lowRiskAction("ENFORCED", "MFA_REQUIRED");
        Browser browser = new Browser(baseUrl, ADDRESS);

        Browser.Result challenge = browser.signIn(realm.name(), TestRealm.CLIENT, "wrong-code", TestRealm.PASSWORD);
        String wrong = Totp.wrongCode(OTP_SECRET);
        Browser.Result refused = browser.submitForm(challenge.page(), "kc-otp-login-form", Map.of("otp", wrong));

        assertFalse(refused.signedIn());
        JsonNode event = realm.latestUserEvent(realm.userId("wrong-code"));
        assertEquals("FAIL", event.get("response").asText());
        assertEquals("FAILURE", event.at("/challenges/1/response").asText());
    }

    @Test
    void aFlowThatCannotAskForTheSecondFactorBlocksInsteadOfSkippingIt() {
        lowRiskAction("ENFORCED", "MFA_IF_CONFIGURED");

        HttpResponse<String> direct = realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT,
                "direct-otp", TestRealm.PASSWORD);

        assertEquals(400, direct.statusCode(), direct.body());
        assertTrue(direct.body().contains("invalid_grant"));
        JsonNode event = realm.latestUserEvent(realm.userId("direct-otp"));
        assertTrue(event.at("/risk/reasons").findValuesAsText("signal").contains("MFA_NOT_POSSIBLE_IN_FLOW"),
                event.toString());
    }

    @Test
    void auditModeChallengesNobody() {
        lowRiskAction("AUDIT", "MFA_REQUIRED");

        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "audited",
                TestRealm.PASSWORD).signedIn());

        JsonNode event = realm.latestUserEvent(realm.userId("audited"));
        assertEquals("MFA_REQUIRED", event.at("/risk/action").asText());
        assertFalse(event.at("/risk/enforced").asBoolean());
        assertEquals(1, event.get("challenges").size());
    }

    @Test
    void tokensCarryTheRiskLevelAndTheEventId() {
        lowRiskAction("ENFORCED", "MFA_IF_CONFIGURED");
        Browser browser = new Browser(baseUrl, ADDRESS);
        Browser.Result challenge = browser.signIn(realm.name(), TestRealm.CLIENT, "claims", TestRealm.PASSWORD);
        Browser.Result done = browser.submitForm(challenge.page(), "kc-otp-login-form", Map.of("otp", totp(0)));

        JsonNode tokens = browser.exchangeCode(realm.name(), TestRealm.CLIENT, done.code());

        JsonNode claims = payload(tokens.get("access_token").asText());
        assertEquals("LOW", claims.get("risk_level").asText());
        assertEquals(realm.latestUserEvent(realm.userId("claims")).get("id").asText(),
                claims.get("auth_event_id").asText());
        assertEquals("LOW", payload(tokens.get("id_token").asText()).get("risk_level").asText());
    }

    /** A user with the test password and an OTP credential whose secret the test knows. */
    private static void createUserWithOtp(String username) {
        realm.addUser(username, TestRealm.otpCredential(OTP_SECRET));
    }

    private static String totp(int offset) {
        return Totp.code(OTP_SECRET, offset);
    }

    private static JsonNode payload(String jwt) {
        try {
            return AdminApi.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
