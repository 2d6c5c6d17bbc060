package io.github.threatprotection.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.settings.CompromisedCredentialsAction;
import io.github.threatprotection.settings.FieldError;
import io.github.threatprotection.settings.InvalidSettingsException;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.SettingsWriter;
import io.github.threatprotection.settings.ThreatProtectionSettings;

class CognitoRiskConfigurationTest {

    private static final Predicate<String> ONLY_WEB_APP = "web-app"::equals;

    /** What the AWS CLI prints for a pool with every section set (values made up for the test). */
    private static final String FULL = """
            {"AdvancedSecurityMode": "ENFORCED",
             "RiskConfiguration": {
              "UserPoolId": "eu-west-1_Example1",
              "CompromisedCredentialsRiskConfiguration": {
                "EventFilter": ["SIGN_IN", "PASSWORD_CHANGE"],
                "Actions": {"EventAction": "NO_ACTION"}},
              "AccountTakeoverRiskConfiguration": {
                "NotifyConfiguration": {
                  "From": "security@example.com",
                  "ReplyTo": "help@example.com",
                  "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
                  "BlockEmail": {"Subject": "Blocked sign-in", "HtmlBody": "<p>{username} from {ip-address}</p>",
                                 "TextBody": "{username} from {ip-address}"},
                  "MfaEmail": {"Subject": "Sign-in needed a code", "TextBody": "{login-time}"},
                  "NoActionEmail": {"Subject": "New sign-in", "HtmlBody": "<a href='{one-click-link-invalid}'>no</a>",
                                    "TextBody": "{city}, {country}"}},
                "Actions": {
                  "LowAction": {"Notify": false, "EventAction": "NO_ACTION"},
                  "MediumAction": {"Notify": true, "EventAction": "MFA_REQUIRED"},
                  "HighAction": {"Notify": true, "EventAction": "BLOCK"}}},
              "RiskExceptionConfiguration": {
                "BlockedIPRangeList": ["198.51.100.0/24"],
                "SkippedIPRangeList": ["10.0.0.0/8", "2001:db8::/32"]},
              "LastModifiedDate": "2026-10-01T09:30:00.123000+00:00"}}
            """;

