package io.github.threatprotection.it.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

/**
 * The README's run command ({@code mvn -Pdemo package}): Keycloak with the extension on its embedded H2
 * database, started the way the tests start it, with a {@code demo} realm whose browser (with the risk-driven MFA
 * sub-flow) and direct-grant flows are protected in AUDIT mode, made-up geolocation data, a small breach corpus
 * built from the project's own test passwords, and an SMTP sink whose mails are printed. Runs until Ctrl-C.
 */
public final class DemoServer {

    private DemoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("demo.port", 8080);
        int managementPort = Integer.getInteger("demo.management-port", 9000);
        int smtpPort = Integer.getInteger("demo.smtp-port", 2525);
        Path work = Path.of(KeycloakExtension.required("keycloak.work")).resolveSibling("keycloak-demo");
        Path jar = Path.of(KeycloakExtension.required("threatprotection.jar"));
        System.out.println("Building a small breach corpus with the JAR's 'corpus build' command ...");
        Path corpus = BreachTestData.buildCorpus(jar, work.resolve("breach"));
        List<String> options = new ArrayList<>(KeycloakExtension.SERVER_OPTIONS);
        options.add("--spi-threat-protection--default--breach-corpus=" + corpus);
        // made-up City and ASN data for a few networks, so "sign in from another country" works offline
        options.addAll(TestGeoData.write(work.resolve("geo")));

        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Thread mailPrinter = new Thread(() -> printMails(smtp), "print-mails");
        mailPrinter.setDaemon(true);
        mailPrinter.start();

        System.out.println("Starting Keycloak on port " + port + " (log: " + work.resolve("keycloak.log") + ") ...");
        DistributionKeycloakServer server = DistributionKeycloakServer.start(
                Path.of(KeycloakExtension.required("keycloak.dist")), jar, work, options, port, managementPort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            smtp.stop();
        }, "stop-keycloak"));

        AdminApi admin = new AdminApi(server.baseUrl());
        TestRealm demo = TestRealm.createWithoutProtection(admin, "demo", "alice", "bob", "carol");
        // the operator's one call: protected browser flow with the risk-driven MFA sub-flow after Keycloak's own
        // conditional 2FA (kept), and direct grant
        AdminApi.ok(admin.post("/demo/threat-protection/flows", null));
        AdminApi.ok(demo.resetPassword(demo.userId("carol"), BreachTestData.BREACHED));
        demo.update(Map.of(
                "passwordPolicy", "notCompromised(1)",
                "smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtpPort),
                        "from", "keycloak@example.org", "fromDisplayName", "Keycloak demo")));
        demo.saveSettings(Map.of(
                "mode", "AUDIT",
                "ipExceptions", Map.of("alwaysBlock", List.of("198.51.100.0/24"))));

        String base = server.baseUrl();
        System.out.println("""

                Keycloak with threat protection is running.

                  Admin console      %1$s/admin            admin / admin
                  Settings tab       %1$s/admin/master/console/#/demo/realm-settings/threat-protection
                  Demo realm         %1$s/realms/demo/account   alice or bob / %2$s
                                     carol / %6$s  (a password in the demo's breach corpus)
                  OIDC client        %5$s (public; direct grant on)
                  Metrics, health    %3$s/metrics  %3$s/health
                  Mail               SMTP sink on 127.0.0.1:%7$d; every mail Keycloak sends is printed here
                  Server log         %4$s

                The realm runs in AUDIT mode: every sign-in is evaluated and recorded, nothing is blocked or
                challenged. Read the recorded risk events with an admin token:
                  TOKEN=$(curl -s -d grant_type=password -d client_id=admin-cli -d username=admin \\
                    -d password=admin %1$s/realms/master/protocol/openid-connect/token | jq -r .access_token)
                  curl -s -H "Authorization: Bearer $TOKEN" %1$s/admin/realms/demo/threat-protection/events | jq

                Things to try:
                  1. Sign in normally: open the account console as alice. Her event is LOW, NO_ACTION.
                  2. Sign in with a breached password: open the account console as carol. Her event says
                     "compromisedCredentials": true. Changing her password there to another breached one (try
                     %6$s) is refused with the reason.
                  3. Sign in "from" another country: bob signs in from London, then from Changchun a minute
                     later (the demo server trusts X-Forwarded-For from localhost, as behind a reverse proxy):
                       for ip in %8$s %9$s; do
                         curl -s -o /dev/null -w "%%{http_code}\\n" -H "X-Forwarded-For: $ip" -d grant_type=password \\
                           -d client_id=%5$s -d username=bob -d "password=%2$s" \\
                           %1$s/realms/demo/protocol/openid-connect/token
                       done
                     The second event is HIGH with NEW_COUNTRY and IMPOSSIBLE_TRAVEL; in AUDIT it records what
                     ENFORCED would do (MFA_REQUIRED) and lets bob in.
                  4. Switch the realm to ENFORCED and repeat 3 or 2: bob is refused like a wrong password; carol's
                     account is locked until she resets her password with "Forgot password". Each gets a
                     notification mail, printed here, with "this was me / this wasn't me" links to open in a
                     browser (the reset mail is printed here too).
                       curl -s -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
                         -d '{"mode":"ENFORCED","ipExceptions":{"alwaysBlock":["198.51.100.0/24"]}}' \\
                         %1$s/admin/realms/demo/threat-protection/settings

                Press Ctrl-C to stop.
                """.formatted(base, TestRealm.PASSWORD, server.managementUrl(), server.logFile(), TestRealm.CLIENT,
                        BreachTestData.BREACHED, smtpPort, TestGeoData.LONDON, TestGeoData.CHANGCHUN));
        new CountDownLatch(1).await();
    }

    /** Prints each mail the SMTP sink receives: recipient, subject and text. */
    private static void printMails(GreenMail smtp) {
        int printed = 0;
        while (true) {
            try {
                MimeMessage[] received = smtp.getReceivedMessages();
                for (; printed < received.length; printed++) {
                    MimeMessage mail = received[printed];
                    System.out.println("\n----- mail to " + Arrays.toString(mail.getAllRecipients()) + ": "
                            + mail.getSubject() + "\n" + textOf(mail) + "\n-----");
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (MessagingException | IOException e) {
                System.out.println("(a mail could not be read: " + e + ")");
                printed++;
            }
        }
    }

    private static String textOf(Part part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof Multipart parts) {
            for (int i = 0; i < parts.getCount(); i++) {
                if (parts.getBodyPart(i).isMimeType("text/plain")) {
                    return (String) parts.getBodyPart(i).getContent();
                }
            }
            return textOf(parts.getBodyPart(0));
        }
        return String.valueOf(content);
    }
}
