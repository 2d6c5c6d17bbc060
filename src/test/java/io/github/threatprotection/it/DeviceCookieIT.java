package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

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
 * The device cookie's key: derived from the realm's HS512 key (Keycloak's key providers), so it is in no admin
 * representation or export, it rotates through the realm's Keys tab, and the key an earlier version kept in a
 * realm attribute is gone.
 */
@ExtendWith(KeycloakExtension.class)
class DeviceCookieIT {

    private static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";
    private static final String LEGACY_ATTRIBUTE = "threatProtection.deviceKey";
    private static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";

    private static KeycloakServer server;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) {
        server = keycloak;
        realm = TestRealm.create(new AdminApi(keycloak.baseUrl()), "devicekey", "exported", "rotator", "upgraded");
        realm.saveSettings(Map.of("mode", "AUDIT"));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    /** Signs in with this browser after signing out: its device cookie stays, its Keycloak session does not. */
    private static JsonNode signIn(Browser browser, String username) {
        browser.keepOnlyCookie(DEVICE_COOKIE);
        assertTrue(browser.signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD).signedIn());
        return realm.latestUserEvent(realm.userId(username));
    }

    /** A browser that brings only this device cookie. */
    private static Browser browserWith(String cookie) {
        Browser browser = new Browser(server.baseUrl(), TestGeoData.LONDON);
        browser.setCookie(DEVICE_COOKIE, cookie);
        return browser;
    }

    private static Set<String> signals(JsonNode event) {
        Set<String> signals = new HashSet<>();
        event.at("/risk/reasons").forEach(reason -> signals.add(reason.get("signal").asText()));
        return signals;
    }

    /** The kid a device cookie names: its third part, base64url. */
    private static String kidOf(String cookie) {
        String[] parts = cookie.split("\\.");
        assertEquals(4, parts.length, "deviceId.issuedAt.kid.mac: " + cookie);
        return new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8);
    }

    /** The realm's kid of the HS512 key of a key provider component. */
    private static String kidOfProvider(String componentId) {
        for (JsonNode key : AdminApi.ok(realm.admin().get("/" + realm.name() + "/keys")).get("keys")) {
            if (componentId.equals(key.path("providerId").asText()) && "HS512".equals(key.path("algorithm").asText())) {
                return key.get("kid").asText();
            }
        }
        throw new AssertionError("no HS512 key of component " + componentId);
    }

    /** The realm's HS512 key providers, highest priority first as Keycloak orders them. */
    private static JsonNode hs512Providers() {
        JsonNode components = AdminApi.ok(realm.admin().get("/" + realm.name() + "/components?type=" + KEY_PROVIDER));
        com.fasterxml.jackson.databind.node.ArrayNode found = AdminApi.JSON.createArrayNode();
        for (JsonNode component : components) {
            if ("hmac-generated".equals(component.path("providerId").asText())
                    && "HS512".equals(component.at("/config/algorithm/0").asText())) {
                found.add(component);
            }
        }
        return found;
    }

    @Test
    void neitherTheRealmRepresentationNorAPartialExportHoldsADeviceKey() {
        Browser browser = new Browser(server.baseUrl(), TestGeoData.LONDON);
        signIn(browser, "exported");
        signIn(browser, "exported");
        assertNotNull(browser.cookie(DEVICE_COOKIE), "a device cookie was issued");

        HttpResponse<String> representation = realm.admin().get("/" + realm.name());
        JsonNode rep = AdminApi.ok(representation);
        assertTrue(rep.path("attributes").isObject(), "the representation lists realm attributes: " + rep);
        assertFalse(rep.path("attributes").has(LEGACY_ATTRIBUTE), rep.path("attributes").toString());
        assertFalse(representation.body().contains("deviceKey"), representation.body());

        HttpResponse<String> export = realm.admin().post("/" + realm.name()
                + "/partial-export?exportClients=true&exportGroupsAndRoles=true", null);
        JsonNode exported = AdminApi.ok(export);
        assertTrue(exported.path("attributes").isObject(), "the export carries realm attributes");
        assertFalse(exported.path("attributes").has(LEGACY_ATTRIBUTE), exported.path("attributes").toString());
        assertFalse(export.body().contains("deviceKey"), "no device key anywhere in the export");
        // The secret the cookie key is derived from stays Keycloak's: masked like every key provider secret.
        int hmacProviders = 0;
        for (JsonNode component : exported.at("/components/" + KEY_PROVIDER)) {
            if ("hmac-generated".equals(component.path("providerId").asText())) {
                hmacProviders++;
                String secret = component.at("/config/secret/0").asText("");
                assertTrue(secret.isEmpty() || secret.chars().allMatch(c -> c == '*'),
                        "secret of " + component.path("name").asText() + " exported: " + secret);
            }
        }
        assertTrue(hmacProviders > 0, "the export lists the realm's HMAC key providers");
    }

    @Test
    void aRotatedRealmKeyKeepsOldCookiesUntilTheOldKeyIsRemoved() {
        JsonNode providers = hs512Providers();
        assertEquals(1, providers.size(), "a new realm has one HS512 key: " + providers);
        String oldProvider = providers.get(0).get("id").asText();
        String oldKid = kidOfProvider(oldProvider);
        long oldPriority = providers.get(0).at("/config/priority/0").asLong(0);

        Browser browser = new Browser(server.baseUrl(), TestGeoData.LONDON);
        signIn(browser, "rotator");
        assertTrue(signals(signIn(browser, "rotator")).isEmpty(), "a known device");
        String oldCookie = browser.cookie(DEVICE_COOKIE);
        assertEquals(oldKid, kidOf(oldCookie), "signed with the realm's active HS512 key");

        // Rotation as in the Keys tab: a new generated HS512 key of higher priority; the old one stays enabled.
        String realmId = AdminApi.ok(realm.admin().get("/" + realm.name())).get("id").asText();
        HttpResponse<String> added = realm.admin().post("/" + realm.name() + "/components", Map.of(
                "name", "hmac-rotated", "providerId", "hmac-generated", "providerType", KEY_PROVIDER,
                "parentId", realmId, "config", Map.of("priority", new String[] {String.valueOf(oldPriority + 100)},
                        "algorithm", new String[] {"HS512"})));
        assertEquals(201, added.statusCode(), added.body());
        String location = added.headers().firstValue("Location").orElseThrow();
        String newProvider = location.substring(location.lastIndexOf('/') + 1);
        String newKid = kidOfProvider(newProvider);
        assertNotEquals(oldKid, newKid);

        JsonNode withOldCookie = signIn(browserWith(oldCookie), "rotator");
        assertFalse(signals(withOldCookie).contains("NEW_DEVICE"), "the old key still verifies: " + withOldCookie);
        Browser rotated = browserWith(oldCookie);
        signIn(rotated, "rotator");
        String newCookie = rotated.cookie(DEVICE_COOKIE);
        assertEquals(newKid, kidOf(newCookie), "re-issued with the new key");
        assertEquals(oldCookie.split("\\.")[0], newCookie.split("\\.")[0], "the same device");

        AdminApi.ok(realm.admin().delete("/" + realm.name() + "/components/" + oldProvider));

        JsonNode oldKeyGone = signIn(browserWith(oldCookie), "rotator");
        assertTrue(signals(oldKeyGone).contains("NEW_DEVICE"), "the old key is gone: " + oldKeyGone);
        JsonNode stillKnown = signIn(browserWith(newCookie), "rotator");
        assertFalse(signals(stillKnown).contains("NEW_DEVICE"), "a cookie of the new key: " + stillKnown);
    }

    @Test
    void theKeyOfAnEarlierVersionIsRemovedAtStartAndItsCookiesAreANewDeviceOnce() throws Exception {
        // What an earlier version kept: a random 32-byte HMAC-SHA256 key, base64, in a realm attribute.
        byte[] legacyKey = new byte[32];
        new SecureRandom().nextBytes(legacyKey);
        realm.update(Map.of("attributes", Map.of(LEGACY_ATTRIBUTE, Base64.getEncoder().encodeToString(legacyKey))));
        realm.saveSettings(Map.of("mode", "AUDIT"));

        Browser browser = new Browser(server.baseUrl(), TestGeoData.LONDON);
        signIn(browser, "upgraded");
        String deviceId = browser.cookie(DEVICE_COOKIE).split("\\.")[0];
        // That version's cookie for the same device: deviceId.issuedAt.HMAC-SHA256(key, deviceId.issuedAt.userId)
        String payload = deviceId + "." + System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(legacyKey, "HmacSHA256"));
        String legacyCookie = payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((payload + "." + realm.userId("upgraded")).getBytes(StandardCharsets.UTF_8)));

        Browser upgraded = browserWith(legacyCookie);
        assertTrue(signals(signIn(upgraded, "upgraded")).contains("NEW_DEVICE"), "the old cookie names no device");
        assertFalse(signals(signIn(upgraded, "upgraded")).contains("NEW_DEVICE"), "once: its new cookie does");

        assumeTrue(server.keepsDataAcrossRestart(), "this server loses its database on restart");
        assertTrue(AdminApi.ok(realm.admin().get("/" + realm.name())).at("/attributes").has(LEGACY_ATTRIBUTE),
                "still there before the restart");
        server.restart();
        JsonNode attributes = AdminApi.ok(realm.admin().get("/" + realm.name())).at("/attributes");
        assertFalse(attributes.has(LEGACY_ATTRIBUTE), attributes.toString());
        assertEquals("AUDIT", realm.settings().get("mode").asText(), "other attributes stay");
        assertFalse(signals(signIn(upgraded, "upgraded")).contains("NEW_DEVICE"), "the device stays known");
    }
}
