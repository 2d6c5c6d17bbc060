package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;
import io.github.threatprotection.it.support.Totp;

/**
 * Users who had a second factor before {@code POST …/threat-protection/flows} keep being asked for it after:
 * the installed copy keeps Keycloak's own conditional 2FA, the risk-driven MFA sub-flow asks in addition and
 * never twice in one sign-in. With {@code ?riskDecidesMfa=true} the risk level alone decides, and a user with
 * OTP is not asked at LOW risk: the documented consequence of that choice.
 */
@ExtendWith(KeycloakExtension.class)
class InstalledFlowsSecondFactorIT {

    private static final String OTP_SECRET = "abcdefghij0123456789";
    private static final String OTP_FORM = "kc-otp-login-form";

    private static String baseUrl;
    /** Installed with the defaults: Keycloak's conditional 2FA kept. */
    private static TestRealm kept;
    private static JsonNode keptAnswer;
    /** Installed with {@code riskDecidesMfa=true}. */
    private static TestRealm riskDecides;
    private static JsonNode riskDecidesAnswer;
    /** Installed with the defaults, then its risk-driven MFA sub-flow disabled or moved. */
    private static TestRealm misplaced;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        baseUrl = server.baseUrl();
        AdminApi admin = new AdminApi(baseUrl);
        kept = TestRealm.createWithoutProtection(admin, "install-keeps-2fa");
        for (String username : List.of("off-otp", "audit-otp", "low-otp", "asked-once", "wrong-then-right")) {
            kept.addUser(username, TestRealm.otpCredential(OTP_SECRET));
        }
        keptAnswer = install(kept, "");
        riskDecides = TestRealm.createWithoutProtection(admin, "install-risk-decides-mfa");
        for (String username : List.of("low-otp", "asked-once")) {
            riskDecides.addUser(username, TestRealm.otpCredential(OTP_SECRET));
        }
        riskDecidesAnswer = install(riskDecides, "?riskDecidesMfa=true");
        misplaced = TestRealm.createWithoutProtection(admin, "install-risk-mfa-misplaced");
        for (String username : List.of("gate-disabled", "gate-before-step")) {
            misplaced.addUser(username, TestRealm.otpCredential(OTP_SECRET));
        }
        install(misplaced, "");
    }

    @AfterAll
    static void tearDown() {
        kept.close();
        riskDecides.close();
        misplaced.close();
    }

    private static JsonNode install(TestRealm realm, String query) {
        HttpResponse<String> installed = realm.admin().post("/" + realm.name() + "/threat-protection/flows" + query,
                null);
        assertEquals(201, installed.statusCode(), installed.body());
        return AdminApi.json(installed);
    }

    @Test
    void theAnswerSaysKeycloaksConditional2faWasKeptAndTheRiskSubFlowFollowsIt() {
        assertFalse(keptAnswer.get("riskDecidesMfa").asBoolean(), keptAnswer.toString());
        assertEquals(List.of("browser with threat protection Browser - Conditional 2FA",
                        "direct grant with threat protection Direct Grant - Conditional OTP"),
                texts(keptAnswer.get("keptSubFlows")), keptAnswer.toString());
        assertEquals(List.of(), texts(keptAnswer.get("disabledSubFlows")), keptAnswer.toString());

        List<JsonNode> forms = topLevelOfForms(kept);
        assertEquals(List.of("threat-protection-login-form", "threat-protection",
                        "browser with threat protection Browser - Conditional 2FA",
                        "browser with threat protection MFA"),
                forms.stream().map(InstalledFlowsSecondFactorIT::name).toList());
        assertEquals(conditional2fa(kept, "browser"), conditional2fa(kept, "browser with threat protection"),
                "Keycloak's 2FA sub-flow as it was, requirement and steps");
        assertEquals("CONDITIONAL", forms.get(3).get("requirement").asText());
    }

    @Test
    void withRiskDecidesMfaTheAnswerNamesTheDisabledSubFlow() {
        assertTrue(riskDecidesAnswer.get("riskDecidesMfa").asBoolean(), riskDecidesAnswer.toString());
        assertEquals(List.of("browser with threat protection Browser - Conditional 2FA"),
                texts(riskDecidesAnswer.get("disabledSubFlows")), riskDecidesAnswer.toString());
        assertEquals(List.of("direct grant with threat protection Direct Grant - Conditional OTP"),
                texts(riskDecidesAnswer.get("keptSubFlows")), riskDecidesAnswer.toString());
        assertEquals("DISABLED", topLevelOfForms(riskDecides).get(2).get("requirement").asText());
    }

    @Test
    void modeOffAsksAUserWithOtpForTheCode() {
        kept.saveSettings(Map.of("mode", "OFF"));

        signInWithCode(kept, "off-otp", "192.0.2.101");
    }

    @Test
    void auditModeAsksAUserWithOtpForTheCode() {
        kept.saveSettings(Map.of("mode", "AUDIT"));

        signInWithCode(kept, "audit-otp", "192.0.2.102");

        JsonNode event = kept.latestUserEvent(kept.userId("audit-otp"));
        assertFalse(event.at("/risk/enforced").asBoolean(), event.toString());
    }

    @Test
    void enforcedAtLowRiskAsksAUserWithOtpForTheCode() {
        kept.saveSettings(Map.of("mode", "ENFORCED"));

        signInWithCode(kept, "low-otp", "192.0.2.103");

        JsonNode event = kept.latestUserEvent(kept.userId("low-otp"));
        assertEquals("LOW", event.at("/risk/level").asText(), event.toString());
        assertEquals("NO_ACTION", event.at("/risk/action").asText(), event.toString());
        assertEquals(1, event.get("challenges").size(), "the risk level asked for nothing: " + event);
    }

    @Test
    void aLevelThatAsksForMfaAsksOnceAndTheEventRecordsTheOutcome() {
        lowRiskAsksForMfa(kept);

        signInWithCode(kept, "asked-once", "192.0.2.104");

        JsonNode event = kept.latestUserEvent(kept.userId("asked-once"));
        assertEquals("MFA_IF_CONFIGURED", event.at("/risk/action").asText(), event.toString());
        assertEquals("PASS", event.get("response").asText(), event.toString());
        assertEquals("MFA", event.at("/challenges/1/name").asText(), event.toString());
        assertEquals("SUCCESS", event.at("/challenges/1/response").asText(), event.toString());
    }

    @Test
    void aWrongCodeAskedByKeycloaksOwn2faIsRecordedOnTheEventThenTheRightOne() {
        lowRiskAsksForMfa(kept);
        Browser browser = new Browser(baseUrl, "192.0.2.105");

        Browser.Result challenge = browser.signIn(kept.name(), TestRealm.CLIENT, "wrong-then-right",
                TestRealm.PASSWORD);
        assertTrue(challenge.page().contains(OTP_FORM), challenge.page());
        Browser.Result refused = browser.submitForm(challenge.page(), OTP_FORM,
                Map.of("otp", Totp.wrongCode(OTP_SECRET)));
        assertFalse(refused.signedIn());
        JsonNode failed = kept.latestUserEvent(kept.userId("wrong-then-right"));
        assertEquals("FAIL", failed.get("response").asText(), failed.toString());
        assertEquals("FAILURE", failed.at("/challenges/1/response").asText(), failed.toString());

        Browser.Result done = browser.submitForm(refused.page(), OTP_FORM, Map.of("otp", Totp.code(OTP_SECRET, 0)));
        assertTrue(done.signedIn(), "one right code is enough: " + done);
        JsonNode passed = kept.latestUserEvent(kept.userId("wrong-then-right"));
        assertEquals("PASS", passed.get("response").asText(), passed.toString());
        assertEquals("SUCCESS", passed.at("/challenges/1/response").asText(), passed.toString());
    }

    @Test
    void withRiskDecidesMfaAUserWithOtpIsNotAskedAtLowRisk() {
        riskDecides.saveSettings(Map.of("mode", "ENFORCED"));

        Browser.Result result = new Browser(baseUrl, "192.0.2.106").signIn(riskDecides.name(), TestRealm.CLIENT,
                "low-otp", TestRealm.PASSWORD);

        assertTrue(result.signedIn(), "the password alone signs in at LOW: " + result);
        assertEquals("NO_ACTION", riskDecides.latestUserEvent(riskDecides.userId("low-otp"))
                .at("/risk/action").asText());
    }

    @Test
    void withRiskDecidesMfaALevelThatAsksForMfaAsksOnce() {
        lowRiskAsksForMfa(riskDecides);

        signInWithCode(riskDecides, "asked-once", "192.0.2.107");

        JsonNode event = riskDecides.latestUserEvent(riskDecides.userId("asked-once"));
        assertEquals("SUCCESS", event.at("/challenges/1/response").asText(), event.toString());
    }

    @Test
    void aRiskMfaSubFlowThatCannotAskAfterTheStepBlocksInsteadOfRecordingAnUnaskedSuccess() {
        lowRiskAsksForMfa(misplaced);
        String gateAlias = "browser with threat protection MFA";
        JsonNode gate = topLevelOfForms(misplaced).stream()
                .filter(execution -> execution.get("displayName").asText().equals(gateAlias)).findFirst()
                .orElseThrow();

        AdminApi.ok(misplaced.admin().put("/" + misplaced.name() + "/authentication/flows/"
                + AdminApi.encode("browser with threat protection") + "/executions",
                ((ObjectNode) gate.deepCopy()).put("requirement", "DISABLED")));
        assertBlockedAsMfaNotPossible("gate-disabled", "192.0.2.108");

        AdminApi.ok(misplaced.admin().put("/" + misplaced.name() + "/authentication/flows/"
                + AdminApi.encode("browser with threat protection") + "/executions",
                ((ObjectNode) gate.deepCopy()).put("requirement", "CONDITIONAL")));
        for (int raised = 0; raised < 2; raised++) {
            AdminApi.ok(misplaced.admin().post("/" + misplaced.name() + "/authentication/executions/"
                    + gate.get("id").asText() + "/raise-priority", null));
        }
        assertEquals(List.of("threat-protection-login-form", gateAlias, "threat-protection",
                        "browser with threat protection Browser - Conditional 2FA"),
                topLevelOfForms(misplaced).stream().map(InstalledFlowsSecondFactorIT::name).toList());
        // decided before the threat-protection step has run: it could never ask
        assertBlockedAsMfaNotPossible("gate-before-step", "192.0.2.109");
    }

    private static void assertBlockedAsMfaNotPossible(String username, String address) {
        Browser.Result result = new Browser(baseUrl, address).signIn(misplaced.name(), TestRealm.CLIENT, username,
                TestRealm.PASSWORD);
        assertFalse(result.signedIn(), result.toString());
        assertTrue(result.page().contains("Invalid username or password."), result.page());
        JsonNode event = misplaced.latestUserEvent(misplaced.userId(username));
        assertEquals("FAIL", event.get("response").asText(), event.toString());
        assertTrue(event.at("/risk/reasons").findValuesAsText("signal").contains("MFA_NOT_POSSIBLE_IN_FLOW"),
                event.toString());
    }

    /**
     * Signs in with the password, expects the OTP form, enters the right code once and expects to be signed in
     * then: a second OTP form would be the same factor asked twice.
     */
    private static void signInWithCode(TestRealm realm, String username, String address) {
        Browser browser = new Browser(baseUrl, address);
        Browser.Result challenge = browser.signIn(realm.name(), TestRealm.CLIENT, username, TestRealm.PASSWORD);
        assertFalse(challenge.signedIn(), "the password alone must not sign in a user with OTP");
        assertTrue(challenge.page().contains(OTP_FORM), challenge.page());
        Browser.Result done = browser.submitForm(challenge.page(), OTP_FORM, Map.of("otp", Totp.code(OTP_SECRET, 0)));
        assertTrue(done.signedIn(), "asked once, signed in with the right code: " + done);
    }

    private static void lowRiskAsksForMfa(TestRealm realm) {
        ObjectNode settings = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        settings.putObject("accountTakeover").putObject("low").put("action", "MFA_IF_CONFIGURED");
        realm.saveSettings(settings);
    }

    /** The executions directly inside the browser copy's forms sub-flow, in order. */
    private static List<JsonNode> topLevelOfForms(TestRealm realm) {
        List<JsonNode> inside = new ArrayList<>();
        boolean inForms = false;
        for (JsonNode execution : realm.executions("browser with threat protection")) {
            int level = execution.get("level").asInt();
            if (level == 0) {
                inForms = execution.get("displayName").asText().equals("browser with threat protection forms");
            } else if (inForms && level == 1) {
                inside.add(execution);
            }
        }
        return inside;
    }

    /** A flow's "Browser - Conditional 2FA" sub-flow and what is in it: requirements and providers, in order. */
    private static List<String> conditional2fa(TestRealm realm, String flowAlias) {
        List<String> found = new ArrayList<>();
        int level = -1;
        for (JsonNode execution : realm.executions(flowAlias)) {
            int depth = execution.get("level").asInt();
            if (level >= 0 && depth <= level) {
                break;
            }
            if (level >= 0) {
                found.add(name(execution) + " " + execution.get("requirement").asText());
            } else if (execution.get("displayName").asText().endsWith("Browser - Conditional 2FA")) {
                level = depth;
                found.add("the sub-flow " + execution.get("requirement").asText());
            }
        }
        return found;
    }

    private static String name(JsonNode execution) {
        return execution.has("providerId") ? execution.get("providerId").asText()
                : execution.get("displayName").asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(text -> texts.add(text.asText()));
        return texts;
    }
}
