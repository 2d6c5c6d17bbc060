package io.github.threatprotection.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EmailCodeTest {

    private static final byte[] KEY = "a key derived from the realm key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_KEY = "another realm's derived key....".getBytes(StandardCharsets.US_ASCII);
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final long NOW = 1_800_000_000_000L;
    private final SecureRandom random = new SecureRandom();

    private EmailCode issued(String code) {
        return EmailCode.first(code, "kid-1", KEY, NOW, random);
    }

    @Test
    void codesAreSixDigitsAndVary() {
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String code = EmailCode.newCode(random);
            assertTrue(code.matches("[0-9]{6}"), code);
            codes.add(code);
        }
        assertTrue(codes.size() > 190, "random codes rarely repeat: " + codes.size());
    }

    @Test
    void theRightCodeWithinItsLifetimeIsAccepted() {
        EmailCode code = issued("042917");

        assertEquals(EmailCode.Check.ACCEPTED, code.check("042917", KEY, NOW + 1, LIFETIME));
        assertEquals(EmailCode.Check.ACCEPTED, code.check("042 917", KEY, NOW + LIFETIME.toMillis() - 1, LIFETIME),
                "a space typed in the middle is ignored");
    }

    @Test
    void theCodeIsKeptOnlyAsAKeyedHash() {
        EmailCode code = issued("042917");

        assertFalse(code.encode().contains("042917"));
        assertEquals(EmailCode.Check.WRONG, code.check("042917", OTHER_KEY, NOW, LIFETIME),
                "without the realm's key the hash cannot be matched");
        assertFalse(Arrays.equals(issued("042917").hash(), code.hash()), "salted: same code, other hash");
    }

    @Test
    void aCodeAtItsLifetimeIsExpiredWhateverWasTyped() {
        EmailCode code = issued("042917");

        assertEquals(EmailCode.Check.EXPIRED, code.check("042917", KEY, NOW + LIFETIME.toMillis(), LIFETIME));
        assertEquals(EmailCode.Check.EXPIRED, code.check("000000", KEY, NOW + LIFETIME.toMillis(), LIFETIME));
        assertEquals(EmailCode.Check.EXPIRED, code.check("042917", KEY, NOW - 1, LIFETIME),
                "a clock before the issue time is not trusted");
    }

    @Test
    void theFifthWrongTryIsTheLast() {
        EmailCode code = issued("042917");
        for (int wrong = 1; wrong < EmailCode.MAX_WRONG_TRIES; wrong++) {
            assertEquals(EmailCode.Check.WRONG, code.check("111111", KEY, NOW, LIFETIME));
            code = code.withWrongTry();
            assertEquals(EmailCode.MAX_WRONG_TRIES - wrong, code.triesLeft());
        }
        assertEquals(EmailCode.Check.TOO_MANY_WRONG, code.check("111111", KEY, NOW, LIFETIME));
        assertEquals(EmailCode.Check.TOO_MANY_WRONG, code.check("not a code", KEY, NOW, LIFETIME));
        assertEquals(EmailCode.Check.ACCEPTED, code.check("042917", KEY, NOW, LIFETIME),
                "the right code on the fifth try still passes");
    }

    @Test
    void malformedInputIsAWrongTry() {
        EmailCode code = issued("042917");
        for (String typed : new String[] {null, "", "42917", "0429170", "04291a", "０４２９１７"}) {
            assertEquals(EmailCode.Check.WRONG, code.check(typed, KEY, NOW, LIFETIME), String.valueOf(typed));
        }
    }

    @Test
    void threeResendsAtMostEachReplacingTheCodeAndKeepingTheWrongTries() {
        EmailCode code = issued("042917").withWrongTry().withWrongTry();
        for (int resend = 1; resend <= EmailCode.MAX_RESENDS; resend++) {
            assertTrue(code.canResend());
            code = code.resent("55555" + resend, "kid-1", KEY, NOW + resend * 60_000L, random);
            assertEquals(EmailCode.MAX_RESENDS - resend, code.resendsLeft());
            assertEquals(EmailCode.MAX_WRONG_TRIES - 2, code.triesLeft(), "a new code gives no new tries");
        }
        assertFalse(code.canResend());
        EmailCode spent = code;
        assertThrows(IllegalStateException.class, () -> spent.resent("999999", "kid-1", KEY, NOW, random));
        long sentAt = NOW + EmailCode.MAX_RESENDS * 60_000L;
        assertEquals(EmailCode.Check.WRONG, code.check("042917", KEY, sentAt, LIFETIME), "the first code is gone");
        assertEquals(EmailCode.Check.ACCEPTED, code.check("555553", KEY, sentAt + LIFETIME.toMillis() - 1, LIFETIME),
                "the lifetime runs from the latest code");
    }

    @Test
    void theNoteRoundTripsAndRejectsWhatItCannotRead() {
        EmailCode code = issued("042917").withWrongTry();

        EmailCode read = EmailCode.decode(code.encode());

        assertEquals("kid-1", read.kid());
        assertEquals(code.issuedAt(), read.issuedAt());
        assertEquals(1, read.wrongTries());
        assertEquals(EmailCode.Check.ACCEPTED, read.check("042917", KEY, NOW, LIFETIME));
        assertNull(EmailCode.decode(null));
        assertNull(EmailCode.decode("garbage"));
        assertNull(EmailCode.decode("a.b.c.d.e.f"));
        assertNotEquals(code.encode(), issued("042917").encode());
    }
}
