package io.github.threatprotection.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.Json;
import io.github.threatprotection.RandomCases;
import io.github.threatprotection.RandomInputs;
import io.github.threatprotection.risk.RiskSignal;

/**
 * Property tests of the settings parser: for any JSON document it either returns settings or throws
 * {@link InvalidSettingsException} with a bounded list of errors, never anything else (which the REST layer
 * would turn into a 500). Whatever it accepts, the writer writes back as a document it accepts unchanged.
 * Each property runs a fixed number of generated cases from a fixed seed ({@link RandomCases}).
 */
class SettingsParserPropertyTest {

    /** Field names the parser knows, so generated documents reach deep into it instead of stopping at the top. */
    private static final List<String> KNOWN_KEYS = Stream.concat(Stream.of(
            "mode", "compromisedCredentials", "accountTakeover", "ipExceptions", "riskScoring", "notification",
            "retention", "clients", "privacy", "storeNetworkOnly", "deviceCookieMaxAgeDays", "events", "action",
            "requirePasswordChange", "low", "medium", "high", "notify", "alwaysAllow", "alwaysBlock", "signals", "thresholds", "impossibleTravelKmh",
            "velocity", "windowMinutes", "userFailures", "networkUsers", "eventDays", "from", "replyTo",
            "linkValidityDays", "repeatAfterMinutes", "subject", "htmlBody", "textBody", "blockEmail", "mfaEmail", "noActionEmail",
            "test-app"), RiskSignal.SCORED.stream().map(Enum::name)).toList();

    /** Values the parser gives meaning to, next to arbitrary ones. */
    private static final List<String> KNOWN_TEXT = List.of("OFF", "AUDIT", "ENFORCED", "BLOCK", "MFA_REQUIRED",
            "MFA_IF_CONFIGURED", "NO_ACTION", "SIGN_IN", "SIGN_UP", "PASSWORD_CHANGE", "10.0.0.0/8", "10.1.2.3/8",
            "2001:db8::/32", "::ffff:192.0.2.0/120", "192.0.2.1", "", " ", "noreply@example.org", "${username}",
            "${nope}", "not an address");

    @Test
    void anyDocumentParsesOrIsRejectedWithFieldErrors() {
        RandomCases.check(1101L, 3000, random -> object(random, 3), document -> {
            try {
                RealmSettings settings = SettingsParser.parse(document, clientId -> clientId.startsWith("test"));
                assertWrittenFormIsStable(settings);
            } catch (InvalidSettingsException e) {
                assertFalse(e.errors().isEmpty());
                assertTrue(e.errors().size() <= SettingsParser.MAX_ERRORS + 1, "bounded: " + e.errors().size());
            }
        });
    }

    /** A field of the full default document, by index into its fields in document order, and its new value. */
    private record Replacement(int field, JsonNode value) {
    }

    @Test
    void anyOneFieldOfAFullDocumentReplacedParsesOrIsRejected() {
        RandomCases.check(1102L, 3000,
                random -> new Replacement(RandomInputs.intBetween(random, 0, 10_000), value(random, 2)),
                replacement -> {
                    ObjectNode document = SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true);
                    List<JsonPointer> fields = new ArrayList<>();
                    collect(document, JsonPointer.empty(), fields);
                    JsonPointer target = fields.get(replacement.field() % fields.size());
                    JsonNode parent = document.at(target.head());
                    String name = target.last().getMatchingProperty();
                    if (parent instanceof ObjectNode object) {
                        object.set(name, replacement.value());
                    } else if (parent instanceof ArrayNode array) {
                        array.set(target.last().getMatchingIndex(), replacement.value());
                    }
                    try {
                        assertWrittenFormIsStable(SettingsParser.parse(document, clientId -> true));
                    } catch (InvalidSettingsException e) {
                        String top = target.getMatchingProperty();
                        assertTrue(e.errors().stream().anyMatch(error -> error.field().startsWith(top)),
                                "an error names the changed field " + target + ": " + e.errors());
                    }
                });
    }

    private static void assertWrittenFormIsStable(RealmSettings settings) {
        ObjectNode written = SettingsWriter.write(settings, clientId -> true);
        try {
            RealmSettings again = SettingsParser.parse(Json.read(Json.write(written)), clientId -> true);
            assertEquals(written, SettingsWriter.write(again, clientId -> true));
        } catch (Exception e) {
            throw new AssertionError("the written document does not read back: " + written, e);
        }
    }

    private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> into) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonPointer child = at.appendProperty(field.getKey());
                into.add(child);
                collect(field.getValue(), child, into);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonPointer child = at.appendIndex(i);
                into.add(child);
                collect(node.get(i), child, into);
            }
        }
    }

    /** A value: mostly a leaf, else an object or array nesting at most {@code depth} levels further. */
    private static JsonNode value(Random random, int depth) {
        if (depth == 0) {
            return leaf(random);
        }
        int kind = random.nextInt(7);
        if (kind < 4) {
            return leaf(random);
        }
        if (kind < 6) {
            return object(random, depth - 1);
        }
        ArrayNode array = Json.MAPPER.createArrayNode();
        RandomInputs.listOf(random, 0, 4, r -> value(r, depth - 1)).forEach(array::add);
        return array;
    }

    private static JsonNode leaf(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> TextNode.valueOf(RandomInputs.anyString(random, 30));
            case 1 -> TextNode.valueOf(RandomInputs.oneOf(random, KNOWN_TEXT));
            case 2 -> IntNode.valueOf(RandomInputs.anyInt(random));
            case 3 -> IntNode.valueOf(RandomInputs.intBetween(random, -2, 2000));
            case 4 -> LongNode.valueOf(RandomInputs.anyLong(random));
            case 5 -> DoubleNode.valueOf(RandomInputs.anyDouble(random));
            case 6 -> BooleanNode.valueOf(random.nextBoolean());
            default -> NullNode.getInstance();
        };
    }

    /** An object of up to six distinct keys, two in three of them ones the parser knows, with values as deep. */
    private static ObjectNode object(Random random, int depth) {
        int size = random.nextInt(7);
        Set<String> keys = new LinkedHashSet<>();
        // Arbitrary keys can collide (several empty strings, say); give up on the size rather than loop long.
        for (int attempt = 0; keys.size() < size && attempt < 100; attempt++) {
            keys.add(random.nextInt(3) < 2 ? RandomInputs.oneOf(random, KNOWN_KEYS)
                    : RandomInputs.anyString(random, 10));
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        keys.forEach(key -> node.set(key, value(random, depth)));
        return node;
    }
}
