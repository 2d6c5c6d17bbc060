package io.github.threatprotection.it.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Codes of the OTP credentials tests give users ({@link TestRealm#otpCredential}): RFC 6238, HMAC-SHA1, 30 s. */
public final class Totp {

    private Totp() {
    }

    /** The 6-digit code for the current time step plus {@code offset}. */
    public static String code(String secret, int offset) {
        try {
            long step = System.currentTimeMillis() / 30_000 + offset;
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int at = hash[hash.length - 1] & 0x0F;
            int binary = ((hash[at] & 0x7F) << 24) | ((hash[at + 1] & 0xFF) << 16) | ((hash[at + 2] & 0xFF) << 8)
                    | (hash[at + 3] & 0xFF);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 6-digit code that is not the current one, nor one of the steps either side of it Keycloak accepts. */
    public static String wrongCode(String secret) {
        for (int candidate = 0; ; candidate += 111_111) {
            String code = String.format("%06d", candidate);
            if (!code.equals(code(secret, -1)) && !code.equals(code(secret, 0)) && !code.equals(code(secret, 1))) {
                return code;
            }
        }
    }
}
