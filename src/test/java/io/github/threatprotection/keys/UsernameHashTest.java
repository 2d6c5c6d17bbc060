package io.github.threatprotection.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class UsernameHashTest {

    private static final byte[] KEY = new byte[32];

    @Test
    void theSameNameHashesAlikeWhateverItsCaseOrBlanks() {
        assertEquals(UsernameHash.of("Alice", KEY), UsernameHash.of("  alice ", KEY));
        assertNotEquals(UsernameHash.of("alice", KEY), UsernameHash.of("alicia", KEY));
    }

    @Test
    void theHashHoldsNoneOfTheTextAndDependsOnTheKey() {
        String typed = "Summer2024!";
        String hash = UsernameHash.of(typed, KEY);
        assertEquals(43, hash.length());
        assertFalse(hash.toLowerCase().contains("summer"));
        byte[] other = Arrays.copyOf(KEY, KEY.length);
        other[0] = 1;
        assertNotEquals(hash, UsernameHash.of(typed, other));
    }
}
