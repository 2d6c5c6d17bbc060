package io.github.threatprotection.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class DeviceCookieKeysTest {

    private static final SecretKeySpec REALM_KEY = new SecretKeySpec(new byte[64], "HmacSHA512");

    @Test
    void theMacKeyIsHmacSha256OfTheLabelUnderTheRealmKey() throws Exception {
        byte[] secret = new byte[64];
        Arrays.fill(secret, (byte) 7);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] expected = mac.doFinal("threat-protection device cookie".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, new DeviceCookieKeys().macKey("realm", "kid",
                new SecretKeySpec(secret, "HmacSHA512")));
        assertFalse(Arrays.equals(secret, expected));
        assertEquals(32, expected.length);
    }

    @Test
    void aKidIsDerivedOnceAndAgainOnlyWhenItsSecretChanges() {
        DeviceCookieKeys keys = new DeviceCookieKeys();
        byte[] first = keys.macKey("realm", "kid", REALM_KEY);
        assertSame(first, keys.macKey("realm", "kid", new SecretKeySpec(new byte[64], "HmacSHA512")),
                "memoised: the same secret under the same kid");
        byte[] other = new byte[64];
        other[0] = 1;
        byte[] changed = keys.macKey("realm", "kid", new SecretKeySpec(other, "HmacSHA512"));
        assertFalse(Arrays.equals(first, changed), "a kid that names another secret is derived anew");
        assertArrayEquals(first, keys.macKey("other-realm", "kid", REALM_KEY));

        keys.forget("realm");
        byte[] again = keys.macKey("realm", "kid", REALM_KEY);
        assertArrayEquals(first, again);
    }
}
