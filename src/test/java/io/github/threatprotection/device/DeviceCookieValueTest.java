package io.github.threatprotection.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class DeviceCookieValueTest {

    private static final long DAY = 24 * 3600;
    private static final long MAX_AGE = 400 * DAY;
    private static final long ISSUED = 1_790_000_000L;
    private static final byte[] OLD_KEY = "an old derived key of 32 bytes!!".getBytes();
    private static final byte[] NEW_KEY = "a new derived key of 32 bytes!!!".getBytes();
    private static final Function<String, byte[]> REALM_KEYS = Map.of("old-kid", OLD_KEY, "new-kid", NEW_KEY)::get;

    private static String cookie(String kid, byte[] key) {
        return DeviceCookieValue.sign("device-1", ISSUED, kid, "user-1", key);
    }

    @Test
    void aCookieNamesItsDeviceUntilItIsOlderThanTheMaximumAge() {
        String cookie = cookie("old-kid", OLD_KEY);
        assertEquals("device-1", DeviceCookieValue.verify(cookie, "user-1", REALM_KEYS, ISSUED, MAX_AGE));
        assertEquals("device-1", DeviceCookieValue.verify(cookie, "user-1", REALM_KEYS, ISSUED + MAX_AGE, MAX_AGE),
                "exactly the maximum age");
        assertNull(DeviceCookieValue.verify(cookie, "user-1", REALM_KEYS, ISSUED + MAX_AGE + 1, MAX_AGE),
                "a second older");
        assertNull(DeviceCookieValue.verify(cookie, "user-1", REALM_KEYS, ISSUED + 31 * DAY, 30 * DAY),
                "a realm that remembers devices for 30 days");
        assertEquals("device-1", DeviceCookieValue.verify(cookie, "user-1", REALM_KEYS, ISSUED + 29 * DAY,
                30 * DAY));
    }

    @Test
    void theIssueTimeIsSignedSoItCannotBeRefreshedByHand() {
        String cookie = cookie("old-kid", OLD_KEY);
        String[] parts = cookie.split("\\.");
        String redated = parts[0] + "." + (ISSUED + 300 * DAY) + "." + parts[2] + "." + parts[3];
        assertNull(DeviceCookieValue.verify(redated, "user-1", REALM_KEYS, ISSUED + 401 * DAY, MAX_AGE));
    }

    @Test
    void eachCookieNamesTheRealmKeyThatSignedItAndNeedsThatKey() {
        String old = cookie("old-kid", OLD_KEY);
        String fresh = cookie("new-kid", NEW_KEY);
        assertNotEquals(old.split("\\.")[2], fresh.split("\\.")[2]);
        assertEquals("device-1", DeviceCookieValue.verify(old, "user-1", REALM_KEYS, ISSUED, MAX_AGE));
        assertEquals("device-1", DeviceCookieValue.verify(fresh, "user-1", REALM_KEYS, ISSUED, MAX_AGE));
        Function<String, byte[]> oldKeyRemoved = Map.of("new-kid", NEW_KEY)::get;
        assertNull(DeviceCookieValue.verify(old, "user-1", oldKeyRemoved, ISSUED, MAX_AGE));
        assertEquals("device-1", DeviceCookieValue.verify(fresh, "user-1", oldKeyRemoved, ISSUED, MAX_AGE));
        String[] parts = old.split("\\.");
        String relabelled = parts[0] + "." + parts[1] + "." + fresh.split("\\.")[2] + "." + parts[3];
        assertNull(DeviceCookieValue.verify(relabelled, "user-1", REALM_KEYS, ISSUED, MAX_AGE),
                "a MAC of one key under another key's kid");
    }

    @Test
    void anotherUsersTamperedOrMalformedCookieIsNoDevice() {
        String cookie = cookie("old-kid", OLD_KEY);
        assertNull(DeviceCookieValue.verify(cookie, "user-2", REALM_KEYS, ISSUED, MAX_AGE), "another user's");
        assertNull(DeviceCookieValue.verify("x" + cookie.substring(1), "user-1", REALM_KEYS, ISSUED, MAX_AGE));
        String[] parts = cookie.split("\\.");
        for (String bad : new String[] {null, "", "...", parts[0] + "." + parts[1] + "." + parts[3],
                parts[0] + ".-5." + parts[2] + "." + parts[3], parts[0] + ".1e9." + parts[2] + "." + parts[3],
                parts[0] + "." + parts[1] + ".%%%." + parts[3], parts[0] + "." + parts[1] + ".." + parts[3],
                "." + parts[1] + "." + parts[2] + "." + parts[3], cookie + ".x", cookie + "x".repeat(600),
                parts[0] + "." + "9".repeat(20) + "." + parts[2] + "." + parts[3]}) {
            assertNull(DeviceCookieValue.verify(bad, "user-1", REALM_KEYS, ISSUED, MAX_AGE), bad);
        }
    }

    @Test
    void theCookieOfAnEarlierVersionIsNoDevice() {
        // deviceId.issuedAt.mac, signed with the key that version kept in a realm attribute
        assertNull(DeviceCookieValue.verify("Zm9vYmFyYmF6cXV4cXV1eA.1790000000.c2lnbmF0dXJl", "user-1", REALM_KEYS,
                ISSUED, MAX_AGE));
    }
}
