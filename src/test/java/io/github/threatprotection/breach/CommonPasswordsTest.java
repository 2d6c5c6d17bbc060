package io.github.threatprotection.breach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CommonPasswordsTest {

    private static final CommonPasswords BUILT_IN = CommonPasswords.builtIn();

    @Test
    void theJarCarriesThirtyThousandPasswordsAndKnowsTheFamousOnes() {
        assertEquals(30_000, BUILT_IN.size());
        for (String password : new String[] {"123456", "password", "password123", "qwerty", "iloveyou", "letmein"}) {
            assertTrue(BUILT_IN.contains(password), password);
        }
    }

    @Test
    void aPasswordIsLookedUpInLowerCaseAsTheListIsWritten() {
        assertTrue(BUILT_IN.contains("Password123"));
        assertTrue(BUILT_IN.contains("LETMEIN"));
    }

    @Test
    void aPassphraseOrAVariantWithMoreThanCaseIsNotOnIt() {
        assertFalse(BUILT_IN.contains("correct horse battery staple"));
        assertFalse(BUILT_IN.contains("password123!"));
        assertFalse(BUILT_IN.contains(""));
    }

    @Test
    void aListIsReadLineByLineSkippingEmptyLines() throws IOException {
        CommonPasswords list = CommonPasswords.read(new ByteArrayInputStream(
                "hunter2\n\nswordfish\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, list.size());
        assertTrue(list.contains("Swordfish"));
        assertFalse(list.contains("hunter3"));
    }
}