    private static ObjectNode defaults() {
        return SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true);
    }

    private static CognitoRiskConfiguration.Conversion convert(String cognito, ObjectNode current,
                                                               String targetClientId) throws Exception {
        return CognitoRiskConfiguration.convert(Json.read(cognito), current, targetClientId, ONLY_WEB_APP);
    }

    private static CognitoRiskConfiguration.Conversion convert(String cognito) throws Exception {
        return convert(cognito, defaults(), null);
    }

    private static Map<String, String> errors(String cognito, ObjectNode current, String targetClientId) {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> convert(cognito, current, targetClientId));
        return e.errors().stream().collect(Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a));
    }

    private static Map<String, String> errors(String cognito) {
        return errors(cognito, defaults(), null);
    }

    private static Set<String> unmappedFields(CognitoRiskConfiguration.Conversion conversion) {
        return conversion.unmapped().stream().map(CognitoRiskConfiguration.Unmapped::field)
                .collect(Collectors.toSet());
    }

    @Test
    void aWholePoolConfigurationBecomesTheRealmsSettings() throws Exception {
        CognitoRiskConfiguration.Conversion conversion = convert(FULL);
        ThreatProtectionSettings realm = conversion.settings().realm();

        assertNull(conversion.clientId());
        assertEquals(Mode.ENFORCED, realm.mode());
        assertEquals(Set.of(EventType.SIGN_IN, EventType.PASSWORD_CHANGE), realm.compromisedCredentials().events());
        assertEquals(CompromisedCredentialsAction.NO_ACTION, realm.compromisedCredentials().action());
        assertEquals(RiskAction.NO_ACTION, realm.accountTakeover().low().action());
        assertFalse(realm.accountTakeover().low().notifyUser());
        assertEquals(RiskAction.MFA_REQUIRED, realm.accountTakeover().medium().action());
        assertTrue(realm.accountTakeover().medium().notifyUser());
        assertEquals(RiskAction.BLOCK, realm.accountTakeover().high().action());
        assertEquals(List.of("198.51.100.0/24"), texts(conversion.document().at("/ipExceptions/alwaysBlock")));
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32"),
                texts(conversion.document().at("/ipExceptions/alwaysAllow")));

        JsonNode notification = conversion.document().get("notification");
        assertEquals("security@example.com", notification.get("from").asText());
        assertEquals("help@example.com", notification.get("replyTo").asText());
        assertEquals("Blocked sign-in", notification.at("/blockEmail/subject").asText());
        assertEquals("<p>{username} from {ip-address}</p>", notification.at("/blockEmail/htmlBody").asText());
        assertEquals("{login-time}", notification.at("/mfaEmail/textBody").asText());
        assertEquals("", notification.at("/mfaEmail/htmlBody").asText(),
                "a body Cognito leaves out is Cognito's default, here the e-mail theme's template");
        assertEquals("{city}, {country}", notification.at("/noActionEmail/textBody").asText());

        assertEquals(Set.of("RiskConfiguration.AccountTakeoverRiskConfiguration.NotifyConfiguration.SourceArn"),
                unmappedFields(conversion), conversion.unmapped().toString());
        assertTrue(conversion.unmapped().get(0).reason().contains("SMTP"), conversion.unmapped().toString());
    }

    @Test
    void theDocumentReturnedIsOneThatPutSettingsAccepts() throws Exception {
        CognitoRiskConfiguration.Conversion conversion = convert(FULL);
        RealmSettings reparsed = SettingsParser.parse(conversion.document(), ONLY_WEB_APP);
        assertEquals(conversion.document(), SettingsWriter.write(reparsed, ONLY_WEB_APP));
    }

    @Test
    void sectionsCognitoLeavesOutKeepTheRealmsCurrentValues() throws Exception {
        ObjectNode current = defaults();
        current.put("mode", "AUDIT");
        object(current, "ipExceptions").putArray("alwaysBlock").add("203.0.113.0/24");
        object(current, "notification").put("from", "keycloak@example.org");

        CognitoRiskConfiguration.Conversion conversion = convert("""
                {"RiskConfiguration": {"UserPoolId": "eu-west-1_Example1",
                  "AccountTakeoverRiskConfiguration": {"Actions": {"HighAction": {"Notify": false,
                                                                                  "EventAction": "BLOCK"}}}}}
                """, current, null);

        ThreatProtectionSettings realm = conversion.settings().realm();
        assertEquals(Mode.AUDIT, realm.mode(), "no AdvancedSecurityMode, so the mode stays");
        assertEquals(List.of("203.0.113.0/24"), texts(conversion.document().at("/ipExceptions/alwaysBlock")));
        assertEquals("keycloak@example.org", realm.notification().from(),
                "no NotifyConfiguration, so the notification section stays");
        assertEquals(RiskAction.MFA_IF_CONFIGURED, realm.accountTakeover().medium().action(),
                "a level Cognito leaves out stays");
        assertEquals(RiskAction.BLOCK, realm.accountTakeover().high().action());
        assertFalse(realm.accountTakeover().high().notifyUser());
        assertEquals(List.of(), conversion.unmapped());
    }

    @Test
    void aPresentSectionReplacesWhatItCoversAsAWhole() throws Exception {
        ObjectNode current = defaults();
        object(current, "ipExceptions").putArray("alwaysAllow").add("192.0.2.0/24");
        object(current, "notification").put("replyTo", "old@example.org");
        object(object(current, "notification"), "blockEmail").put("subject", "Old subject");

        CognitoRiskConfiguration.Conversion conversion = convert("""
                {"RiskConfiguration": {
                  "AccountTakeoverRiskConfiguration": {"NotifyConfiguration": {
                     "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
                     "From": "security@example.com"}},
                  "RiskExceptionConfiguration": {"BlockedIPRangeList": ["198.51.100.0/24"]}}}
                """, current, null);

        assertEquals(List.of(), texts(conversion.document().at("/ipExceptions/alwaysAllow")),
                "Cognito's exceptions are one setting: a list it leaves out is empty");
        assertEquals("", conversion.settings().realm().notification().replyTo());
        assertEquals("", conversion.document().at("/notification/blockEmail/subject").asText());
    }

    @Test
    void noEventFilterMeansEveryEventAsInCognito() throws Exception {
        for (String filter : List.of("", "\"EventFilter\": [],", "\"EventFilter\": null,")) {
            ObjectNode current = defaults();
            object(current, "compromisedCredentials").putArray("events").add("SIGN_UP");
            CognitoRiskConfiguration.Conversion conversion = convert("{\"RiskConfiguration\": "
                    + "{\"CompromisedCredentialsRiskConfiguration\": {" + filter
                    + "\"Actions\": {\"EventAction\": \"BLOCK\"}}}}", current, null);
            assertEquals(Set.copyOf(EventType.WITH_PASSWORD),
                    conversion.settings().realm().compromisedCredentials().events(), filter);
        }
    }

    @Test
    void anAppClientsConfigurationBecomesThatClientsOverride() throws Exception {
        ObjectNode current = defaults();
        object(object(current, "clients"), "web-app").put("mode", "OFF");

        CognitoRiskConfiguration.Conversion conversion = convert(FULL.replace("\"UserPoolId\"",
                "\"ClientId\": \"web-app\", \"UserPoolId\""), current, null);

        assertEquals("web-app", conversion.clientId());
        JsonNode override = conversion.document().at("/clients/web-app");
        assertEquals("OFF", override.get("mode").asText(), "the override's own fields stay");
        assertEquals("BLOCK", override.at("/accountTakeover/high/action").asText());
        assertEquals(Mode.ENFORCED, conversion.settings().realm().mode(),
                "AdvancedSecurityMode belongs to the pool, so to the realm");
        assertEquals(RiskAction.MFA_REQUIRED, conversion.settings().realm().accountTakeover().high().action(),
                "the realm's own levels stay");
        assertEquals(RiskAction.BLOCK, conversion.settings().forClient("web-app").accountTakeover().high().action());
        assertEquals(List.of("198.51.100.0/24"), texts(override.at("/ipExceptions/alwaysBlock")));
        assertEquals(0, conversion.document().at("/ipExceptions/alwaysBlock").size());
    }

    @Test
    void anAppClientWithoutAKeycloakClientIsRefusedByName() {
        Map<String, String> errors = errors(FULL.replace("\"UserPoolId\"",
                "\"ClientId\": \"6abcdefghijklmnopq1234567\", \"UserPoolId\""));
        assertEquals(Set.of("RiskConfiguration.ClientId"), errors.keySet());
        assertTrue(errors.get("RiskConfiguration.ClientId").contains("6abcdefghijklmnopq1234567"), errors.toString());
    }

    @Test
    void theAdminCanNameTheKeycloakClientThatTakesTheAppClientsSettings() throws Exception {
        CognitoRiskConfiguration.Conversion conversion = convert(FULL.replace("\"UserPoolId\"",
                "\"ClientId\": \"6abcdefghijklmnopq1234567\", \"UserPoolId\""), defaults(), "web-app");
        assertEquals("web-app", conversion.clientId());
        assertEquals(RiskAction.BLOCK, conversion.settings().forClient("web-app").accountTakeover().high().action());

        assertEquals(Set.of("clientId"), errors(FULL, defaults(), "no-such-app").keySet());
    }

    @Test
    void invalidValuesAreReportedUnderTheirCognitoNames() {
        Map<String, String> errors = errors(FULL
                .replace("\"MFA_REQUIRED\"", "\"MFA_ALWAYS\"")
                .replace("[\"198.51.100.0/24\"]", "[\"198.51.100.0/24\", \"198.51.100.7/24\"]")
                .replace("\"SIGN_IN\", \"PASSWORD_CHANGE\"", "\"SIGN_IN\", \"FORGOT_PASSWORD\"")
                .replace("\"Notify\": false", "\"Notify\": \"no\"")
                .replace("{login-time}", "{login-date}")
                .replace("\"ENFORCED\"", "\"FULL_FUNCTION\""));

        String takeover = "RiskConfiguration.AccountTakeoverRiskConfiguration.";
        assertEquals(Set.of(
                "AdvancedSecurityMode",
                takeover + "Actions.MediumAction.EventAction",
                takeover + "Actions.LowAction.Notify",
                takeover + "NotifyConfiguration.MfaEmail.TextBody",
                "RiskConfiguration.RiskExceptionConfiguration.BlockedIPRangeList[1]",
                "RiskConfiguration.CompromisedCredentialsRiskConfiguration.EventFilter[1]"), errors.keySet(),
                errors.toString());
        assertTrue(errors.get("RiskConfiguration.RiskExceptionConfiguration.BlockedIPRangeList[1]")
                .contains("(settings field ipExceptions.alwaysBlock[1])"), errors.toString());
        assertTrue(errors.get(takeover + "NotifyConfiguration.MfaEmail.TextBody").contains("{login-date}"),
                errors.toString());
    }

    @Test
    void aHigherLevelMayNotGetAWeakerActionAfterTheImportEither() {
        Map<String, String> errors = errors(FULL.replace(
                "\"HighAction\": {\"Notify\": true, \"EventAction\": \"BLOCK\"}",
                "\"HighAction\": {\"Notify\": true, \"EventAction\": \"MFA_IF_CONFIGURED\"}"));
        String field = "RiskConfiguration.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction";
        assertEquals(Set.of(field), errors.keySet());
        assertTrue(errors.get(field).contains("weaker"), errors.toString());
    }

    @Test
    void anErrorInASettingTheImportDidNotTouchKeepsItsSettingsName() {
        // the realm's high level stays MFA_REQUIRED, which a medium BLOCK would be stronger than
        Map<String, String> errors = errors("""
                {"RiskConfiguration": {"AccountTakeoverRiskConfiguration": {"Actions": {
                   "MediumAction": {"Notify": true, "EventAction": "BLOCK"}}}}}
                """);
        assertEquals(Set.of("accountTakeover.high.action"), errors.keySet());
    }

    @Test
    void sectionsOfTheWrongShapeAreRefused() {
        Map<String, String> errors = errors("""
                {"RiskConfiguration": {"CompromisedCredentialsRiskConfiguration": ["BLOCK"],
                  "AccountTakeoverRiskConfiguration": {"Actions": {"LowAction": "NO_ACTION"},
                                                       "NotifyConfiguration": {"BlockEmail": "Blocked"}},
                  "RiskExceptionConfiguration": 7, "ClientId": 12}}
                """);
        assertEquals(Set.of("RiskConfiguration.CompromisedCredentialsRiskConfiguration",
                "RiskConfiguration.AccountTakeoverRiskConfiguration.Actions.LowAction",
                "RiskConfiguration.AccountTakeoverRiskConfiguration.NotifyConfiguration.BlockEmail",
                "RiskConfiguration.RiskExceptionConfiguration", "RiskConfiguration.ClientId"), errors.keySet(),
                errors.toString());
    }

    @Test
    void aDocumentWithoutRiskConfigurationIsRefused() {
        assertEquals(Set.of("RiskConfiguration"), errors("{\"AdvancedSecurityMode\": \"AUDIT\"}").keySet());
        assertEquals(Set.of("RiskConfiguration"), errors("{\"RiskConfiguration\": []}").keySet());
        assertEquals(Set.of(""), errors("[]").keySet());
    }

    @Test
    void fieldsThisImportDoesNotKnowAreListedNotDropped() throws Exception {
        CognitoRiskConfiguration.Conversion conversion = convert("""
                {"ResponseMetadata": {"RequestId": "x"},
                 "RiskConfiguration": {"CompromisedCredentialsRiskConfiguration": {
                     "Actions": {"EventAction": "BLOCK", "EventSeverity": "HIGH"}},
                   "AccountTakeoverRiskConfiguration": {"Actions": {"CriticalAction": {"Notify": true}}},
                   "RiskExceptionConfiguration": {"AllowedCountries": ["DE"]}}}
                """);
        assertEquals(Set.of("ResponseMetadata",
                "RiskConfiguration.CompromisedCredentialsRiskConfiguration.Actions.EventSeverity",
                "RiskConfiguration.AccountTakeoverRiskConfiguration.Actions.CriticalAction",
                "RiskConfiguration.RiskExceptionConfiguration.AllowedCountries"), unmappedFields(conversion));
    }

    @Test
    void aSenderDisplayNameIsDroppedAndSaidSo() throws Exception {
        CognitoRiskConfiguration.Conversion conversion = convert(FULL.replace("\"security@example.com\"",
                "\"Example Security <security@example.com>\""));
        assertEquals("security@example.com", conversion.settings().realm().notification().from());
        String from = "RiskConfiguration.AccountTakeoverRiskConfiguration.NotifyConfiguration.From";
        assertTrue(unmappedFields(conversion).contains(from), conversion.unmapped().toString());
    }

    @Test
    void theCurrentDocumentIsNotChanged() throws Exception {
        ObjectNode current = defaults();
        ObjectNode before = current.deepCopy();
        convert(FULL, current, null);
        assertEquals(before, current);
    }

    /** The object under {@code name} in a settings document, made when missing. */
    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        return existing instanceof ObjectNode node ? node : parent.putObject(name);
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
