package io.github.threatprotection.settings;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Settings an admin is trying out before saving them: a full or partial document laid over the realm's current
 * one object by object (lists and values replace, as client overrides merge), then validated like {@code PUT
 * settings}, so a draft that names only {@code riskScoring.thresholds.medium} changes only that.
 */
public final class SettingsDraft {

    private SettingsDraft() {
    }

    /**
     * @param current the realm's document as {@code GET settings} answers it
     * @param draft   the fields to change
     * @throws InvalidSettingsException naming each bad field by its path in the merged document, as PUT does
     */
    public static RealmSettings parse(ObjectNode current, JsonNode draft, Predicate<String> clientExists)
            throws InvalidSettingsException {
        if (draft == null || !draft.isObject()) {
            throw new InvalidSettingsException(List.of(new FieldError("", "must be a JSON object")));
        }
        ObjectNode merged = current.deepCopy();
        layOver(merged, (ObjectNode) draft);
        return SettingsParser.parse(merged, clientExists);
    }

    private static void layOver(ObjectNode target, ObjectNode changes) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = changes.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode object && field.getValue() instanceof ObjectNode change) {
                layOver(object, change);
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }
}
