package io.github.threatprotection.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed hash of a username as typed: the same for the same name whatever its case or surrounding blanks, and
 * useless without the key to anyone who reads the database.
 */
public final class UsernameHash {

    private static final String MAC = "HmacSHA256";

    private UsernameHash() {
    }

    /** 43 characters of base64url. */
    public static String of(String username, byte[] key) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(username.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is not available", e);
        }
    }
}
