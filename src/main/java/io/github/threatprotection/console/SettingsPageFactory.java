package io.github.threatprotection.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.Profile;
import org.keycloak.common.util.Encode;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.ui.extend.UiPageProvider;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

import io.github.threatprotection.settings.InvalidSettingsException;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.SettingsWriter;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The realm's "threat-protection" page in the admin console (declarative UI, feature {@code declarative-ui}).
 * <p>
 * The admin console keeps such a page as a component of the realm and saves it through the components REST
 * API. The realm attribute of {@link io.github.threatprotection.settings.RealmSettingsStore} stays the one source
 * of truth: saving the page validates its form with the settings parser and writes the attribute through the
 * store, and the store has every settings change (the REST API, the Cognito import, this page) written back into
 * the component, as does start-up, so the page always shows what {@code GET /settings} returns.
 */
public class SettingsPageFactory implements UiPageProviderFactory<ComponentModel>, UiPageProvider {

    public static final String ID = "threat-protection";
    /** A read-only field with the event history page's address. */
    static final String EVENT_HISTORY_FIELD = "eventHistoryPage";

    private static final Logger LOG = Logger.getLogger(SettingsPageFactory.class);
    /** Session attribute set while {@link #showCurrentSettings} saves the page. */
    private static final String SHOWING_CURRENT_SETTINGS = SettingsPageFactory.class.getName() + ".showing";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public UiPageProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getHelpText() {
        return "Threat protection settings of this realm, the same document as GET/PUT "
                + "/admin/realms/{realm}/threat-protection/settings; saving checks them as that API does. "
                + "Event history, feedback, the 14-day audit summary, and What if (what changed settings would have"
                + " done to the last 14 days of sign-ins, before you save them): /realms/{realm}/"
                + ConsoleResourceProviderFactory.ID + "/ (its address is the page's last field; master admins open "
                + "/realms/master/" + ConsoleResourceProviderFactory.ID + "/?realm={realm}).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        List<ProviderConfigProperty> properties = new ArrayList<>();
        Map<String, List<String>> defaults = SettingsForm.toForm(
                SettingsWriter.write(RealmSettings.DEFAULTS, clientId -> true));
        for (SettingsForm.Field field : SettingsForm.fields()) {
            ProviderConfigProperty property = new ProviderConfigProperty();
            property.setName(field.name());
            property.setLabel(field.label());
            property.setHelpText("Setting " + field.path() + " of the settings document");
            property.setType(switch (field.kind()) {
                case CHOICE -> ProviderConfigProperty.LIST_TYPE;
                case CHOICES -> ProviderConfigProperty.MULTIVALUED_LIST_TYPE;
                case BOOLEAN -> ProviderConfigProperty.BOOLEAN_TYPE;
                case NUMBER, TEXT -> ProviderConfigProperty.STRING_TYPE;
                case TEXT_BLOCK, LINES, JSON -> ProviderConfigProperty.TEXT_TYPE;
            });
            if (!field.options().isEmpty()) {
                property.setOptions(field.options());
            }
            List<String> defaultValue = defaults.get(field.name());
            if (defaultValue != null && !defaultValue.isEmpty()) {
                property.setDefaultValue(field.kind() == SettingsForm.Kind.CHOICES ? defaultValue
                        : defaultValue.get(0));
            }
            if (field.kind() == SettingsForm.Kind.LINES) {
                property.setHelpText("One entry per line: an IP address or CIDR block (" + field.path() + ")");
            } else if (field.kind() == SettingsForm.Kind.JSON) {
                property.setHelpText("Per-client overrides as in the settings document: {\"clientId\": {\"mode\":"
                        + " \"ENFORCED\", ...}}. A client's object may hold any section except retention.");
            }
            properties.add(property);
        }
        ProviderConfigProperty history = new ProviderConfigProperty();
        history.setName(EVENT_HISTORY_FIELD);
        history.setLabel("Event history and audit summary page");
        history.setHelpText("Open this address on this server for recent risk events, feedback, the 14-day"
                + " summary, and What if: try changed settings on the last 14 days of sign-ins before saving them");
        history.setType(ProviderConfigProperty.STRING_TYPE);
        history.setReadOnly(true);
        properties.add(history);
        return properties;
    }

    @Override
    public Map<String, Object> getTypeMetadata() {
        return Map.of("displayFields", List.of("mode"));
    }

    /**
     * Validates the form exactly like {@code PUT /settings} and, when it is valid, replaces the submitted values
     * with the settings as they will be stored, so the component never holds anything but the saved settings.
     */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        boolean creating = model.getId() == null || realm.getComponent(model.getId()) == null;
        if (creating && pageOf(realm).isPresent()) {
            throw message("This realm has its threat protection page already; open it from the list.");
        }
        RealmSettings current = provider(session).settings().read(realm);
        SettingsForm.Document submitted = SettingsForm.toDocument(model.getConfig(), document(realm, current));
        if (!submitted.errors().isEmpty()) {
            throw message(SettingsForm.describe(submitted.errors()));
        }
        RealmSettings parsed;
        try {
            parsed = SettingsParser.parse(submitted.document(),
                    clientId -> realm.getClientByClientId(clientId) != null);
        } catch (InvalidSettingsException e) {
            throw message(SettingsForm.describe(e.errors()));
        }
        model.setName("Threat protection");
        model.getConfig().clear();
        formOf(realm, parsed).forEach(model.getConfig()::put);
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        save(session, realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel,
                         ComponentModel newModel) {
        save(session, realm, newModel);
    }

