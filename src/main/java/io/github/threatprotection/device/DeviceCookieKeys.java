package io.github.threatprotection.device;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MAC keys of device cookies, derived from a realm's HMAC keys (Keycloak's key providers, HS512) and
 * memoised per node by realm and kid, so a sign-in derives nothing after a key's first use.
 * <p>
 * Why a derived key and not a key of our own: the realm's HMAC keys already live where Keycloak keeps secrets
 * (key provider components, masked in every admin representation and export, cached with the realm, rotated
 * through the realm's Keys tab), and every realm has an active HS512 key (Keycloak creates a fallback when it has
 * none). A key provider of the extension's own would give operators a second rotation procedure to learn and
 * forget. The derivation is a one-way HMAC over a label of this use alone, so a cookie's MAC can never stand in
 * for anything Keycloak signs with the realm key itself (its HS512 signatures are HMAC-SHA512 over JWS input).
 */
public final class DeviceCookieKeys {

    /** Domain separation: the realm key is used for this purpose only through this label. */
    private static final byte[] LABEL = "threat-protection device cookie".getBytes(StandardCharsets.US_ASCII);
    private static final String DERIVATION = "HmacSHA256";

    /** A derived key and the realm key it came from, checked on use in case a kid ever names another secret. */
    private record Derived(byte[] source, byte[] macKey) {
    }

    private record KeyId(String realmId, String kid) {
    }

    // Entries exist only for kids the realm's key manager returned, so requests cannot grow the map.
    private final Map<KeyId, Derived> derived = new ConcurrentHashMap<>();

    /** The cookie MAC key for the realm key with this kid and secret. */
    public byte[] macKey(String realmId, String kid, SecretKey realmKey) {
        byte[] source = realmKey.getEncoded();
        KeyId id = new KeyId(realmId, kid);
        Derived known = derived.get(id);
        if (known != null && MessageDigest.isEqual(known.source(), source)) {
            return known.macKey();
        }
        byte[] macKey = derive(source);
        derived.put(id, new Derived(source, macKey));
        return macKey;
    }

    /** Forgets a removed realm's keys. */
    public void forget(String realmId) {
        derived.keySet().removeIf(id -> id.realmId().equals(realmId));
    }

    /** HMAC-SHA256(realm key secret, label). */
    static byte[] derive(byte[] realmKeySecret) {
        try {
            Mac mac = Mac.getInstance(DERIVATION);
            mac.init(new SecretKeySpec(realmKeySecret, DERIVATION));
            return mac.doFinal(LABEL);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(DERIVATION + " is not available", e);
        }
    }
}
