package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.TestRealm;

@ExtendWith(KeycloakExtension.class)
class CognitoImportIT {

    /** Shaped like the AWS CLI's output for an app client; the values are made up. */
    private static final String APP_CLIENT_CONFIGURATION = """
            {"AdvancedSecurityMode": "AUDIT",
             "RiskConfiguration": {
              "UserPoolId": "eu-west-1_Example1",
              "ClientId": "%s",
              "CompromisedCredentialsRiskConfiguration": {"EventFilter": ["SIGN_IN"],
                                                          "Actions": {"EventAction": "BLOCK"}},
              "AccountTakeoverRiskConfiguration": {
                "NotifyConfiguration": {
                  "From": "security@example.com",
                  "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
                  "BlockEmail": {"Subject": "We blocked a sign-in", "TextBody": "{username} from {ip-address}"}},
                "Actions": {
                  "LowAction": {"Notify": false, "EventAction": "NO_ACTION"},
                  "MediumAction": {"Notify": true, "EventAction": "MFA_REQUIRED"},
                  "HighAction": {"Notify": true, "EventAction": "BLOCK"}}},
              "RiskExceptionConfiguration": {"BlockedIPRangeList": ["%s"]},
              "LastModifiedDate": "2026-10-01T09:30:00.123000+00:00"}}
            """;

    private static AdminApi admin;
    private static TestRealm realm;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        admin = new AdminApi(server.baseUrl());
        realm = TestRealm.create(admin, "cognito-import");
    }

    @AfterAll
    static void tearDown() {
        realm.close();
    }

    @BeforeEach
    void startFromOff() {
        realm.saveSettings(Map.of("mode", "OFF", "clients", Map.of()));
    }

    private HttpResponse<String> importCognito(String query, String body) {
        return admin.post("/" + realm.name() + "/threat-protection/settings/cognito" + query, body);
    }

    @Test
    void aDryRunAnswersTheConversionAndSavesNothing() {
        JsonNode before = realm.settings();

        JsonNode result = AdminApi.ok(importCognito("?dryRun=true",
                APP_CLIENT_CONFIGURATION.formatted(TestRealm.CLIENT, "198.51.100.0/24")));

        JsonNode override = result.at("/settings/clients/" + TestRealm.CLIENT);
        assertEquals("BLOCK", override.at("/accountTakeover/high/action").asText(), result.toString());
        assertEquals("We blocked a sign-in", override.at("/notification/blockEmail/subject").asText());
        assertEquals("198.51.100.0/24", override.at("/ipExceptions/alwaysBlock/0").asText());
        assertEquals("AUDIT", result.at("/settings/mode").asText());
        assertEquals(List.of("RiskConfiguration.AccountTakeoverRiskConfiguration.NotifyConfiguration.SourceArn"),
                fields(result.get("unmapped")), result.toString());
        assertEquals(before, realm.settings());
    }

    @Test
    void anImportIsSavedAndSignInsThroughTheClientUseIt() {
        JsonNode result = AdminApi.ok(importCognito("",
                APP_CLIENT_CONFIGURATION.formatted(TestRealm.CLIENT, "198.51.100.0/24")));

        JsonNode saved = realm.settings();
        assertEquals(result.get("settings"), saved);
        assertEquals("AUDIT", saved.get("mode").asText());
        assertEquals("MFA_REQUIRED", saved.at("/accountTakeover/high/action").asText(),
                "the app client's levels go to its override, not to the realm");
        assertEquals("BLOCK", saved.at("/clients/" + TestRealm.CLIENT + "/accountTakeover/high/action").asText());
    }

    @Test
    void invalidInputIsRefusedByCognitoFieldAndTheOldSettingsStay() {
        realm.saveSettings(Map.of("mode", "AUDIT"));
        JsonNode before = realm.settings();

        HttpResponse<String> badRange = importCognito("",
                APP_CLIENT_CONFIGURATION.formatted(TestRealm.CLIENT, "198.51.100.7/24"));
        assertEquals(400, badRange.statusCode(), badRange.body());
        assertEquals("RiskConfiguration.RiskExceptionConfiguration.BlockedIPRangeList[0]",
                AdminApi.json(badRange).at("/errors/0/field").asText(), badRange.body());

        HttpResponse<String> unknownClient = importCognito("",
                APP_CLIENT_CONFIGURATION.formatted("6abcdefghijklmnopq1234567", "198.51.100.0/24"));
        assertEquals(400, unknownClient.statusCode(), unknownClient.body());
        assertEquals("RiskConfiguration.ClientId", AdminApi.json(unknownClient).at("/errors/0/field").asText());

        HttpResponse<String> badFlag = importCognito("?dryRun=yes",
                APP_CLIENT_CONFIGURATION.formatted(TestRealm.CLIENT, "198.51.100.0/24"));
        assertEquals(400, badFlag.statusCode());
        assertEquals("dryRun", AdminApi.json(badFlag).at("/errors/0/field").asText());

        assertEquals(before, realm.settings());
    }

    @Test
    void anEnforcedImportSaysWhatTheRealmLacks() {
        String enforced = APP_CLIENT_CONFIGURATION.formatted(TestRealm.CLIENT, "198.51.100.0/24")
                .replace("\"AdvancedSecurityMode\": \"AUDIT\"", "\"AdvancedSecurityMode\": \"ENFORCED\"");
        JsonNode dryRun = AdminApi.ok(importCognito("?dryRun=true", enforced));
        JsonNode saved = AdminApi.ok(importCognito("", enforced));
        for (JsonNode result : List.of(dryRun, saved)) {
            List<String> codes = StreamSupport.stream(result.get("warnings").spliterator(), false)
                    .map(warning -> warning.get("code").asText()).toList();
            assertEquals(List.of("NO_SMTP_SERVER", "FORGOT_PASSWORD_OFF"), codes, result.toString());
        }
        assertEquals(0, AdminApi.ok(importCognito("?dryRun=true",
                APP_CLIENT_CONFIGURATION.formatted(TestRealm.CLIENT, "198.51.100.0/24"))).get("warnings").size(),
                "AUDIT: nothing to warn about");
    }

    @Test
    void theQueryParameterNamesTheKeycloakClientForARandomAppClientId() {
        JsonNode result = AdminApi.ok(importCognito("?clientId=" + TestRealm.OTHER_CLIENT,
                APP_CLIENT_CONFIGURATION.formatted("6abcdefghijklmnopq1234567", "198.51.100.0/24")));
        assertEquals("BLOCK", result.at("/settings/clients/" + TestRealm.OTHER_CLIENT + "/accountTakeover/high/action")
                .asText(), result.toString());
        assertTrue(realm.settings().at("/clients/" + TestRealm.OTHER_CLIENT).isObject());
    }

    private static List<String> fields(JsonNode unmapped) {
        return StreamSupport.stream(unmapped.spliterator(), false)
                .map(entry -> entry.get("field").asText()).toList();
    }
}
