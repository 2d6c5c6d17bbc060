package io.github.threatprotection.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class RealmDerivedKeysTest {

    private static final RealmDerivedKeys.Use COOKIE = RealmDerivedKeys.Use.DEVICE_COOKIE;
    private static final SecretKeySpec REALM_KEY = new SecretKeySpec(new byte[64], "HmacSHA512");

    @Test
    void theMacKeyIsHmacSha256OfTheLabelUnderTheRealmKey() throws Exception {
        byte[] secret = new byte[64];
        Arrays.fill(secret, (byte) 7);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] expected = mac.doFinal("threat-protection device cookie".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, new RealmDerivedKeys().key(RealmDerivedKeys.Use.DEVICE_COOKIE, "realm", "kid",
                new SecretKeySpec(secret, "HmacSHA512")));
        assertFalse(Arrays.equals(secret, expected));
        assertEquals(32, expected.length);
    }

    @Test
    void aKidIsDerivedOnceAndAgainOnlyWhenItsSecretChanges() {
        RealmDerivedKeys keys = new RealmDerivedKeys();
        byte[] first = keys.key(COOKIE, "realm", "kid", REALM_KEY);
        assertSame(first, keys.key(COOKIE, "realm", "kid", new SecretKeySpec(new byte[64], "HmacSHA512")),
                "memoised: the same secret under the same kid");
        byte[] other = new byte[64];
        other[0] = 1;
        byte[] changed = keys.key(COOKIE, "realm", "kid", new SecretKeySpec(other, "HmacSHA512"));
        assertFalse(Arrays.equals(first, changed), "a kid that names another secret is derived anew");
        assertArrayEquals(first, keys.key(COOKIE, "other-realm", "kid", REALM_KEY));

        keys.forget("realm");
        byte[] again = keys.key(COOKIE, "realm", "kid", REALM_KEY);
        assertArrayEquals(first, again);
    }

    @Test
    void eachUseHasAKeyOfItsOwn() {
        RealmDerivedKeys keys = new RealmDerivedKeys();
        assertFalse(Arrays.equals(keys.key(COOKIE, "realm", "kid", REALM_KEY),
                keys.key(RealmDerivedKeys.Use.FAILED_USERNAME, "realm", "kid", REALM_KEY)));
    }
}
