package io.github.threatprotection.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.RiskSignal;

/**
 * Property tests of the settings parser: for any JSON document it either returns settings or throws
 * {@link InvalidSettingsException} with a bounded list of errors, never anything else (which the REST layer
 * would turn into a 500). Whatever it accepts, the writer writes back as a document it accepts unchanged.
 */
class SettingsParserPropertyTest {

    /** Field names the parser knows, so generated documents reach deep into it instead of stopping at the top. */
    private static final List<String> KNOWN_KEYS = Stream.concat(Stream.of(
            "mode", "compromisedCredentials", "accountTakeover", "ipExceptions", "riskScoring", "notification",
            "retention", "clients", "privacy", "storeNetworkOnly", "events", "action", "requirePasswordChange", "low",
            "medium", "high", "notify", "alwaysAllow", "alwaysBlock", "signals", "thresholds", "impossibleTravelKmh",
            "velocity", "windowMinutes", "userFailures", "networkUsers", "eventDays", "from", "replyTo",
            "linkValidityDays", "subject", "htmlBody", "textBody", "blockEmail", "mfaEmail", "noActionEmail",
            "test-app"), Stream.of(RiskSignal.values()).map(Enum::name)).toList();

    /** Values the parser gives meaning to, next to arbitrary ones. */
    private static final List<String> KNOWN_TEXT = List.of("OFF", "AUDIT", "ENFORCED", "BLOCK", "MFA_REQUIRED",
            "MFA_IF_CONFIGURED", "NO_ACTION", "SIGN_IN", "SIGN_UP", "PASSWORD_CHANGE", "10.0.0.0/8", "10.1.2.3/8",
            "2001:db8::/32", "::ffff:192.0.2.0/120", "192.0.2.1", "", " ", "noreply@example.org", "${username}",
            "${nope}", "not an address");

    @Property(tries = 3000)
    void anyDocumentParsesOrIsRejectedWithFieldErrors(@ForAll("documents") JsonNode document) {
        try {
            RealmSettings settings = SettingsParser.parse(document, clientId -> clientId.startsWith("test"));
            assertWrittenFormIsStable(settings);
        } catch (InvalidSettingsException e) {
            assertFalse(e.errors().isEmpty());
            assertTrue(e.errors().size() <= SettingsParser.MAX_ERRORS + 1, "bounded: " + e.errors().size());
        }
    }

    @Property(tries = 3000)
    void anyOneFieldOfAFullDocumentReplacedParsesOrIsRejected(@ForAll("fieldIndexes") int field,
                                                              @ForAll("values") JsonNode value) {
        ObjectNode document = SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true);
        List<JsonPointer> fields = new ArrayList<>();
        collect(document, JsonPointer.empty(), fields);
        JsonPointer target = fields.get(field % fields.size());
        JsonNode parent = document.at(target.head());
        String name = target.last().getMatchingProperty();
        if (parent instanceof ObjectNode object) {
            object.set(name, value);
        } else if (parent instanceof ArrayNode array) {
            array.set(target.last().getMatchingIndex(), value);
        }
        try {
            assertWrittenFormIsStable(SettingsParser.parse(document, clientId -> true));
        } catch (InvalidSettingsException e) {
            String top = target.getMatchingProperty();
            assertTrue(e.errors().stream().anyMatch(error -> error.field().startsWith(top)),
                    "an error names the changed field " + target + ": " + e.errors());
        }
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

    @Provide
    Arbitrary<Integer> fieldIndexes() {
        return Arbitraries.integers().between(0, 10_000);
    }

    @Provide
    Arbitrary<JsonNode> documents() {
        return object(3);
    }

    @Provide
    Arbitrary<JsonNode> values() {
        return value(2);
    }

    private static Arbitrary<JsonNode> value(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(TextNode::valueOf),
                Arbitraries.of(KNOWN_TEXT).map(TextNode::valueOf),
                Arbitraries.integers().map(IntNode::valueOf),
                Arbitraries.integers().between(-2, 2000).map(IntNode::valueOf),
                Arbitraries.longs().map(LongNode::valueOf),
                Arbitraries.doubles().map(DoubleNode::valueOf),
                Arbitraries.of(true, false).map(BooleanNode::valueOf),
                Arbitraries.just(NullNode.getInstance()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4).map(items -> {
            ArrayNode node = Json.MAPPER.createArrayNode();
            items.forEach(node::add);
            return node;
        });
        return Arbitraries.frequencyOf(Tuple.of(4, leaf), Tuple.of(2, object(depth - 1)), Tuple.of(1, array));
    }

    private static Arbitrary<JsonNode> object(int depth) {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(KNOWN_KEYS), Arbitraries.of(KNOWN_KEYS),
                Arbitraries.strings().ofMaxLength(10));
        return Arbitraries.maps(keys, Arbitraries.lazy(() -> value(depth))).ofMaxSize(6).map(fields -> {
            ObjectNode node = Json.MAPPER.createObjectNode();
            fields.forEach(node::set);
            return node;
        });
    }
}
