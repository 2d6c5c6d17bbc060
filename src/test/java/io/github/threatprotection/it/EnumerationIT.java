package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a caller can learn from a failed sign-in: an unknown user, a wrong password, a blocked address, a block
 * by risk level and an account locked for its breached password answer alike, through the direct grant and the
 * browser form (SignInProtectionIT compares a wrong password with an IP block; this adds the other three). The
 * time each answer takes is measured over {@value #TRIES} tries and printed for docs/reliability.md, never
 * asserted.
 */
@ExtendWith(KeycloakExtension.class)
class EnumerationIT {

    private static final int TRIES = 200;
    private static final String BLOCKED_NETWORK = "198.51.100.0/24";
    private static final String NEUTRAL = "192.0.2.160";

    /** username, password, client, address of each kind of failure. */
    private record Attempt(String username, String password, String client, String address) {
    }

    private static final Map<String, Attempt> ATTEMPTS = new LinkedHashMap<>();

    private static String baseUrl;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        realm = TestRealm.create(new AdminApi(baseUrl), "enumeration", "known", "risky", "locked", "from-blocked");
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        settings.putObject("compromisedCredentials").put("action", "BLOCK");
        settings.putObject("ipExceptions").putArray("alwaysBlock").add(BLOCKED_NETWORK);
        ObjectNode everyLevelBlocks = settings.putObject("clients").putObject(TestRealm.OTHER_CLIENT)
                .putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            everyLevelBlocks.putObject(level).put("action", "BLOCK");
        }
        realm.saveSettings(settings);
        assertEquals(200, grant(new Attempt("risky", TestRealm.PASSWORD, TestRealm.CLIENT, NEUTRAL)).statusCode(),
                "through the other client the user gets in: below, the block is the risk level's");
        // A sign-in with the breached password locks the account; from then on even that password fails.
        AdminApi.ok(realm.resetPassword(realm.userId("locked"), BreachTestData.BREACHED));
        assertEquals(400, grant(new Attempt("locked", BreachTestData.BREACHED, TestRealm.CLIENT, NEUTRAL))
                .statusCode());
        assertTrue(realm.latestUserEvent(realm.userId("locked")).at("/risk/compromisedCredentials").asBoolean());

        ATTEMPTS.put("wrong password", new Attempt("known", "not the password", TestRealm.CLIENT, NEUTRAL));
        ATTEMPTS.put("unknown user", new Attempt("nobody-here", TestRealm.PASSWORD, TestRealm.CLIENT, NEUTRAL));
        ATTEMPTS.put("blocked IP", new Attempt("from-blocked", TestRealm.PASSWORD, TestRealm.CLIENT,
                "198.51.100.7"));
        ATTEMPTS.put("blocked risk", new Attempt("risky", TestRealm.PASSWORD, TestRealm.OTHER_CLIENT, NEUTRAL));
        ATTEMPTS.put("locked (reset required)", new Attempt("locked", BreachTestData.BREACHED, TestRealm.CLIENT,
                NEUTRAL));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @Test
    void everyFailureAnswersTheDirectGrantAlike() {
        HttpResponse<String> reference = grant(ATTEMPTS.get("wrong password"));
        assertEquals(400, reference.statusCode());
        ATTEMPTS.forEach((kind, attempt) -> {
            HttpResponse<String> answer = grant(attempt);
            assertEquals(reference.statusCode(), answer.statusCode(), kind);
            assertEquals(reference.body(), answer.body(), kind);
        });
    }

    @Test
    void everyFailureShowsTheBrowserTheSamePage() {
        Attempt wrong = ATTEMPTS.get("wrong password");
        Browser.Result reference = browser(wrong);
        assertFalse(reference.signedIn());
        assertTrue(reference.page().contains("Invalid username or password."), reference.page());
        ATTEMPTS.forEach((kind, attempt) -> {
            Browser.Result answer = browser(attempt);
            assertFalse(answer.signedIn(), kind);
            assertEquals(reference.status(), answer.status(), kind);
            assertEquals(normalised(reference.page(), wrong.username()), normalised(answer.page(), attempt.username()),
                    kind);
        });
    }

    @Test
    void timeToAnswerIsMeasuredForTheReport() {
        List<String> kinds = List.copyOf(ATTEMPTS.keySet());
        double[][] millis = new double[kinds.size()][TRIES];
        // One warm-up round, then the kinds take turns, so drift on a shared machine hits them all alike.
        ATTEMPTS.values().forEach(EnumerationIT::grant);
        for (int i = 0; i < TRIES; i++) {
            for (int k = 0; k < kinds.size(); k++) {
                long started = System.nanoTime();
                assertEquals(400, grant(ATTEMPTS.get(kinds.get(k))).statusCode(), kinds.get(k));
                millis[k][i] = (System.nanoTime() - started) / 1e6;
            }
        }
        StringBuilder report = new StringBuilder("[enumeration] direct grant, " + TRIES + " tries each, ms:");
        double reference = 0;
        for (int k = 0; k < kinds.size(); k++) {
            double[] sorted = millis[k].clone();
            Arrays.sort(sorted);
            double median = sorted[TRIES / 2];
            if (k == 0) {
                reference = median;
            }
            report.append(String.format("%n  %-24s median %6.2f  mean %6.2f  p90 %6.2f  median vs wrong password %+6.2f",
                    kinds.get(k), median, Arrays.stream(sorted).average().orElseThrow(), sorted[TRIES * 9 / 10],
                    median - reference));
        }
        System.out.println(report);
    }

    private static HttpResponse<String> grant(Attempt attempt) {
        return realm.admin().passwordGrantResponse(realm.name(), attempt.client(), attempt.username(),
                attempt.password(), "X-Forwarded-For", attempt.address());
    }

    private static Browser.Result browser(Attempt attempt) {
        return new Browser(baseUrl, attempt.address()).signIn(realm.name(), attempt.client(), attempt.username(),
                attempt.password());
    }

    /** Blanks per-request values, the username echoed into the form, and the client's own id in URLs. */
    private static String normalised(String page, String username) {
        return page.replaceAll("(session_code|tab_id|client_data|client_id)=[^&\"]+", "$1=…")
                .replaceAll("nonce=\"[^\"]*\"", "nonce=\"…\"")
                .replaceAll("checkAuthSession\\(\\s*\"[^\"]*\"", "checkAuthSession(\"…\"")
                .replace("value=\"" + username + "\"", "value=\"…\"");
    }
}
