package io.github.threatprotection.flow;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RealmProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The long-lived device cookie behind NEW_DEVICE: a random device id, bound to the user and signed with an
 * HMAC key of the realm (kept in a realm attribute, so every node of a cluster checks the same way). A cookie
 * that is missing, tampered with or issued to another user is no device at all. Re-issued after every
 * successful sign-in.
 */
final class DeviceCookie {

    static final String KEY_ATTRIBUTE = "threatProtection.deviceKey";
    /** Keycloak's realm storage below its realm cache. */
    private static final String JPA_REALMS = "jpa";
    private static final String NAME = "KC_THREAT_PROTECTION_DEVICE";
    private static final int MAX_AGE_SECONDS = 400 * 24 * 3600;
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceCookie() {
    }

    /** The device id of a valid cookie of this user, or null. */
    static String read(KeycloakSession session, RealmModel realm, UserModel user) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(NAME);
        if (cookie == null || cookie.getValue() == null) {
            return null;
        }
        String[] parts = cookie.getValue().split("\\.");
        if (parts.length != 3) {
            return null;
        }
        byte[] expected = sign(session, realm, parts[0] + "." + parts[1] + "." + user.getId())
                .getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts[2].getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? parts[0] : null;
    }

    /** Issues a fresh cookie for the device (a new id when it had none). */
    static String issue(KeycloakSession session, RealmModel realm, UserModel user, String deviceId) {
        String id = deviceId != null ? deviceId : randomId();
        String payload = id + "." + Time.currentTime();
        boolean https = "https".equalsIgnoreCase(session.getContext().getUri().getBaseUri().getScheme());
        session.getContext().getHttpResponse().setCookieIfAbsent(new NewCookie.Builder(NAME)
                .value(payload + "." + sign(session, realm, payload + "." + user.getId()))
                .path("/realms/" + realm.getName() + "/")
                .maxAge(MAX_AGE_SECONDS)
                .httpOnly(true)
                .secure(https)
                .sameSite(NewCookie.SameSite.LAX)
                .build());
        return id;
    }

    private static String sign(KeycloakSession session, RealmModel realm, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(session, realm), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] key(KeycloakSession session, RealmModel realm) {
        String stored = realm.getAttribute(KEY_ATTRIBUTE);
        if (stored == null) {
            stored = storeKey(session.getKeycloakSessionFactory(), realm.getId());
        }
        return Base64.getDecoder().decode(stored);
    }

    /**
     * Creates the realm's key in a transaction of its own. The realm's first sign-ins may race (on one node or
     * several): one of them stores its key, the others fail on the attribute's unique key and use the stored one.
     * In the sign-in's own transaction the loser's sign-in would fail instead.
     */
    private static String storeKey(KeycloakSessionFactory factory, String realmId) {
        try {
            return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
                // Setting the attribute over a key a racing sign-in has just stored would invalidate the cookie
                // that key signed.
                String stored = keyInDatabase(session, realmId);
                if (stored == null) {
                    byte[] key = new byte[32];
                    RANDOM.nextBytes(key);
                    stored = Base64.getEncoder().encodeToString(key);
                    // through the cache layer, which invalidates the cached realm on every node
                    session.realms().getRealm(realmId).setAttribute(KEY_ATTRIBUTE, stored);
                }
                return stored;
            });
        } catch (ModelDuplicateException e) {
            String stored = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    session -> keyInDatabase(session, realmId));
            if (stored == null) {
                throw e;
            }
            return stored;
        }
    }

    /**
     * The stored key as the database has it. The realm cache can still lack a key another sign-in has just
     * stored, on this node or, until the invalidation arrives, on another.
     */
    private static String keyInDatabase(KeycloakSession session, String realmId) {
        return session.getProvider(RealmProvider.class, JPA_REALMS).getRealm(realmId).getAttribute(KEY_ATTRIBUTE);
    }

    private static String randomId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
