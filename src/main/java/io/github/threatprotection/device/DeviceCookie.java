package io.github.threatprotection.device;

import java.security.SecureRandom;
import java.util.Base64;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;

import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.github.threatprotection.keys.RealmDerivedKeys;

/**
 * The long-lived device cookie behind NEW_DEVICE: a random device id and its issue time, bound to the user and
 * signed with a MAC key derived from the realm's HMAC key (HS512, Keycloak's key providers; the cookie names the
 * key's kid). Every node checks with the same realm keys, read from Keycloak's realm cache. After a rotation in
 * the realm's Keys tab, cookies signed with an older key stay valid while that key is enabled; the next sign-in
 * re-issues them with the active key. A cookie that is missing, tampered with, issued to another user, signed
 * with a removed or disabled key or older than {@code privacy.deviceCookieMaxAgeDays} is no device at all.
 */
public final class DeviceCookie {

    /** Where an earlier version kept its own key; removed from every realm at start. */
    public static final String LEGACY_KEY_ATTRIBUTE = "threatProtection.deviceKey";
    private static final String NAME = "KC_THREAT_PROTECTION_DEVICE";
    private static final String KEY_ALGORITHM = Algorithm.HS512;
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceCookie() {
    }

    /** Whether the request brought a device cookie at all, valid or not: checked before reading the user. */
    public static boolean present(KeycloakSession session) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(NAME);
        return cookie != null && cookie.getValue() != null;
    }

    /** The device id of a valid cookie of this user, or null. */
    public static String read(KeycloakSession session, RealmDerivedKeys keys, RealmModel realm, UserModel user,
                       long maxAgeSeconds) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(NAME);
        if (cookie == null || cookie.getValue() == null) {
            return null;
        }
        return DeviceCookieValue.verify(cookie.getValue(), user.getId(), kid -> {
            KeyWrapper key = session.keys().getKey(realm, kid, KeyUse.SIG, KEY_ALGORITHM);
            return key == null || key.getSecretKey() == null ? null
                    : keys.key(RealmDerivedKeys.Use.DEVICE_COOKIE, realm.getId(), kid, key.getSecretKey());
        }, Time.currentTime(), maxAgeSeconds);
    }

    /** Issues a fresh cookie for the device (a new id when it had none), signed with the realm's active key. */
    public static String issue(KeycloakSession session, RealmDerivedKeys keys, RealmModel realm, UserModel user,
                        String deviceId, int maxAgeSeconds) {
        String id = deviceId != null ? deviceId : randomId();
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, KEY_ALGORITHM);
        String value = DeviceCookieValue.sign(id, Time.currentTime(), key.getKid(), user.getId(),
                keys.key(RealmDerivedKeys.Use.DEVICE_COOKIE, realm.getId(), key.getKid(), key.getSecretKey()));
        boolean https = "https".equalsIgnoreCase(session.getContext().getUri().getBaseUri().getScheme());
        session.getContext().getHttpResponse().setCookieIfAbsent(new NewCookie.Builder(NAME)
                .value(value)
                .path("/realms/" + realm.getName() + "/")
                .maxAge(maxAgeSeconds)
                .httpOnly(true)
                .secure(https)
                .sameSite(NewCookie.SameSite.LAX)
                .build());
        return id;
    }

    /**
     * Removes the key an earlier version kept in a realm attribute, which {@code view-realm} could read and realm
     * exports carried. Cookies it signed then name no device: their next sign-in counts as a new device once.
     *
     * @return whether the realm had it
     */
    public static boolean removeLegacyKey(RealmModel realm) {
        if (realm.getAttribute(LEGACY_KEY_ATTRIBUTE) == null) {
            return false;
        }
        realm.removeAttribute(LEGACY_KEY_ATTRIBUTE);
        return true;
    }

    private static String randomId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
