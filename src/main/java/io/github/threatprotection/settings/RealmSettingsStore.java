package io.github.threatprotection.settings;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

import io.github.threatprotection.Json;

/**
 * Keeps each realm's settings document in a realm attribute. Keycloak stores realm attributes in its database
 * and invalidates its realm cache on every node when one changes, so all nodes of a cluster read the same
 * settings. Parsed settings are memoised per node, keyed by the exact stored text, so a change is picked up
 * on the first sign-in after it.
 */
public final class RealmSettingsStore {

    public static final String ATTRIBUTE = "threatProtection.settings";

    private static final Logger LOG = Logger.getLogger(RealmSettingsStore.class);

    private record Parsed(String text, RealmSettings settings) {
    }

    private final Map<String, Parsed> parsedByRealm = new ConcurrentHashMap<>();

    public RealmSettings read(RealmModel realm) {
        String text = realm.getAttribute(ATTRIBUTE);
        if (text == null) {
            return RealmSettings.DEFAULTS;
        }
        Parsed cached = parsedByRealm.get(realm.getId());
        if (cached != null && cached.text().equals(text)) {
            return cached.settings();
        }
        RealmSettings settings = parseStored(realm, text);
        parsedByRealm.put(realm.getId(), new Parsed(text, settings));
        return settings;
    }

    /** Validates and stores a document. On error nothing is stored. */
    public RealmSettings write(RealmModel realm, JsonNode document) throws InvalidSettingsException {
        RealmSettings settings = SettingsParser.parse(document,
                clientId -> realm.getClientByClientId(clientId) != null);
        String text = Json.write(SettingsWriter.write(settings, clientId -> true));
        // The admin console page writes back what it just read; an unchanged attribute need not be stored again.
        if (!text.equals(realm.getAttribute(ATTRIBUTE))) {
            realm.setAttribute(ATTRIBUTE, text);
        }
        return settings;
    }

    public void forget(String realmId) {
        parsedByRealm.remove(realmId);
    }

    /**
     * The stored text was validated when saved, but the realm attribute can also be changed through a realm
     * import or the realm REST API. A document that no longer parses turns protection off for the realm,
     * loudly, rather than failing every sign-in.
     */
    private static RealmSettings parseStored(RealmModel realm, String text) {
        try {
            JsonNode document = Json.read(text);
            return SettingsParser.parse(document, clientId -> true);
        } catch (JsonProcessingException e) {
            LOG.errorf("Threat protection is OFF for realm %s: realm attribute %s is not valid JSON (%s)",
                    realm.getName(), ATTRIBUTE, e.getOriginalMessage());
        } catch (InvalidSettingsException e) {
            LOG.errorf("Threat protection is OFF for realm %s: realm attribute %s is invalid: %s",
                    realm.getName(), ATTRIBUTE, e.getMessage());
        }
        return RealmSettings.DEFAULTS;
    }
}
