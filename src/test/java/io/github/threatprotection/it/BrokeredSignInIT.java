package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Sign-ins brokered from an identity provider: a second realm on the same server is the OpenID Connect provider
 * of the protected realm. {@code POST …/flows} sets its post broker login flow on the provider, and every
 * sign-in through it, the first included, is evaluated and recorded with the provider's alias.
 */
@ExtendWith(KeycloakExtension.class)
class BrokeredSignInIT {

    private static final String ALIAS = "upstream-idp";
    private static final String SECRET = "broker-client-secret";

    private static String baseUrl;
    private static TestRealm upstream;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        AdminApi admin = new AdminApi(baseUrl);
        upstream = TestRealm.createWithoutProtection(admin, "upstream", "fed-alice", "fed-bob", "fed-carol");
        realm = TestRealm.createWithoutProtection(admin, "brokered");
        String brokerEndpoint = baseUrl + "/realms/" + realm.name() + "/broker/" + ALIAS + "/endpoint";
        ObjectNode client = AdminApi.JSON.createObjectNode()
                .put("clientId", "downstream-realm")
                .put("publicClient", false)
                .put("secret", SECRET)
                .put("standardFlowEnabled", true);
        client.putArray("redirectUris").add(brokerEndpoint);
        AdminApi.ok(admin.post("/" + upstream.name() + "/clients", client));

        String oidc = baseUrl + "/realms/" + upstream.name() + "/protocol/openid-connect";
        ObjectNode provider = AdminApi.JSON.createObjectNode()
                .put("alias", ALIAS)
                .put("providerId", "oidc")
                .put("enabled", true)
                .put("trustEmail", true);
        provider.set("config", AdminApi.JSON.valueToTree(Map.of(
                "authorizationUrl", oidc + "/auth",
                "tokenUrl", oidc + "/token",
                "clientId", "downstream-realm",
                "clientSecret", SECRET,
                "clientAuthMethod", "client_secret_post",
                "defaultScope", "openid profile email",
                "syncMode", "IMPORT",
                "validateSignature", "false")));
        AdminApi.ok(admin.post("/" + realm.name() + "/identity-provider/instances", provider));

        JsonNode installed = AdminApi.ok(admin.post("/" + realm.name() + "/threat-protection/flows", null));
        assertEquals("post broker login with threat protection", installed.get("postBrokerLoginFlow").asText());
        assertEquals(1, installed.get("identityProviders").size(), installed.toString());
        assertEquals(ALIAS, installed.at("/identityProviders/0").asText());
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        upstream.close();
    }

    /** Opens the protected realm's login page, follows its button for the provider and signs in there. */
    private static Browser.Result brokeredSignIn(Browser browser, String username) {
        String loginPage = browser.openLoginPage(realm.name(), TestRealm.CLIENT).body();
        Browser.Result upstreamLogin = browser.open(Browser.link(loginPage, "/broker/" + ALIAS + "/login"));
        assertEquals(200, upstreamLogin.status(), upstreamLogin.page());
        return browser.submitLoginForm(upstreamLogin.page(), username, TestRealm.PASSWORD);
    }

    private static JsonNode latestEvent(String username) {
        return realm.latestUserEvent(realm.userId(username));
    }

    @Test
    void theInstallSetsThePostBrokerLoginFlowOnTheProvider() {
        JsonNode provider = AdminApi.ok(realm.admin().get("/" + realm.name() + "/identity-provider/instances/"
                + ALIAS));
        assertEquals("post broker login with threat protection", provider.get("postBrokerLoginFlowAlias").asText());
    }

    @Test
    void aBrokeredSignInIsRecordedAsFederatedWithTheProvidersAlias() {
        realm.saveSettings(Map.of("mode", "ENFORCED"));

        Browser.Result signedIn = brokeredSignIn(new Browser(baseUrl, TestGeoData.LONDON), "fed-alice");

        assertTrue(signedIn.signedIn(), String.valueOf(signedIn));
        JsonNode event = latestEvent("fed-alice");
        assertEquals("SIGN_IN", event.get("type").asText());
        assertEquals("PASS", event.get("response").asText());
        assertEquals("London", event.at("/context/city").asText());
        JsonNode challenge = event.get("challenges").get(0);
        assertEquals("FEDERATED", challenge.get("name").asText(), event.toString());
        assertEquals(ALIAS, challenge.get("identityProvider").asText());
        assertEquals(1, event.get("challenges").size(), "no password challenge: " + event);
        assertFalse(event.at("/risk/compromisedCredentials").asBoolean());
    }

    @Test
    void aBrokeredSignInFromFarAwayAtHighIsRefusedWhenEnforcedAndOnlyRecordedInAudit() {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        settings.putObject("accountTakeover").putObject("high").put("action", "BLOCK").put("notify", false);
        realm.saveSettings(settings);
        Browser browser = new Browser(baseUrl, TestGeoData.LONDON);
        assertTrue(brokeredSignIn(browser, "fed-bob").signedIn());
        browser.keepOnlyCookie("KC_THREAT_PROTECTION_DEVICE");

        Browser.Result refused = brokeredSignIn(browser.from(TestGeoData.CHANGCHUN), "fed-bob");

        assertFalse(refused.signedIn(), String.valueOf(refused));
        assertEquals(403, refused.status());
        JsonNode event = latestEvent("fed-bob");
        assertEquals("FAIL", event.get("response").asText());
        assertEquals("HIGH", event.at("/risk/level").asText(), event.toString());
        assertEquals("FEDERATED", event.at("/challenges/0/name").asText());

        settings.put("mode", "AUDIT");
        realm.saveSettings(settings);
        Browser audited = new Browser(baseUrl, TestGeoData.LONDON);
        assertTrue(brokeredSignIn(audited, "fed-carol").signedIn());
        audited.keepOnlyCookie("KC_THREAT_PROTECTION_DEVICE");
        assertTrue(brokeredSignIn(audited.from(TestGeoData.CHANGCHUN), "fed-carol").signedIn(),
                "AUDIT does not act");
        JsonNode recorded = latestEvent("fed-carol");
        assertEquals("HIGH", recorded.at("/risk/level").asText(), recorded.toString());
        assertEquals("BLOCK", recorded.at("/risk/action").asText());
        assertFalse(recorded.at("/risk/enforced").asBoolean());
        assertNull(recorded.get("notification").textValue());
    }
}
