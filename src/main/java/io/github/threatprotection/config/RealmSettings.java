package io.github.threatprotection.config;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A realm's validated settings document: the realm-wide settings, realm-only options and each client's
 * override, already merged into the settings that apply to that client's sign-ins.
 */
public final class RealmSettings {

    public static final RealmSettings DEFAULTS =
            new RealmSettings(ThreatProtectionSettings.DEFAULTS, Retention.DEFAULT, Map.of(), Map.of());

    private final ThreatProtectionSettings realm;
    private final Retention retention;
    private final Map<String, ObjectNode> clientOverrides;
    private final Map<String, ThreatProtectionSettings> effectiveByClient;

    RealmSettings(ThreatProtectionSettings realm, Retention retention, Map<String, ObjectNode> clientOverrides,
                  Map<String, ThreatProtectionSettings> effectiveByClient) {
        this.realm = realm;
        this.retention = retention;
        this.clientOverrides = Map.copyOf(clientOverrides);
        this.effectiveByClient = Map.copyOf(effectiveByClient);
    }

    public ThreatProtectionSettings realm() {
        return realm;
    }

    public Retention retention() {
        return retention;
    }

    /** The overrides as the admin wrote them, keyed by clientId. */
    public Map<String, ObjectNode> clientOverrides() {
        return clientOverrides;
    }

    /** The settings for a sign-in through this client: the realm's, with the client's override merged over. */
    public ThreatProtectionSettings forClient(String clientId) {
        return clientId == null ? realm : effectiveByClient.getOrDefault(clientId, realm);
    }

    /** How long risk events are kept. */
    public record Retention(int eventDays) {
        public static final Retention DEFAULT = new Retention(730);
    }
}
