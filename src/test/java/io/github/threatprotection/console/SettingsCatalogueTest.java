package io.github.threatprotection.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsWriter;

/**
 * The catalogue covers every setting: a setting added to the default document without a label and help fails
 * here (add its entry to {@link SettingsCatalogue} where it belongs in the tab's order).
 */
class SettingsCatalogueTest {

    private static List<String> settingsOfTheDefaultDocument() {
        List<String> leaves = new ArrayList<>();
        collectLeaves(SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true), "", leaves);
        leaves.remove(SettingsForm.CLIENTS);
        return leaves;
    }

    @Test
    void everySettingOfTheDefaultDocumentHasAnEntry() {
        Set<String> catalogued = new HashSet<>();
        SettingsCatalogue.entries().forEach(entry -> catalogued.add(entry.path()));
        List<String> missing = settingsOfTheDefaultDocument().stream().filter(path -> !catalogued.contains(path))
                .toList();
        assertEquals(List.of(), missing, "settings without a label and help in SettingsCatalogue");
    }

    @Test
    void everyEntryIsASettingOfTheDefaultDocument() {
        List<String> settings = settingsOfTheDefaultDocument();
        List<String> stale = SettingsCatalogue.entries().stream().map(SettingsCatalogue.Entry::path)
                .filter(path -> !settings.contains(path)).toList();
        assertEquals(List.of(), stale, "catalogue entries of no setting");
    }

    @Test
    void everyChoiceHasAWordForEachOfItsValuesAndNoWordTwice() {
        for (SettingsForm.Field field : SettingsForm.fields()) {
            if (field.kind() != SettingsForm.Kind.CHOICE && field.kind() != SettingsForm.Kind.CHOICES) {
                continue;
            }
            field.words().forEach((name, word) -> assertTrue(!word.equals(name) || !name.contains("_"),
                    field.path() + ": no word for " + name));
            assertEquals(field.words().size(), new HashSet<>(field.options()).size(), field.path());
        }
    }

    @Test
    void eachLevelOffersEverySignInActionInItsOrderWithItsOwnWord() {
        List<String> actions = RiskAction.SIGN_IN_ACTIONS.stream().map(Enum::name).toList();
        for (String level : List.of("low", "medium", "high")) {
            Map<String, String> words = SettingsCatalogue.entry("accountTakeover." + level + ".action").orElseThrow()
                    .words();
            assertEquals(actions, List.copyOf(words.keySet()), level);
            assertEquals("Check the browser (proof-of-work puzzle)", words.get("CHALLENGE"), level);
        }
    }

    @Test
    void labelsAreShortAndHelpSaysTheDefault() {
        Set<String> labels = new HashSet<>();
        for (SettingsCatalogue.Entry entry : SettingsCatalogue.entries()) {
            assertTrue(entry.label().length() <= 48, "too long for the form's label column: " + entry.label());
            assertTrue(labels.add(entry.label()), "two settings labelled " + entry.label());
            assertTrue(entry.help().toLowerCase(java.util.Locale.ROOT).contains("default"), entry.path() + " help names no default");
            assertTrue(!entry.help().contains("{{") && !entry.label().contains("{{"),
                    "the admin console would read {{ as a placeholder: " + entry.path());
        }
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
