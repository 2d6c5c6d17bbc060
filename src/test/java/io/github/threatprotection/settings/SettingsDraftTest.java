package io.github.threatprotection.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.RiskAction;

class SettingsDraftTest {

    private static ObjectNode current() throws Exception {
        RealmSettings stored = SettingsParser.parse(Json.read("{\"mode\":\"AUDIT\",\"ipExceptions\":{\"alwaysBlock\":"
                + "[\"192.0.2.0/24\",\"198.51.100.0/24\"]},\"clients\":{\"app\":{\"mode\":\"ENFORCED\"}}}"),
                clientId -> true);
        return SettingsWriter.write(stored, clientId -> true);
    }

    @Test
    void aPartialDraftChangesOnlyWhatItNamesAndListsReplace() throws Exception {
        RealmSettings draft = SettingsDraft.parse(current(), Json.read("{\"riskScoring\":{\"thresholds\":"
                + "{\"medium\":20}},\"ipExceptions\":{\"alwaysBlock\":[\"203.0.113.0/24\"]},\"clients\":{\"app\":"
                + "{\"accountTakeover\":{\"high\":{\"action\":\"BLOCK\"}}}}}"), clientId -> true);

        assertEquals(Mode.AUDIT, draft.realm().mode());
        assertEquals(20, draft.realm().riskScoring().mediumAt());
        assertEquals(70, draft.realm().riskScoring().highAt());
        assertEquals(List.of("203.0.113.0/24"), draft.realm().ipExceptions().alwaysBlock().ranges().stream()
                .map(range -> range.text()).toList());
        assertEquals(Mode.ENFORCED, draft.forClient("app").mode(), "the override's own fields stay");
        assertEquals(RiskAction.BLOCK, draft.forClient("app").accountTakeover().high().action());
    }

    @Test
    void aBadDraftNamesTheFieldAsPutDoes() throws Exception {
        InvalidSettingsException invalid = assertThrows(InvalidSettingsException.class, () -> SettingsDraft.parse(
                current(), Json.read("{\"riskScoring\":{\"thresholds\":{\"medium\":0}},\"colour\":1}"),
                clientId -> true));
        assertEquals(List.of("colour", "riskScoring.thresholds.medium"),
                invalid.errors().stream().map(FieldError::field).sorted().toList());
        assertThrows(InvalidSettingsException.class, () -> SettingsDraft.parse(current(), Json.read("[]"),
                clientId -> true));
    }
}
