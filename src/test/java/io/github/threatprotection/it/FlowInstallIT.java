package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
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

/**
 * One REST call installs the protected flows, with the MFA sub-flow after Keycloak's own conditional 2FA, into a
 * realm that has Keycloak's own flows. What that means for users with a second factor:
 * {@link InstalledFlowsSecondFactorIT}.
 */
@ExtendWith(KeycloakExtension.class)
class FlowInstallIT {

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.createWithoutProtection(new AdminApi(baseUrl), "flow-install", "installed");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void theFlowsAreCopiedExtendedAndBoundOnceAndSignInsAreEvaluated() {
        String path = "/" + realm.name() + "/threat-protection/flows";
        HttpResponse<String> refused = realm.admin().post(path + "?riskDecidesMfa=yes", null);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("riskDecidesMfa", AdminApi.json(refused).at("/errors/0/field").asText());
        assertEquals("browser", AdminApi.ok(realm.admin().get("/" + realm.name())).get("browserFlow").asText(),
                "a refused install changes nothing");

        HttpResponse<String> installed = realm.admin().post(path, null);
        assertEquals(201, installed.statusCode(), installed.body());
        JsonNode result = AdminApi.json(installed);
        assertEquals("browser with threat protection", result.get("browserFlow").asText());

        JsonNode realmRep = AdminApi.ok(realm.admin().get("/" + realm.name()));
        assertEquals("browser with threat protection", realmRep.get("browserFlow").asText());
        assertEquals("direct grant with threat protection", realmRep.get("directGrantFlow").asText());
        List<String> browser = providers("browser with threat protection");
        // Keycloak's form, in the version that refuses throttled sources before it checks a password
        int password = browser.indexOf("threat-protection-login-form");
        assertEquals("threat-protection", browser.get(password + 1), browser.toString());
        // Keycloak's own 2FA first, then the risk-driven MFA sub-flow: a factor given to the first counts for both
        int keycloak2fa = browser.indexOf("browser with threat protection Browser - Conditional 2FA");
        assertEquals(password + 2, keycloak2fa, browser.toString());
        int riskMfa = browser.indexOf("browser with threat protection MFA");
        assertTrue(riskMfa > keycloak2fa, browser.toString());
        assertEquals(List.of("threat-protection-mfa-condition", "auth-otp-form", "webauthn-authenticator",
                "threat-protection-email-code"), browser.subList(riskMfa + 1, riskMfa + 5), browser.toString());
        List<String> direct = providers("direct grant with threat protection");
        assertEquals("threat-protection-throttle", direct.get(0), direct.toString());
        assertEquals("threat-protection", direct.get(direct.indexOf("direct-grant-validate-password") + 1),
                direct.toString());

        // The reset copy evaluates the link's use before the new password (and its MFA before that too)
        assertEquals("reset credentials with threat protection", realmRep.get("resetCredentialsFlow").asText());
        List<String> reset = providers("reset credentials with threat protection");
        int email = reset.indexOf("reset-credential-email");
        assertEquals("threat-protection", reset.get(email + 1), reset.toString());
        assertEquals("reset credentials with threat protection MFA", reset.get(email + 2), reset.toString());
        assertTrue(reset.indexOf("reset-password") > email + 2, reset.toString());
        assertFalse(reset.contains("threat-protection-email-code"), "the reset link came through the same mailbox");
        List<String> postBroker = providers("post broker login with threat protection");
        assertEquals(List.of("threat-protection", "post broker login with threat protection MFA",
                "threat-protection-mfa-condition", "auth-otp-form", "webauthn-authenticator",
                "threat-protection-email-code"), postBroker);
        assertEquals("post broker login with threat protection", result.get("postBrokerLoginFlow").asText());
        assertEquals(0, result.get("identityProviders").size(), "the realm has no identity provider");

        HttpResponse<String> again = realm.admin().post(path, null);
        assertEquals(200, again.statusCode(), "installing again adds only what is missing: " + again.body());
        JsonNode nothingAdded = AdminApi.json(again);
        assertTrue(nothingAdded.get("upgraded").asBoolean(), nothingAdded.toString());
        assertFalse(nothingAdded.get("ssoSubFlowAdded").asBoolean(), nothingAdded.toString());
        assertFalse(nothingAdded.get("clientPolicyAdded").asBoolean(), nothingAdded.toString());
        assertEquals(browser, providers("browser with threat protection"), "the flows are left as they were");

        realm.saveSettings(Map.of("mode", "AUDIT"));
        assertTrue(new Browser(baseUrl, "192.0.2.90")
                .signIn(realm.name(), TestRealm.CLIENT, "installed", TestRealm.PASSWORD).signedIn());
        assertEquals(200, realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "installed",
                TestRealm.PASSWORD).statusCode());
        assertEquals(2, realm.userEvents(realm.userId("installed")).size());
    }

    /**
     * A realm installed by a version without the SSO check or the refresh client policy: installing again adds
     * both to the flows it has, and touches nothing else.
     */
    @Test
    void installingAgainOnAnEarlierInstallAddsTheSsoCheckAndTheClientPolicy() {
        TestRealm older = TestRealm.createWithoutProtection(new AdminApi(baseUrl), "flow-upgrade", "upgraded");
        try {
            String path = "/" + older.name() + "/threat-protection/flows";
            assertEquals(201, older.admin().post(path, null).statusCode());
            makeEarlierInstall(older);
            assertFalse(flowProviders(older, "browser with threat protection").contains("threat-protection-sso"));

            HttpResponse<String> upgraded = older.admin().post(path + "?riskDecidesMfa=true", null);

            assertEquals(200, upgraded.statusCode(), upgraded.body());
            JsonNode answer = AdminApi.json(upgraded);
            assertTrue(answer.get("ssoSubFlowAdded").asBoolean(), answer.toString());
            assertTrue(answer.get("clientPolicyAdded").asBoolean(), answer.toString());
            assertEquals("browser with threat protection SSO", answer.get("ssoSubFlow").asText());
            List<String> browser = flowProviders(older, "browser with threat protection");
            assertEquals(List.of("browser with threat protection SSO", "auth-cookie", "threat-protection-sso",
                    "browser with threat protection SSO MFA"), browser.subList(0, 4), browser.toString());
            assertEquals(1, browser.stream().filter("auth-cookie"::equals).count(), browser.toString());
            assertEquals("CONDITIONAL", older.executions("browser with threat protection").stream()
                    .filter(execution -> execution.get("displayName").asText()
                            .endsWith("Browser - Conditional 2FA"))
                    .findFirst().orElseThrow().get("requirement").asText(), "riskDecidesMfa applies to a first"
                    + " install only: an upgrade changes no sub-flow it finds");
            older.saveSettings(Map.of("mode", "ENFORCED", "sessions", Map.of("ssoSignIn", true)));
            Browser browserUser = new Browser(baseUrl, "192.0.2.91");
            assertTrue(browserUser.signIn(older.name(), TestRealm.CLIENT, "upgraded", TestRealm.PASSWORD).signedIn());
            assertEquals(302, browserUser.openLoginPage(older.name(), TestRealm.CLIENT).statusCode(),
                    "an SSO sign-in from the session's own network goes through the added check");
        } finally {
            older.close();
        }
    }

    /**
     * Turns an install into what an earlier version made: the browser copy with its own top-level Cookie step, no
     * SSO sub-flow, and no client profile or policy.
     */
    private static void makeEarlierInstall(TestRealm older) {
        String flows = "/" + older.name() + "/authentication/flows/";
        String gateId = older.executions("browser with threat protection").get(0).get("id").asText();
        AdminApi.ok(older.admin().delete("/" + older.name() + "/authentication/executions/" + gateId));
        AdminApi.ok(older.admin().post(flows + AdminApi.encode("browser with threat protection")
                + "/executions/execution", Map.of("provider", "auth-cookie")));
        while (true) {
            List<JsonNode> executions = older.executions("browser with threat protection");
            JsonNode cookie = executions.stream().filter(execution -> execution.get("level").asInt() == 0
                    && "auth-cookie".equals(execution.path("providerId").asText())).findFirst().orElseThrow();
            if (executions.get(0).equals(cookie)) {
                ObjectNode update = ((ObjectNode) cookie.deepCopy()).put("requirement", "ALTERNATIVE");
                AdminApi.ok(older.admin().put(flows + AdminApi.encode("browser with threat protection")
                        + "/executions", update));
                break;
            }
            AdminApi.ok(older.admin().post("/" + older.name() + "/authentication/executions/"
                    + cookie.get("id").asText() + "/raise-priority", null));
        }
        String base = "/" + older.name() + "/client-policies/";
        AdminApi.ok(older.admin().put(base + "policies", Map.of("policies", List.of())));
        AdminApi.ok(older.admin().put(base + "profiles", Map.of("profiles", List.of())));
    }

    private static List<String> flowProviders(TestRealm target, String flowAlias) {
        List<String> providers = new ArrayList<>();
        for (JsonNode execution : target.executions(flowAlias)) {
            providers.add(execution.has("providerId") ? execution.get("providerId").asText()
                    : execution.get("displayName").asText());
        }
        return providers;
    }

    /** Provider ids of a flow's executions in order; sub-flows appear as their display name. */
    private static List<String> providers(String flowAlias) {
        List<String> providers = new ArrayList<>();
        for (JsonNode execution : realm.executions(flowAlias)) {
            providers.add(execution.has("providerId") ? execution.get("providerId").asText()
                    : execution.get("displayName").asText());
        }
        return providers;
    }
}
