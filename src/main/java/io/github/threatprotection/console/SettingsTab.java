package io.github.threatprotection.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.keycloak.services.ui.extend.UiTabProvider;
import org.keycloak.services.ui.extend.UiTabProviderFactory;
import org.keycloak.urls.UrlType;

import io.github.threatprotection.settings.InvalidSettingsException;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.SettingsWriter;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The realm's "Threat protection" tab in the admin console's Realm settings (declarative UI, feature
 * {@code declarative-ui}): one form, one record per realm, no list and no Create or Delete.
 * <p>
 * The admin console keeps the tab's values as a component of the realm (the first one of this provider) and
 * saves it through the components REST API. The realm attribute of
 * {@link io.github.threatprotection.settings.RealmSettingsStore} stays the one source of truth: saving the tab
 * validates its form with the settings parser and writes the attribute through the store, and the store has every
 * settings change (the REST API, the Cognito import, this tab) written back into the component, as does start-up,
 * so the tab always shows what {@code GET /settings} returns.
 */
public class SettingsTab implements UiTabProviderFactory<ComponentModel>, UiTabProvider {

    /** The provider's id; the admin console shows it as the tab's title. */
    public static final String ID = "Threat protection";
    /** The tab's part of the admin console's address: {@code #/{realm}/realm-settings/threat-protection}. */
    public static final String TAB = "threat-protection";
    /** A field with the event history page's address; what is typed into it is never kept. */
    static final String EVENT_HISTORY_FIELD = "eventHistoryPage";
    /** The provider of the earlier version's admin console page (a list of one item), removed at start. */
    static final String LEGACY_PAGE_ID = "threat-protection";
    private static final String LEGACY_PAGE_TYPE = "org.keycloak.services.ui.extend.UiPageProvider";

    private static final Logger LOG = Logger.getLogger(SettingsTab.class);
    /** Session attribute set while {@link #showCurrentSettings} saves the tab's component. */
    private static final String SHOWING_CURRENT_SETTINGS = SettingsTab.class.getName() + ".showing";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public UiTabProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getPath() {
        return "/:realm/realm-settings/:tab?";
    }

    @Override
    public Map<String, String> getParams() {
        return Map.of("tab", TAB);
    }

