package io.github.threatprotection.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The extension's secret keys, each derived from a realm's HMAC key (Keycloak's key providers, HS512) for one
 * use, and memoised per node by use, realm and kid, so that a request derives nothing after a key's first use.
 * <p>
 * Why derived keys and not keys of our own: the realm's HMAC keys already live where Keycloak keeps secrets
 * (key provider components, masked in every admin representation and export, cached with the realm, rotated
 * through the realm's Keys tab), and every realm has an active HS512 key (Keycloak creates a fallback when it has
 * none). A key provider of the extension's own would give operators a second rotation procedure to learn and
 * forget. Each derivation is a one-way HMAC over a label of its use alone, so a derived key can never stand in
 * for the realm key itself (its HS512 signatures are HMAC-SHA512 over JWS input) or for another use.
 */
public final class RealmDerivedKeys {

    /** What a derived key is for; each use has its own label, and so its own key. */
    public enum Use {
        /** The MAC of device cookies. */
        DEVICE_COOKIE("threat-protection device cookie"),
        /** The keyed hash under which a failed sign-in keeps a username that names nobody. */
        FAILED_USERNAME("threat-protection failed username"),
        /** The keyed hash under which a sign-in's authentication session keeps its e-mailed code. */
        EMAIL_CODE("threat-protection e-mail code"),
        /** The MAC of proof-of-work puzzles on the login page. */
        PROOF_OF_WORK("threat-protection proof-of-work puzzle");

        private final byte[] label;

        Use(String label) {
            this.label = label.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final String DERIVATION = "HmacSHA256";

    /** A derived key and the realm key it came from, checked on use in case a kid ever names another secret. */
    private record Derived(byte[] source, byte[] key) {
    }

    private record KeyId(Use use, String realmId, String kid) {
    }

    // Entries exist only for kids the realm's key manager returned, so requests cannot grow the map.
    private final Map<KeyId, Derived> derived = new ConcurrentHashMap<>();

    /** The key for this use from the realm key with this kid and secret. */
    public byte[] key(Use use, String realmId, String kid, SecretKey realmKey) {
        byte[] source = realmKey.getEncoded();
        KeyId id = new KeyId(use, realmId, kid);
        Derived known = derived.get(id);
        if (known != null && MessageDigest.isEqual(known.source(), source)) {
            return known.key();
        }
        byte[] key = derive(use, source);
        derived.put(id, new Derived(source, key));
        return key;
    }

    /** Forgets a removed realm's keys. */
    public void forget(String realmId) {
        derived.keySet().removeIf(id -> id.realmId().equals(realmId));
    }

    /** HMAC-SHA256(realm key secret, label of the use). */
    static byte[] derive(Use use, byte[] realmKeySecret) {
        try {
            Mac mac = Mac.getInstance(DERIVATION);
            mac.init(new SecretKeySpec(realmKeySecret, DERIVATION));
            return mac.doFinal(use.label);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(DERIVATION + " is not available", e);
        }
    }
}
