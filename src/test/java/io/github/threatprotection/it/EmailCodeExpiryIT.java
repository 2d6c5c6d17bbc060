package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.threatprotection.it.EmailCodeIT.SignIn;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestRealm;

/**
 * An e-mailed code older than its lifetime is refused. The lifetime is the server option
 * {@code --spi-authenticator--threat-protection-email-code--code-lifetime} (300 s by default); the shared server
 * restarts with 8 s for this class, and back, so that the test waits for a real expiry on the real clock.
 */
@ExtendWith(KeycloakExtension.class)
class EmailCodeExpiryIT {

    private static final int LIFETIME_SECONDS = 8;

    private static KeycloakServer server;
    private static Mailbox mailbox;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer keycloak) throws Exception {
        assumeTrue(keycloak.keepsDataAcrossRestart(), "needs a server that can restart with other options");
        server = keycloak;
        server.restart(List.of("--spi-authenticator--threat-protection-email-code--code-lifetime="
                + LIFETIME_SECONDS));
        mailbox = Mailbox.start();
        realm = EmailCodeIT.createRealm(server.baseUrl(), "email-code-expiry", mailbox, "late");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (realm != null) {
            realm.close();
        }
        if (mailbox != null) {
            mailbox.close();
        }
        if (server != null) {
            server.restart();
        }
    }

    @Test
    void anExpiredCodeIsRefusedAndANewOneWorks() throws Exception {
        SignIn asked = EmailCodeIT.mediumRiskSignIn(server.baseUrl(), realm, TestRealm.CLIENT, "late");
        assertTrue(asked.page().contains(EmailCodeIT.CODE_FORM), asked.page());
        String code = EmailCodeIT.codeFromMail(mailbox, "late");
        Thread.sleep((LIFETIME_SECONDS + 1) * 1000L);

        SignIn refused = asked.submit(EmailCodeIT.CODE_FORM, Map.of("code", code));

        assertFalse(refused.signedIn(), "the right code, too late");
        assertTrue(refused.page().contains("This code has expired. Ask for a new one."), refused.page());
        assertEquals("EMAIL_CODE FAILURE",
                EmailCodeIT.secondChallenge(realm.latestUserEvent(realm.userId("late"))));

        SignIn resent = refused.submit(EmailCodeIT.RESEND_FORM, Map.of("resend", "Send a new code"));
        SignIn done = resent.submit(EmailCodeIT.CODE_FORM, Map.of("code", EmailCodeIT.codeFromMail(mailbox, "late")));

        assertTrue(done.signedIn(), done.toString());
        assertEquals("EMAIL_CODE SUCCESS",
                EmailCodeIT.secondChallenge(realm.latestUserEvent(realm.userId("late"))));
    }
}
