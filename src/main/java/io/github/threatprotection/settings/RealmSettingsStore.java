package io.github.threatprotection.settings;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import io.github.threatprotection.Json;

/**
 * Keeps each realm's settings document in a realm attribute. Keycloak stores realm attributes in its database
 * and invalidates its realm cache on every node when one changes, so all nodes of a cluster read the same
 * settings. Parsed settings are memoised per node, keyed by the exact stored text, so a change is picked up
 * on the first sign-in after it.
 * <p>
 * {@link #write} is the one way settings are changed (the REST API, the Cognito import and the admin console page
 * all use it), so that every change also reaches the admin console page's copy and is recorded the same way.
 */
public final class RealmSettingsStore {

    public static final String ATTRIBUTE = "threatProtection.settings";
    /** The admin events of settings changes name this resource path, whichever way the change was made. */
    public static final String ADMIN_EVENT_PATH = "threat-protection/settings";

    /**
     * A copy of a realm's settings kept elsewhere: the admin console page. Updated after every write, in the
     * writing transaction, once the settings are stored; it reads them through {@link #read}.
     */
    @FunctionalInterface
    public interface SettingsCopy {
        void update(KeycloakSession session, RealmModel realm);
    }

    private static final Logger LOG = Logger.getLogger(RealmSettingsStore.class);

    private record Parsed(String text, RealmSettings settings) {
    }

    private final Map<String, Parsed> parsedByRealm = new ConcurrentHashMap<>();
    private final SettingsCopy copy;

    /** @param copy updated after every write */
    public RealmSettingsStore(SettingsCopy copy) {
        this.copy = copy;
    }

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

    /**
     * Validates and stores a document, updates the copy and records the change as an admin event:
     * {@code UPDATE} of resource type {@code CUSTOM} at {@link #ADMIN_EVENT_PATH}, the stored document as its
     * representation. On error nothing is stored and nothing recorded.
     *
     * @param adminEvent the builder of the request's admin event, or null when no admin made the change (server
     *                   code saving the admin console page outside an admin request): then there is no one to
     *                   record it for
     * @return the stored settings as {@code GET /settings} answers them
     */
    public ObjectNode write(KeycloakSession session, RealmModel realm, JsonNode document, AdminEventBuilder adminEvent)
            throws InvalidSettingsException {
        RealmSettings settings = SettingsParser.parse(document,
                clientId -> realm.getClientByClientId(clientId) != null);
        String text = Json.write(SettingsWriter.write(settings, clientId -> true));
        // The admin console page writes back what it just read; an unchanged attribute need not be stored again.
        if (!text.equals(realm.getAttribute(ATTRIBUTE))) {
            realm.setAttribute(ATTRIBUTE, text);
        }
        copy.update(session, realm);
        ObjectNode stored = SettingsWriter.write(settings, clientId -> realm.getClientByClientId(clientId) != null);
        if (adminEvent != null) {
            adminEvent.operation(OperationType.UPDATE)
                    .resource(ResourceType.CUSTOM)
                    .resourcePath(ADMIN_EVENT_PATH)
                    .representation(stored)
                    .success();
        }
        return stored;
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
