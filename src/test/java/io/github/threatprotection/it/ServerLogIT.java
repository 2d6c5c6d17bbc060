package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.BreachTestData;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;

/** Runs after every other integration test: no password the tests typed, nor its SHA-1, reached the server log. */
@ExtendWith(KeycloakExtension.class)
@Order(Integer.MAX_VALUE)
class ServerLogIT {

    @Test
    void theServerLogHoldsNoTestPasswordNorItsHash(KeycloakServer server) throws Exception {
        String log = server.log();
        assertTrue(log.contains("Compromised-credential checks"), "this is the test server's log");
        for (String password : BreachTestData.ALL_TEST_PASSWORDS) {
            String sha1 = BreachTestData.sha1Hex(password);
            assertFalse(log.contains(password), "the log contains a test password");
            assertFalse(log.contains(sha1) || log.contains(sha1.toLowerCase(Locale.ROOT)),
                    "the log contains the SHA-1 of a test password");
            assertFalse(log.contains(sha1.substring(5)), "the log contains a range suffix of a test password");
        }
    }
}