    /** Stores what an admin saved on the page, through the settings store like every other settings change. */
    private static void save(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (session.getAttribute(SHOWING_CURRENT_SETTINGS) != null) {
            // The page is being brought in line with the stored settings: nothing to store.
            return;
        }
        ThreatProtectionProvider threatProtection = provider(session);
        JsonNode document = SettingsForm.toDocument(model.getConfig(),
                document(realm, threatProtection.settings().read(realm))).document();
        try {
            threatProtection.settings().write(session, realm, document, adminEvent(session, realm));
        } catch (InvalidSettingsException e) {
            // validateConfiguration ran on the same values just before
            throw message(SettingsForm.describe(e.errors()));
        }
    }

    /**
     * The event builder for the admin whose request saves the page, built as Keycloak builds its own from the
     * bearer token it verified for this request: Keycloak hands page components none. Null when no admin request
     * saves the page.
     */
    private static AdminEventBuilder adminEvent(KeycloakSession session, RealmModel realm) {
        KeycloakContext context = session.getContext();
        if (!(context.getBearerToken() instanceof AccessToken token) || token.getIssuer() == null) {
            return null;
        }
        String issuer = token.getIssuer();
        RealmModel adminRealm = session.realms().getRealmByName(
                Encode.decodePath(issuer.substring(issuer.lastIndexOf('/') + 1)));
        UserModel admin = context.getUser();
        ClientModel client = adminRealm == null || token.getIssuedFor() == null ? null
                : adminRealm.getClientByClientId(token.getIssuedFor());
        if (admin == null || client == null) {
            return null;
        }
        return new AdminEventBuilder(realm, new AdminAuth(adminRealm, token, admin, client), session,
                context.getConnection());
    }

    /**
     * Writes the realm's current settings into its page, creating the page if the realm has none; does nothing
     * where the admin console cannot show pages. The settings store calls it after every write, and the server
     * at start and for each new realm.
     */
    public static void showCurrentSettings(KeycloakSession session, RealmModel realm) {
        if (!Profile.isFeatureEnabled(Profile.Feature.DECLARATIVE_UI)) {
            return;
        }
        Map<String, List<String>> form = formOf(realm, provider(session).settings().read(realm));
        Optional<ComponentModel> existing = pageOf(realm);
        if (existing.isPresent() && sameForm(form, existing.get().getConfig())) {
            return;
        }
        // Saving a component calls this page's onCreate or onUpdate, which must not store these settings again
        // (that would call this again: the stored form can differ from ours in the order of a list's values).
        session.setAttribute(SHOWING_CURRENT_SETTINGS, realm.getId());
        try {
            if (existing.isPresent()) {
                ComponentModel page = existing.get();
                page.getConfig().clear();
                form.forEach(page.getConfig()::put);
                realm.updateComponent(page);
                return;
            }
            ComponentModel page = new ComponentModel();
            page.setName("Threat protection");
            page.setProviderId(ID);
            page.setProviderType(UiPageProvider.class.getName());
            page.setParentId(realm.getId());
            form.forEach(page.getConfig()::put);
            realm.addComponentModel(page);
            LOG.debugf("Added the threat protection admin console page to realm %s", realm.getName());
        } finally {
            session.removeAttribute(SHOWING_CURRENT_SETTINGS);
        }
    }

    /** Keycloak keeps a component's values of a field without their order, and no field without values. */
    private static boolean sameForm(Map<String, List<String>> form, Map<String, List<String>> stored) {
        return comparable(form).equals(comparable(stored));
    }

    private static Map<String, List<String>> comparable(Map<String, List<String>> form) {
        Map<String, List<String>> result = new HashMap<>();
        form.forEach((name, values) -> {
            if (values != null && !values.isEmpty()) {
                result.put(name, values.stream().sorted(Comparator.nullsFirst(Comparator.naturalOrder())).toList());
            }
        });
        return result;
    }

    private static Map<String, List<String>> formOf(RealmModel realm, RealmSettings settings) {
        Map<String, List<String>> form = SettingsForm.toForm(document(realm, settings));
        form.put(EVENT_HISTORY_FIELD, List.of(ConsoleResourceProviderFactory.path(realm)));
        return form;
    }

    private static ObjectNode document(RealmModel realm, RealmSettings settings) {
        return SettingsWriter.write(settings, clientId -> realm.getClientByClientId(clientId) != null);
    }

    private static Optional<ComponentModel> pageOf(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UiPageProvider.class.getName())
                .filter(component -> ID.equals(component.getProviderId()))
                .findFirst();
    }

    /** Keycloak formats the message with MessageFormat; passing it as the argument keeps quotes and braces. */
    private static ComponentValidationException message(String text) {
        return new ComponentValidationException("{0}", text);
    }

    private static ThreatProtectionProvider provider(KeycloakSession session) {
        return session.getProvider(ThreatProtectionProvider.class);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
