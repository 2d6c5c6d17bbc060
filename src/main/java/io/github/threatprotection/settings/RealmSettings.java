package io.github.threatprotection.settings;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A realm's validated settings document: the realm-wide settings, realm-only options and each client's
 * override, already merged into the settings that apply to that client's sign-ins.
 */
public final class RealmSettings {

    public static final RealmSettings DEFAULTS =
            new RealmSettings(ThreatProtectionSettings.DEFAULTS, Retention.DEFAULT, Privacy.DEFAULT, Map.of(), Map.of());

    private final ThreatProtectionSettings realm;
    private final Retention retention;
    private final Privacy privacy;
    private final Map<String, ObjectNode> clientOverrides;
    private final Map<String, ThreatProtectionSettings> effectiveByClient;

    RealmSettings(ThreatProtectionSettings realm, Retention retention, Privacy privacy,
                  Map<String, ObjectNode> clientOverrides, Map<String, ThreatProtectionSettings> effectiveByClient) {
        this.realm = realm;
        this.retention = retention;
        this.privacy = privacy;
        this.clientOverrides = Map.copyOf(clientOverrides);
        this.effectiveByClient = Map.copyOf(effectiveByClient);
    }

    public ThreatProtectionSettings realm() {
        return realm;
    }

    public Retention retention() {
        return retention;
    }

    public Privacy privacy() {
        return privacy;
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

    /**
     * What the realm keeps about the people who sign in: of the client address in the event history, and how long
     * a browser is remembered as a device.
     *
     * @param storeNetworkOnly       keep only the address's /24 (IPv4) or /48 (IPv6) network, in place of the
     *                               address, its network and in reasons; the novelty signals then compare networks
     * @param deviceCookieMaxAgeDays a device cookie older than this is no device (and the cookie's Max-Age); the
     *                               cookie is re-issued at every sign-in that goes on
     */
    public record Privacy(boolean storeNetworkOnly, int deviceCookieMaxAgeDays) {
        /** Browsers keep no cookie longer than 400 days (RFC 6265bis), so a longer maximum would mean nothing. */
        public static final int MAX_DEVICE_COOKIE_DAYS = 400;
        public static final Privacy DEFAULT = new Privacy(false, MAX_DEVICE_COOKIE_DAYS);
    }
}
