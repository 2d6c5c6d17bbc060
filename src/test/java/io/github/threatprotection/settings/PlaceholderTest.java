package io.github.threatprotection.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlaceholderTest {

    @Test
    void substitutesKnownPlaceholdersThroughTheEscape() {
        String result = Placeholder.substitute("Hi {username}, {city} {unknown} {username}",
                Map.of(Placeholder.USERNAME, "<b>eve</b>"), value -> value.replace("<", "&lt;"));
        assertEquals("Hi &lt;b>eve&lt;/b>, {unknown} &lt;b>eve&lt;/b>".replace(", {", ",  {"), result);
    }

    @Test
    void valuesAreNeverReadAsPlaceholdersOrReplacementSyntax() {
        String result = Placeholder.substitute("{username}|{city}",
                Map.of(Placeholder.USERNAME, "{city}$1\\", Placeholder.CITY, "Oslo"), value -> value);
        assertEquals("{city}$1\\|Oslo", result);
    }

    @Test
    void findsUnknownPlaceholdersButNotCssBlocks() {
        assertEquals(List.of("{password}", "{Username}"),
                Placeholder.unknownIn("p { color: red } {password} {username} {Username} {ip-address}"));
    }
}
