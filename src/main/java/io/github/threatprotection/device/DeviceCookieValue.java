package io.github.threatprotection.device;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The text of a device cookie: {@code deviceId.issuedAt.kid.mac}, where {@code issuedAt} is in epoch seconds,
 * {@code kid} (base64url) names the realm key whose derived MAC key signed it, and the MAC (HMAC-SHA256) covers
 * the rest and the user's id. A value that is malformed, signed with a key the realm no longer has, signed for
 * another user or older than the maximum age names no device.
 */
public final class DeviceCookieValue {

    /** Longer values are not even parsed: a genuine one is about 120 characters. */
    static final int MAX_LENGTH = 512;

    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private DeviceCookieValue() {
    }

    /** The cookie text for this device, signed for this user with the MAC key of the realm key {@code kid}. */
    public static String sign(String deviceId, long issuedAt, String kid, String userId, byte[] macKey) {
        String payload = deviceId + "." + issuedAt + "." + BASE64URL.encodeToString(kid.getBytes(StandardCharsets.UTF_8));
        return payload + "." + mac(macKey, payload + "." + userId);
    }

    /**
     * The device id of a valid cookie, or null.
     *
     * @param macKeyOfKid the MAC key derived from the realm key with this kid, or null when the realm has no
     *                    such (enabled) key
     * @param now         epoch seconds
     */
    public static String verify(String value, String userId, Function<String, byte[]> macKeyOfKid, long now,
                                long maxAgeSeconds) {
        if (value == null || value.length() > MAX_LENGTH) {
            return null;
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4 || parts[0].isEmpty() || !isEpochSeconds(parts[1])) {
            return null;
        }
        long issuedAt = Long.parseLong(parts[1]);
        if (now - issuedAt > maxAgeSeconds) {
            return null;
        }
        String kid;
        try {
            kid = new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] macKey = kid.isEmpty() ? null : macKeyOfKid.apply(kid);
        if (macKey == null) {
            return null;
        }
        String payload = parts[0] + "." + parts[1] + "." + parts[2];
        byte[] expected = mac(macKey, payload + "." + userId).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII)) ? parts[0] : null;
    }

    private static boolean isEpochSeconds(String text) {
        if (text.isEmpty() || text.length() > 12) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String mac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(key, MAC_ALGORITHM));
            return BASE64URL.encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC_ALGORITHM + " is not available", e);
        }
    }
}
