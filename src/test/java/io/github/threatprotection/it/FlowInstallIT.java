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
        int password = browser.indexOf("auth-username-password-form");
        assertEquals("threat-protection", browser.get(password + 1), browser.toString());
        // Keycloak's own 2FA first, then the risk-driven MFA sub-flow: a factor given to the first counts for both
        int keycloak2fa = browser.indexOf("browser with threat protection Browser - Conditional 2FA");
        assertEquals(password + 2, keycloak2fa, browser.toString());
        int riskMfa = browser.indexOf("browser with threat protection MFA");
        assertTrue(riskMfa > keycloak2fa, browser.toString());
        assertEquals(List.of("threat-protection-mfa-condition", "auth-otp-form", "webauthn-authenticator",
                "threat-protection-email-code"), browser.subList(riskMfa + 1, riskMfa + 5), browser.toString());
        List<String> direct = providers("direct grant with threat protection");
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

        assertEquals(409, realm.admin().post(path, null).statusCode(), "installing twice is refused");

        realm.saveSettings(Map.of("mode", "AUDIT"));
        assertTrue(new Browser(baseUrl, "192.0.2.90")
                .signIn(realm.name(), TestRealm.CLIENT, "installed", TestRealm.PASSWORD).signedIn());
        assertEquals(200, realm.admin().passwordGrantResponse(realm.name(), TestRealm.CLIENT, "installed",
                TestRealm.PASSWORD).statusCode());
        assertEquals(2, realm.userEvents(realm.userId("installed")).size());
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
