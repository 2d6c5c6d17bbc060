package io.github.threatprotection.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The README's run command ({@code mvn -Pdemo package}): Keycloak with the extension on its embedded H2
 * database, started the way the tests start it, with a {@code demo} realm whose browser and direct-grant flows
 * are protected in AUDIT mode. Runs until Ctrl-C.
 */
public final class DemoServer {

    private DemoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("demo.port", 8080);
        int managementPort = Integer.getInteger("demo.management-port", 9000);
        Path work = Path.of(KeycloakExtension.required("keycloak.work")).resolveSibling("keycloak-demo");
        Path jar = Path.of(KeycloakExtension.required("threatprotection.jar"));
        System.out.println("Building a small breach corpus with the JAR's 'corpus build' command ...");
        Path corpus = BreachTestData.buildCorpus(jar, work.resolve("breach"));
        List<String> options = new ArrayList<>(KeycloakExtension.SERVER_OPTIONS);
        options.add("--spi-threat-protection--default--breach-corpus=" + corpus);
        System.out.println("Starting Keycloak on port " + port + " (log: " + work.resolve("keycloak.log") + ") ...");
        DistributionKeycloakServer server = DistributionKeycloakServer.start(
                Path.of(KeycloakExtension.required("keycloak.dist")), jar, work, options, port, managementPort);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-keycloak"));

        AdminApi admin = new AdminApi(server.baseUrl());
        TestRealm demo = TestRealm.create(admin, "demo", "alice", "bob", "carol");
        AdminApi.ok(demo.resetPassword(demo.userId("carol"), BreachTestData.BREACHED));
        demo.update(Map.of("passwordPolicy", "notCompromised(1)"));
        demo.saveSettings(Map.of(
                "mode", "AUDIT",
                "ipExceptions", Map.of("alwaysBlock", List.of("198.51.100.0/24"))));

        String base = server.baseUrl();
        System.out.println("""

                Keycloak with threat protection is running.

                  Admin console      %1$s/admin            admin / admin
                  Demo realm         %1$s/realms/demo/account   alice or bob / %2$s
                                     carol / %6$s  (a password in the demo's breach corpus)
                  Metrics, health    %3$s/metrics  %3$s/health
                  Server log         %4$s

                Things to try:
                  1. Sign in to the account console as alice, then read her risk events (needs an admin token):
                       TOKEN=$(curl -s -d grant_type=password -d client_id=admin-cli -d username=admin \\
                         -d password=admin %1$s/realms/master/protocol/openid-connect/token | jq -r .access_token)
                       curl -s -H "Authorization: Bearer $TOKEN" %1$s/admin/realms/demo/threat-protection/events | jq
                  2. Sign in "from" an always-blocked address (AUDIT records the block but lets the user in):
                       curl -s -H "X-Forwarded-For: 198.51.100.7" -d grant_type=password -d client_id=%5$s \\
                         -d username=bob -d "password=%2$s" %1$s/realms/demo/protocol/openid-connect/token
                  3. Sign in to the account console as carol: AUDIT records her breached password
                     ("compromisedCredentials": true in her event); changing her password there to another breached
                     one (try %6$s) is refused with the reason.
                  4. Switch the realm to ENFORCED and repeat 2: the answer is the same as for a wrong password.
                     Carol's next sign-in then fails too, and locks her account until she resets her password
                     through "Forgot password" (the demo has no SMTP server; an admin can reset it instead).
                       curl -s -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
                         -d '{"mode":"ENFORCED","ipExceptions":{"alwaysBlock":["198.51.100.0/24"]}}' \\
                         %1$s/admin/realms/demo/threat-protection/settings

                Press Ctrl-C to stop.
                """.formatted(base, TestRealm.PASSWORD, server.managementUrl(), server.logFile(), TestRealm.CLIENT,
                        BreachTestData.BREACHED));
        new CountDownLatch(1).await();
    }
}