    @Override
    public String getHelpText() {
        return "Threat protection settings of this realm, the same document as GET/PUT "
                + "/admin/realms/{realm}/threat-protection/settings; saving checks them as that API does.";
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
            property.setHelpText(field.help());
            property.setType(switch (field.kind()) {
                case CHOICE -> ProviderConfigProperty.LIST_TYPE;
                case CHOICES -> ProviderConfigProperty.MULTIVALUED_LIST_TYPE;
                case BOOLEAN -> ProviderConfigProperty.BOOLEAN_TYPE;
                // Typed as text, so that the server's range check names a bad number rather than the browser
                // refusing it silently.
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
            properties.add(property);
        }
        ProviderConfigProperty history = new ProviderConfigProperty();
        history.setName(EVENT_HISTORY_FIELD);
        history.setLabel("Event history page (address)");
        history.setHelpText("Recent risk events with their reasons and feedback, and the 14-day audit summary. Copy"
                + " this address into the browser: it signs you in with your admin console account (master "
                + "realm). Admins of this realm who sign in to its own console open /realms/<this realm>/"
                + ConsoleResourceProviderFactory.ID + "/ instead. Its What if panel tries changed settings on the last"
                + " 14 days of sign-ins before you save them. Changing this field changes nothing.");
        // Keycloak 26.7's admin console leaves out a field's read-only flag (ModelToRepresentation does not copy
        // it), so the field can be typed into; the server puts the address back on every save.
        history.setReadOnly(true);
        history.setType(ProviderConfigProperty.STRING_TYPE);
        properties.add(history);
        return properties;
    }

    /**
     * Validates the form exactly like {@code PUT /settings} and, when it is valid, replaces the submitted values
     * with the settings as they will be stored, so the component never holds anything but the saved settings.
     */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        boolean creating = model.getId() == null || realm.getComponent(model.getId()) == null;
        if (creating && tabOf(realm).isPresent()) {
            throw message("This realm has its threat protection settings already: Realm settings, tab Threat protection.");
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
        model.setName(ID);
        model.getConfig().clear();
        formOf(session, realm, parsed, historyAddressOf(model)).forEach(model.getConfig()::put);
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

    /** Stores what an admin saved on the tab, through the settings store like every other settings change. */
    private static void save(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (session.getAttribute(SHOWING_CURRENT_SETTINGS) != null) {
            // The tab is being brought in line with the stored settings: nothing to store.
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
     * The event builder for the admin whose request saves the tab, built as Keycloak builds its own from the
     * bearer token it verified for this request: Keycloak hands tab components none. Null when no admin request
     * saves the tab.
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
     * Writes the realm's current settings into its tab's component, creating it if the realm has none, and removes
     * the earlier version's admin console page; does nothing where the admin console cannot show tabs. The
     * settings store calls it after every write, and the server at start and for each new realm.
     */
    public static void showCurrentSettings(KeycloakSession session, RealmModel realm) {
        if (!Profile.isFeatureEnabled(Profile.Feature.DECLARATIVE_UI)) {
            return;
        }
        removeLegacyPage(realm);
        Optional<ComponentModel> existing = tabOf(realm);
        Map<String, List<String>> form = formOf(session, realm, provider(session).settings().read(realm),
                existing.map(SettingsTab::historyAddressOf).orElse(null));
        if (existing.isPresent() && sameForm(form, existing.get().getConfig())) {
            return;
        }
        // Saving a component calls this tab's onCreate or onUpdate, which must not store these settings again
        // (that would call this again: the stored form can differ from ours in the order of a list's values).
        session.setAttribute(SHOWING_CURRENT_SETTINGS, realm.getId());
        try {
            if (existing.isPresent()) {
                ComponentModel tab = existing.get();
                tab.getConfig().clear();
                form.forEach(tab.getConfig()::put);
                realm.updateComponent(tab);
                return;
            }
            ComponentModel tab = new ComponentModel();
            tab.setName(ID);
            tab.setProviderId(ID);
            tab.setProviderType(UiTabProvider.class.getName());
            tab.setParentId(realm.getId());
            form.forEach(tab.getConfig()::put);
            realm.addComponentModel(tab);
            LOG.debugf("Added the threat protection settings tab to realm %s", realm.getName());
        } finally {
            session.removeAttribute(SHOWING_CURRENT_SETTINGS);
        }
    }

    /**
     * The earlier version kept its settings page (a list of one item, left in the admin console's menu) as a
     * component of another type. Its values were a copy of the realm attribute, so removing it loses nothing.
     */
    private static void removeLegacyPage(RealmModel realm) {
        realm.getComponentsStream(realm.getId(), LEGACY_PAGE_TYPE)
                .filter(component -> LEGACY_PAGE_ID.equals(component.getProviderId()))
                .toList()
                .forEach(page -> {
                    realm.removeComponent(page);
                    LOG.infof("Removed the old threat protection admin console page from realm %s; its settings"
                            + " are on the tab Realm settings > Threat protection", realm.getName());
                });
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

    private static Map<String, List<String>> formOf(KeycloakSession session, RealmModel realm, RealmSettings settings,
                                                    String knownHistoryAddress) {
        Map<String, List<String>> form = SettingsForm.toForm(document(realm, settings));
        form.put(EVENT_HISTORY_FIELD, List.of(historyAddress(session, realm, knownHistoryAddress)));
        return form;
    }

    /**
     * The event history page's address for an admin of the admin realm (master), whose admin console session
     * signs it in: the page in the target realm would ask for an account of that realm, which a master admin has
     * not. Absolute when a request says under which address the admin console is reached; without one (at
     * start), the address written before, or the path alone.
     */
    static String historyAddress(KeycloakSession session, RealmModel realm, String known) {
        String adminRealm = Config.getAdminRealm();
        String path = "/realms/" + Encode.encodePathSegment(adminRealm) + "/" + ConsoleResourceProviderFactory.ID
                + "/" + (realm.getName().equals(adminRealm) ? ""
                : "?realm=" + URLEncoder.encode(realm.getName(), StandardCharsets.UTF_8));
        String base = adminBaseUrl(session);
        if (base != null) {
            return base + path;
        }
        return known != null && known.endsWith(path) ? known : path;
    }

    private static String adminBaseUrl(KeycloakSession session) {
        try {
            if (session.getContext().getHttpRequest() == null) {
                return null;
            }
            String base = session.getContext().getUri(UrlType.ADMIN).getBaseUri().toString();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        } catch (RuntimeException e) {
            // No request in hand (start-up, a timer): there is no address the admin reaches the server under.
            return null;
        }
    }

    private static String historyAddressOf(ComponentModel component) {
        return component.getConfig() == null ? null : component.getConfig().getFirst(EVENT_HISTORY_FIELD);
    }

    private static ObjectNode document(RealmModel realm, RealmSettings settings) {
        return SettingsWriter.write(settings, clientId -> realm.getClientByClientId(clientId) != null);
    }

    private static Optional<ComponentModel> tabOf(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UiTabProvider.class.getName())
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
