package io.github.threatprotection.it.support;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A realm made for one test class: two public clients, users whose password is {@link #PASSWORD}, the
 * {@code threat-protection} step installed in copies of the browser and direct-grant flows through Keycloak's
 * own REST API (as docs/install.md tells operators to), user events on, and {@code sslRequired: none} so tests can
 * present public client addresses over plain HTTP.
 */
public final class TestRealm implements AutoCloseable {

    public static final String PASSWORD = "correct horse battery staple";
    public static final String CLIENT = "test-app";
    public static final String OTHER_CLIENT = "other-app";

    private static final Set<String> PASSWORD_STEPS =
            Set.of("auth-username-password-form", "auth-password-form", "direct-grant-validate-password");

    private final AdminApi admin;
    private final String name;

    private TestRealm(AdminApi admin, String name) {
        this.admin = admin;
        this.name = name;
    }

    public static TestRealm create(AdminApi admin, String name, String... usernames) {
        TestRealm realm = createWithoutProtection(admin, name, usernames);
        realm.protect("browser", "browserFlow");
        realm.protect("direct grant", "directGrantFlow");
        return realm;
    }

    /** The realm and its users, with Keycloak's own flows. */
    public static TestRealm createWithoutProtection(AdminApi admin, String name, String... usernames) {
        ObjectNode realm = AdminApi.JSON.createObjectNode()
                .put("realm", name)
                .put("enabled", true)
                .put("sslRequired", "none")
                .put("eventsEnabled", true);
        ArrayNode clients = realm.putArray("clients");
        for (String clientId : List.of(CLIENT, OTHER_CLIENT)) {
            ObjectNode client = clients.addObject()
                    .put("clientId", clientId)
                    .put("publicClient", true)
                    .put("standardFlowEnabled", true)
                    .put("directAccessGrantsEnabled", true);
            client.putArray("redirectUris").add("http://localhost/*");
        }
        AdminApi.ok(admin.post("", realm));
        TestRealm testRealm = new TestRealm(admin, name);
        for (String username : usernames) {
            testRealm.addUser(username);
        }
        return testRealm;
    }

    public String name() {
        return name;
    }

    public AdminApi admin() {
        return admin;
    }

    /** A user with {@link #PASSWORD} and any further credentials given (e.g. an OTP credential). */
    public String addUser(String username, ObjectNode... moreCredentials) {
        ObjectNode user = AdminApi.JSON.createObjectNode()
                .put("username", username)
                .put("enabled", true)
                .put("email", username + "@example.org")
                .put("emailVerified", true)
                .put("firstName", "Test")
                .put("lastName", username);
        ArrayNode credentials = user.putArray("credentials");
        credentials.addObject()
                .put("type", "password")
                .put("value", PASSWORD)
                .put("temporary", false);
        for (ObjectNode credential : moreCredentials) {
            credentials.add(credential);
        }
        HttpResponse<String> created = admin.post("/" + name + "/users", user);
        AdminApi.ok(created);
        return userId(username);
    }

    /** An OTP credential (TOTP, HMAC-SHA1, 30 s, 6 digits) with a secret the test knows, for {@link #addUser}. */
    public static ObjectNode otpCredential(String secret) {
        return AdminApi.JSON.createObjectNode()
                .put("type", "otp")
                .put("userLabel", "test authenticator")
                .put("secretData", "{\"value\":\"" + secret + "\"}")
                .put("credentialData", "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,"
                        + "\"period\":30,\"algorithm\":\"HmacSHA1\"}");
    }

    /** Sets a user's password as an admin would; the answer shows whether the password policy allowed it. */
    public HttpResponse<String> resetPassword(String userId, String password) {
        return admin.put("/" + name + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false));
    }

    /** Changes realm attributes, e.g. {@code smtpServer} or {@code passwordPolicy}. */
    public void update(Map<String, Object> changes) {
        AdminApi.ok(admin.put("/" + name, changes));
    }

    public String userId(String username) {
        JsonNode users = AdminApi.ok(admin.get("/" + name + "/users?exact=true&username="
                + AdminApi.encode(username)));
        if (users.isEmpty()) {
            throw new AssertionError("no user " + username + " in realm " + name);
        }
        return users.get(0).get("id").asText();
    }

    /** Copies a built-in flow (those are read-only), adds the step to the copy and binds the copy to the realm. */
    private void protect(String builtInFlow, String realmBinding) {
        String copy = builtInFlow + " with threat protection";
        AdminApi.ok(admin.post("/" + name + "/authentication/flows/" + AdminApi.encode(builtInFlow) + "/copy",
                Map.of("newName", copy)));
        installThreatProtectionStep(copy);
        AdminApi.ok(admin.put("/" + name, Map.of(realmBinding, copy)));
    }

    /**
     * Adds {@code threat-protection} to a flow right after its password step, as REQUIRED: the same REST calls
     * an operator makes.
     */
    public void installThreatProtectionStep(String flowAlias) {
        String flows = "/" + name + "/authentication/flows/";
        String passwordStepFlow = flowAlias;
        for (JsonNode execution : executions(flowAlias)) {
            if (PASSWORD_STEPS.contains(execution.path("providerId").asText()) && execution.path("level").asInt() > 0) {
                passwordStepFlow = parentFlowAlias(flowAlias, execution);
            }
        }
        AdminApi.ok(admin.post(flows + AdminApi.encode(passwordStepFlow) + "/executions/execution",
                Map.of("provider", "threat-protection")));
        JsonNode added = find(flowAlias, "threat-protection");
        ObjectNode update = ((ObjectNode) added.deepCopy()).put("requirement", "REQUIRED");
        AdminApi.ok(admin.put(flows + AdminApi.encode(flowAlias) + "/executions", update));
        while (true) {
            List<JsonNode> all = executions(flowAlias);
            int index = indexOf(all, "threat-protection");
            JsonNode previous = previousSibling(all, index);
            if (previous == null || PASSWORD_STEPS.contains(previous.path("providerId").asText())) {
                return;
            }
            AdminApi.ok(admin.post("/" + name + "/authentication/executions/" + all.get(index).get("id").asText()
                    + "/raise-priority", null));
        }
    }

    /**
     * Adds {@code threat-protection-throttle} first in a direct-grant flow, as REQUIRED, as {@code POST …/flows}
     * places it: the same REST calls an operator makes.
     */
    public void installThrottleStep(String directGrantFlow) {
        String flows = "/" + name + "/authentication/flows/";
        AdminApi.ok(admin.post(flows + AdminApi.encode(directGrantFlow) + "/executions/execution",
                Map.of("provider", "threat-protection-throttle")));
        JsonNode step = find(directGrantFlow, "threat-protection-throttle");
        AdminApi.ok(admin.put(flows + AdminApi.encode(directGrantFlow) + "/executions",
                ((ObjectNode) step.deepCopy()).put("requirement", "REQUIRED")));
        while (!"threat-protection-throttle".equals(executions(directGrantFlow).get(0).path("providerId").asText())) {
            AdminApi.ok(admin.post("/" + name + "/authentication/executions/" + step.get("id").asText()
                    + "/raise-priority", null));
        }
    }

    /**
     * Adds the client profile and policy that run the refresh-grant check, through Keycloak's client-policies
     * REST API: the manual steps of docs/install.md, for realms whose flows were not installed by
     * {@code POST …/flows}.
     */
    public void installTokenRefreshPolicy() {
        String base = "/" + name + "/client-policies/";
        ObjectNode profiles = (ObjectNode) AdminApi.ok(admin.get(base + "profiles"));
        profiles.remove("globalProfiles");
        ObjectNode profile = profiles.withArray("profiles").addObject().put("name", "threat-protection");
        profile.putArray("executors").addObject().put("executor", "threat-protection-token-refresh")
                .putObject("configuration");
        AdminApi.ok(admin.put(base + "profiles", profiles));
        ObjectNode policies = (ObjectNode) AdminApi.ok(admin.get(base + "policies"));
        policies.remove("globalPolicies");
        ObjectNode policy = policies.withArray("policies").addObject()
                .put("name", "threat-protection").put("enabled", true);
        policy.putArray("conditions").addObject().put("condition", "any-client").putObject("configuration");
        policy.putArray("profiles").add("threat-protection");
        AdminApi.ok(admin.put(base + "policies", policies));
    }

    /**
     * Puts the SSO sign-in check after Cookie through the admin REST API, as docs/install.md describes for flows
     * not installed by {@code POST …/flows}: an ALTERNATIVE sub-flow at the top of the browser flow holding Cookie
     * and the check, both REQUIRED, and the flow's own Cookie step disabled.
     */
    public void installSsoSignInCheck() {
        String flows = "/" + name + "/authentication/flows/";
        String subFlow = name + " sso sign-in";
        AdminApi.ok(admin.post(flows + AdminApi.encode(BROWSER_FLOW) + "/executions/flow", Map.of("alias", subFlow,
                "type", "basic-flow", "description", "SSO sign-ins checked", "provider", "registration-page-form")));
        for (String provider : List.of("auth-cookie", "threat-protection-sso")) {
            AdminApi.ok(admin.post(flows + AdminApi.encode(subFlow) + "/executions/execution",
                    Map.of("provider", provider)));
            setRequirement(findIn(subFlow, provider), "REQUIRED");
        }
        while (true) {
            List<JsonNode> all = executions(BROWSER_FLOW);
            int index = 0;
            while (!all.get(index).path("displayName").asText().equals(subFlow)) {
                index++;
            }
            if (previousSibling(all, index) == null) {
                setRequirement(all.get(index), "ALTERNATIVE");
                break;
            }
            AdminApi.ok(admin.post("/" + name + "/authentication/executions/" + all.get(index).get("id").asText()
                    + "/raise-priority", null));
        }
        for (JsonNode execution : executions(BROWSER_FLOW)) {
            if (execution.path("level").asInt() == 0 && "auth-cookie".equals(execution.path("providerId").asText())) {
                setRequirement(execution, "DISABLED");
            }
        }
    }

    /** The flow that handles browser sign-ins in test realms. */
    public static final String BROWSER_FLOW = "browser with threat protection";

    /**
     * Adds the risk-driven MFA sub-flow after the threat-protection step: a CONDITIONAL sub-flow with
     * "Condition - risk requires MFA" and OTP Form, both REQUIRED. Keycloak's own conditional 2FA sub-flow is
     * disabled, so OTP is asked for only when the risk level says so.
     */
    public void installRiskBasedMfa() {
        String flows = "/" + name + "/authentication/flows/";
        String forms = BROWSER_FLOW + " forms";
        String subFlow = name + " threat protection MFA";
        for (JsonNode execution : executions(BROWSER_FLOW)) {
            if (execution.path("displayName").asText().endsWith("Conditional 2FA")) {
                setRequirement(execution, "DISABLED");
            }
        }
        AdminApi.ok(admin.post(flows + AdminApi.encode(forms) + "/executions/flow", Map.of("alias", subFlow,
                "type", "basic-flow", "description", "second factor when the risk level asks for it",
                "provider", "registration-page-form")));
        for (JsonNode execution : executions(BROWSER_FLOW)) {
            if (execution.path("displayName").asText().equals(subFlow)) {
                setRequirement(execution, "CONDITIONAL");
            }
        }
        for (String provider : List.of("threat-protection-mfa-condition", "auth-otp-form")) {
            AdminApi.ok(admin.post(flows + AdminApi.encode(subFlow) + "/executions/execution",
                    Map.of("provider", provider)));
            setRequirement(findIn(subFlow, provider), "REQUIRED");
        }
    }

    private void setRequirement(JsonNode execution, String requirement) {
        ObjectNode update = ((ObjectNode) execution.deepCopy()).put("requirement", requirement);
        AdminApi.ok(admin.put("/" + name + "/authentication/flows/" + AdminApi.encode(BROWSER_FLOW)
                + "/executions", update));
    }

    /** The execution of a provider inside the named sub-flow of the browser flow. */
    private JsonNode findIn(String subFlow, String providerId) {
        boolean inside = false;
        int level = -1;
        for (JsonNode execution : executions(BROWSER_FLOW)) {
            if (inside && execution.path("level").asInt() <= level) {
                break;
            }
            if (inside && providerId.equals(execution.path("providerId").asText())) {
                return execution;
            }
            if (execution.path("displayName").asText().equals(subFlow)) {
                inside = true;
                level = execution.path("level").asInt();
            }
        }
        throw new AssertionError("no execution " + providerId + " in " + subFlow);
    }

    public List<JsonNode> executions(String flowAlias) {
        List<JsonNode> list = new ArrayList<>();
        AdminApi.ok(admin.get("/" + name + "/authentication/flows/" + AdminApi.encode(flowAlias) + "/executions"))
                .forEach(list::add);
        return list;
    }

    private JsonNode find(String flowAlias, String providerId) {
        List<JsonNode> all = executions(flowAlias);
        return all.get(indexOf(all, providerId));
    }

    private static int indexOf(List<JsonNode> executions, String providerId) {
        for (int i = 0; i < executions.size(); i++) {
            if (providerId.equals(executions.get(i).path("providerId").asText())) {
                return i;
            }
        }
        throw new AssertionError("no execution " + providerId);
    }

    /** The execution before this one at the same level of the same sub-flow, or null. */
    private static JsonNode previousSibling(List<JsonNode> executions, int index) {
        int level = executions.get(index).get("level").asInt();
        for (int i = index - 1; i >= 0; i--) {
            int other = executions.get(i).get("level").asInt();
            if (other < level) {
                return null;
            }
            if (other == level) {
                return executions.get(i);
            }
        }
        return null;
    }

    /** The display name of the sub-flow holding an execution, which is also its alias for built-in flows. */
    private String parentFlowAlias(String flowAlias, JsonNode execution) {
        List<JsonNode> all = executions(flowAlias);
        int level = execution.get("level").asInt();
        for (int i = all.indexOf(execution); i >= 0; i--) {
            if (all.get(i).get("level").asInt() == level - 1 && all.get(i).path("authenticationFlow").asBoolean()) {
                return all.get(i).get("displayName").asText();
            }
        }
        return flowAlias;
    }

    /** Keycloak's own count of the user's failed password checks (brute-force detection). */
    public int bruteForceFailures(String userId) {
        return AdminApi.ok(admin.get("/" + name + "/attack-detection/brute-force/users/" + userId))
                .get("numFailures").asInt();
    }

    /** The user's required actions, as the user's page in the admin console lists them. */
    public List<String> requiredActions(String userId) {
        List<String> actions = new ArrayList<>();
        AdminApi.ok(admin.get("/" + name + "/users/" + userId)).path("requiredActions")
                .forEach(action -> actions.add(action.asText()));
        return actions;
    }

    public JsonNode settings() {
        return AdminApi.ok(admin.get("/" + name + "/threat-protection/settings"));
    }

    public HttpResponse<String> putSettings(Object document) {
        return admin.put("/" + name + "/threat-protection/settings", document);
    }

    public JsonNode saveSettings(Object document) {
        return AdminApi.ok(putSettings(document));
    }

    public JsonNode userEvents(String userId) {
        return AdminApi.ok(admin.get("/" + name + "/threat-protection/users/" + userId + "/events"));
    }

    public JsonNode latestUserEvent(String userId) {
        JsonNode events = userEvents(userId);
        if (events.isEmpty()) {
            throw new AssertionError("no risk events for user " + userId);
        }
        return events.get(0);
    }

    public JsonNode searchEvents(String query) {
        return AdminApi.ok(admin.get("/" + name + "/threat-protection/events" + (query.isEmpty() ? "" : "?" + query)));
    }

    /** Keycloak's own user events of a type, newest first. */
    public JsonNode keycloakEvents(String type) {
        return AdminApi.ok(admin.get("/" + name + "/events?type=" + type));
    }

    /**
     * The newest of Keycloak's user events of a type, once there is one: account locks after a breached
     * password are made after the sign-in's answer.
     */
    public JsonNode awaitKeycloakEvent(String type) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode events = keycloakEvents(type);
        while (events.isEmpty() && System.nanoTime() < giveUp) {
            Thread.sleep(50);
            events = keycloakEvents(type);
        }
        assertFalse(events.isEmpty(), "no " + type + " event within 10 s");
        return events.get(0);
    }

    /**
     * The status of a refresh with the token, asked again for up to 10 s while it still succeeds: for sessions
     * ended after the answer, in a transaction of the server's own, whose event can be seen before the session
     * cache has let go of the session.
     */
    public int refreshStatusOnceEnded(String refreshToken) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = admin.refreshGrantResponse(name, CLIENT, refreshToken).statusCode();
        while (status == 200 && System.nanoTime() < giveUp) {
            Thread.sleep(50);
            status = admin.refreshGrantResponse(name, CLIENT, refreshToken).statusCode();
        }
        return status;
    }

    @Override
    public void close() {
        admin.delete("/" + name);
    }
}
