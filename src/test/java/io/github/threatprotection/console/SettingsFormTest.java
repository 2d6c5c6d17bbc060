package io.github.threatprotection.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.Json;
import io.github.threatprotection.settings.FieldError;
import io.github.threatprotection.settings.InvalidSettingsException;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.SettingsWriter;

class SettingsFormTest {

    private static ObjectNode defaults() {
        return SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true);
    }

    private static ObjectNode settings(String json) throws Exception {
        return SettingsWriter.write(SettingsParser.parse(Json.read(json), clientId -> true), clientId -> true);
    }

    @Test
    void everySettingOfTheDocumentIsAFormField() {
        Set<String> fields = SettingsForm.fields().stream().map(SettingsForm.Field::path).collect(Collectors.toSet());
        List<String> leaves = new java.util.ArrayList<>();
        collectLeaves(defaults(), "", leaves);
        for (String leaf : leaves) {
            assertTrue(fields.contains(leaf) || leaf.startsWith("clients"), "no form field for " + leaf);
        }
        assertTrue(fields.containsAll(Set.of("mode", "accountTakeover.high.notify", "ipExceptions.alwaysBlock",
                "riskScoring.signals.NEW_DEVICE", "retention.eventDays", "notification.from",
                "privacy.deviceCookieMaxAgeDays", "clients")));
    }

    @Test
    void choicesOfferTheCataloguesWordsForTheEnumConstants() {
        Map<String, SettingsForm.Field> fields = SettingsForm.fields().stream()
                .collect(Collectors.toMap(SettingsForm.Field::path, f -> f));
        assertEquals(List.of("OFF", "AUDIT", "ENFORCED"), List.copyOf(fields.get("mode").words().keySet()));
        assertEquals("Off", fields.get("mode").options().get(0));
        assertEquals(SettingsForm.Kind.CHOICE, fields.get("accountTakeover.medium.action").kind());
        assertEquals(SettingsForm.Kind.CHOICES, fields.get("compromisedCredentials.events").kind());
        assertEquals(SettingsForm.Kind.LINES, fields.get("ipExceptions.alwaysAllow").kind());
        assertEquals(SettingsForm.Kind.BOOLEAN, fields.get("accountTakeover.low.notify").kind());
        assertEquals(SettingsForm.Kind.NUMBER, fields.get("retention.eventDays").kind());
        assertEquals(SettingsForm.Kind.NUMBER, fields.get("privacy.deviceCookieMaxAgeDays").kind());
        assertEquals(List.of("NO_ACTION", "MFA_IF_CONFIGURED", "CHALLENGE", "MFA_REQUIRED", "BLOCK"),
                List.copyOf(fields.get("accountTakeover.high.action").words().keySet()),
                "REVOKE is for refresh grants only");
        assertEquals(List.of("Allow", "Ask for MFA if the user has it", "Check the browser (proof-of-work puzzle)",
                "Require MFA (block users without it)", "Block"), fields.get("accountTakeover.high.action").options());
        assertEquals(List.of("NO_ACTION", "REVOKE"),
                List.copyOf(fields.get("sessions.refreshActions.high").words().keySet()));
        assertEquals(SettingsForm.Kind.BOOLEAN, fields.get("sessions.tokenRefresh").kind());
        assertEquals(List.of("SIGN_IN", "SIGN_UP", "PASSWORD_CHANGE"),
                List.copyOf(fields.get("compromisedCredentials.events").words().keySet()),
                "a refresh grant submits no password");
        assertEquals("Always allow these IP ranges", fields.get("ipExceptions.alwaysAllow").label());
        assertEquals("Impossible travel speed (km/h)", fields.get("riskScoring.impossibleTravelKmh").label());
        assertEquals("Medium risk: action", fields.get("accountTakeover.medium.action").label());
    }

    @Test
    void fieldsFollowCognitosConsoleThenTheSectionsItLacks() {
        List<String> paths = SettingsForm.fields().stream().map(SettingsForm.Field::path).toList();
        List<String> landmarks = List.of("mode", "compromisedCredentials.events", "accountTakeover.low.action",
                "accountTakeover.low.notify", "accountTakeover.medium.action", "accountTakeover.high.notify",
                "ipExceptions.alwaysAllow", "notification.from", "riskScoring.thresholds.medium",
                "riskScoring.signals.NEW_DEVICE", "retention.eventDays", "privacy.storeNetworkOnly",
                "sessions.tokenRefresh", "clients");
        List<Integer> positions = landmarks.stream().map(paths::indexOf).toList();
        assertTrue(positions.stream().allMatch(position -> position >= 0), positions.toString());
        assertEquals(positions.stream().sorted().toList(), positions, paths.toString());
        assertEquals("clients", paths.get(paths.size() - 1));
    }

    @Test
    void aDocumentSurvivesTheRoundTripThroughTheForm() throws Exception {
        ObjectNode document = settings("""
                {"mode":"AUDIT","compromisedCredentials":{"events":["SIGN_IN","PASSWORD_CHANGE"]},
                 "accountTakeover":{"high":{"action":"BLOCK","notify":false}},
                 "ipExceptions":{"alwaysAllow":["10.0.0.0/8","2001:db8::/32"],"alwaysBlock":["203.0.113.9"]},
                 "riskScoring":{"impossibleTravelKmh":850.5,"signals":{"NEW_DEVICE":25}},
                 "notification":{"from":"security@example.com"},
                 "retention":{"eventDays":30},
                 "clients":{"app":{"mode":"ENFORCED"}}}""");
        Map<String, List<String>> form = SettingsForm.toForm(document);
        assertEquals(List.of("10.0.0.0/8\n2001:db8::/32"), form.get("ipExceptions-alwaysAllow"));
        assertEquals(List.of("Sign-in", "Password change"), form.get("compromisedCredentials-events"));
        assertEquals(List.of("Audit only: record, never act"), form.get("mode"));
        assertEquals(List.of("Block"), form.get("accountTakeover-high-action"));
        assertEquals(List.of("false"), form.get("accountTakeover-high-notify"));

        SettingsForm.Document back = SettingsForm.toDocument(form, defaults());
        assertEquals(List.of(), back.errors());
        assertEquals(document, settings(back.document().toString()));
    }

    @Test
    void theAdminConsolesMultiValueFormsAreRead() {
        Map<String, List<String>> form = new HashMap<>();
        form.put("compromisedCredentials-events", List.of("Sign-in##SIGN_UP"));
        form.put("accountTakeover-medium-action", List.of("Require MFA (block users without it)"));
        form.put("ipExceptions-alwaysBlock", List.of(" 192.0.2.1 \r\n\n198.51.100.0/24, 203.0.113.7"));
        JsonNode document = SettingsForm.toDocument(form, defaults()).document();
        assertEquals("[\"SIGN_IN\",\"SIGN_UP\"]", document.at("/compromisedCredentials/events").toString(),
                "words and names alike");
        assertEquals("MFA_REQUIRED", document.at("/accountTakeover/medium/action").asText());
        assertEquals("[\"192.0.2.1\",\"198.51.100.0/24\",\"203.0.113.7\"]",
                document.at("/ipExceptions/alwaysBlock").toString());
    }

    @Test
    void fieldsLeftOutKeepTheCurrentValue() throws Exception {
        ObjectNode current = settings("{\"mode\":\"ENFORCED\",\"retention\":{\"eventDays\":90}}");
        JsonNode document = SettingsForm.toDocument(Map.of("mode", List.of("AUDIT")), current).document();
        assertEquals("AUDIT", document.get("mode").asText());
        assertEquals(90, document.at("/retention/eventDays").asInt());
    }

    @Test
    void badValuesReachTheParserAsTypedAndItsErrorsNameTheFields() {
        Map<String, List<String>> form = new HashMap<>(SettingsForm.toForm(defaults()));
        form.put("retention-eventDays", List.of("ninety"));
        form.put("accountTakeover-low-notify", List.of("maybe"));
        form.put("accountTakeover-high-action", List.of("NO_ACTION"));
        SettingsForm.Document document = SettingsForm.toDocument(form, defaults());
        InvalidSettingsException error = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingsException.class,
                () -> SettingsParser.parse(document.document(), clientId -> true));
        Set<String> fields = error.errors().stream().map(FieldError::field).collect(Collectors.toSet());
        assertEquals(Set.of("retention.eventDays", "accountTakeover.low.notify", "accountTakeover.high.action"),
                fields);
        String message = SettingsForm.describe(error.errors());
        assertTrue(message.startsWith("Settings not saved."), message);
        assertTrue(message.contains("\u201cKeep risk events for (days)\u201d: must be a whole number"), message);
        assertTrue(message.contains("\u201cHigh risk: action\u201d: \u201cAllow\u201d is weaker than "
                + "\u201cMedium risk: action\u201d (\u201cAsk for MFA if the user has it\u201d)"), message);
        assertTrue(!message.contains("accountTakeover."), message);
    }

    @Test
    void clientOverridesThatAreNotJsonAreReportedOnTheirField() {
        SettingsForm.Document document = SettingsForm.toDocument(Map.of("clients", List.of("{\"app\": ")),
                defaults());
        assertEquals(1, document.errors().size());
        assertEquals("clients", document.errors().get(0).field());
        assertTrue(document.errors().get(0).message().startsWith("not valid JSON"));
    }

    @Test
    void emptyClientOverridesMeanNone() {
        JsonNode document = SettingsForm.toDocument(Map.of("clients", List.of("  ")), defaults()).document();
        assertEquals(0, document.get("clients").size());
    }

    @Test
    void aMediumThresholdAboveTheHighOneBlamesMediumInWords() throws Exception {
        Map<String, List<String>> form = new HashMap<>(SettingsForm.toForm(defaults()));
        form.put("riskScoring-thresholds-medium", List.of("80"));
        InvalidSettingsException error = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingsException.class,
                () -> SettingsParser.parse(SettingsForm.toDocument(form, defaults()).document(), clientId -> true));
        assertEquals("Settings not saved. Change:\n- \u201cMedium risk from score\u201d: 80 is above "
                + "\u201cHigh risk from score\u201d (70); a sign-in may not become MEDIUM at a higher score than HIGH",
                SettingsForm.describe(error.errors()));
        assertTrue(SettingsForm.describe(List.of(new FieldError("clients.app.riskScoring.thresholds.medium", "x")))
                .contains("\u201cPer-client overrides (JSON)\u201d, client app, \u201cMedium risk from score\u201d: x"));
    }

    @Test
    void settingsWithoutACatalogueEntryFallBackToTheirPath() {
        assertEquals("Account takeover › high › notify", SettingsForm.label("accountTakeover.high.notify"));
        assertEquals("Risk scoring › signals › NEW_DEVICE", SettingsForm.label("riskScoring.signals.NEW_DEVICE"));
    }

    private static void collectLeaves(JsonNode node, String prefix, List<String> leaves) {
        node.fields().forEachRemaining(entry -> {
            if (entry.getValue().isObject() && !entry.getValue().isEmpty()) {
                collectLeaves(entry.getValue(), prefix + entry.getKey() + ".", leaves);
            } else {
                leaves.add(prefix + entry.getKey());
            }
        });
    }
}
