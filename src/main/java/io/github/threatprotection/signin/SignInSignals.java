package io.github.threatprotection.signin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.github.threatprotection.device.DeviceCookie;
import io.github.threatprotection.geo.GeoLocation;
import io.github.threatprotection.history.RecentActivity;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskScorer;
import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.risk.SessionContext;
import io.github.threatprotection.risk.SignInFacts;
import io.github.threatprotection.risk.SignInObservation;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * Gathers what the risk score of one sign-in needs from Keycloak and the extension's stores: where the address
 * is, the device cookie, the user's recent sign-ins, reputation lists and failure counts. History and counts
 * are read only when the score is asked for, so an IP exception that decides costs no database reads.
 */
final class SignInSignals {

    /** Earlier sign-ins compared with: enough to know a user's usual places, bounded to keep reads cheap. */
    static final int HISTORY_SIZE = 50;

    /** Recorded when a configured geolocation database cannot be used, so the event shows what was missing. */

    private static final RiskScorer SCORER = new RiskScorer();

    private final KeycloakSession session;
    private final ThreatProtectionProvider threatProtection;
    private final RealmModel realm;
    private final UserModel user;
    private final ClientAddress address;
    private final boolean storeNetworkOnly;
    private final boolean directGrant;
    private final GeoLocation location;
    private final String deviceId;
    private boolean knownDevice;
    private SignInFacts facts;

    /** @param storeNetworkOnly the realm's {@code privacy.storeNetworkOnly} */
    SignInSignals(KeycloakSession session, ThreatProtectionProvider threatProtection, RealmModel realm,
                  UserModel user, ClientAddress address, boolean storeNetworkOnly, boolean directGrant) {
        this.session = session;
        this.threatProtection = threatProtection;
        this.realm = realm;
        this.user = user;
        this.address = address;
        this.storeNetworkOnly = storeNetworkOnly;
        this.directGrant = directGrant;
        this.location = threatProtection.geoLocator().locate(address);
        // API clients of the direct grant keep no cookies: for them "new device" would always be true
        this.deviceId = directGrant ? null : DeviceCookie.read(session, threatProtection.realmDerivedKeys(), realm,
                user, deviceCookieMaxAgeSeconds());
    }

    /** @param userAtRisk why the user's remembered risk is AT_RISK, or null */
    RiskScorer.Score score(RiskScoring scoring, String userAtRisk) {
        RiskScoring effective = directGrant ? scoring.without(RiskSignal.NEW_DEVICE) : scoring;
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        // Compared with the history as it is stored: a realm that stores networks only has networks there.
        SignInObservation observation = new SignInObservation(now, address.recorded(storeNetworkOnly),
                address.recordedNetwork(storeNetworkOnly), location.country(), location.asn(), location.latitude(),
                location.longitude(), location.accuracyRadiusKm(), deviceId, false);
        Instant since = now.minus(effective.velocityWindow());
        RecentActivity stored = threatProtection.recentActivity().read(realm.getId(), user.getId(),
                address.network(), since, HISTORY_SIZE, effective.failuresToRead());
        Optional<String> reputation = threatProtection.reputationLists().match(address, storeNetworkOnly);
        if (reputation.isEmpty()) {
            reputation = Optional.ofNullable(location.anonymityDetail(address.recorded(storeNetworkOnly)));
        }
        facts = RiskScorer.facts(observation, new RiskScorer.Context(stored.signIns(),
                reputation.isPresent(), reputation.orElse(null),
                storeNetworkOnly ? asStoredNetworks(stored.userFailuresByNetwork()) : stored.userFailuresByNetwork(),
                stored.networkUsers(), stored.networkFailures(), userAtRisk));
        RiskScorer.Score score = SCORER.score(effective, observation, facts);
        knownDevice = score.knownDevice();
        List<String> geoProblems = threatProtection.geoLocator().problems();
        if (geoProblems.isEmpty()) {
            return score;
        }
        List<RiskReason> reasons = new ArrayList<>(score.reasons());
        reasons.add(new RiskReason(RiskSignal.GEOLOCATION_UNAVAILABLE, 0, String.join("; ", geoProblems)
                + ": location signals were not evaluated"));
        return new RiskScorer.Score(score.level(), score.total(), reasons, score.knownDevice());
    }

    /**
     * Failures keep the /24 or /64 they came from; a realm that stores networks only keeps /24 or /48 in its
     * history. Compared like with like, so that failures from a known network count as such.
     */
    private static Map<String, Integer> asStoredNetworks(Map<String, Integer> failuresByNetwork) {
        Map<String, Integer> converted = new HashMap<>();
        // A network's privacy network is that of its first address
        failuresByNetwork.forEach((failureNetwork, count) -> converted.merge(failureNetwork == null ? null
                : ClientAddress.of(failureNetwork.substring(0, failureNetwork.indexOf('/') < 0
                ? failureNetwork.length() : failureNetwork.indexOf('/'))).privacyNetwork(), count, Integer::sum));
        return converted;
    }

    /** Whether the score found this browser among the user's trusted earlier sign-ins; false before scoring. */
    boolean knownDevice() {
        return knownDevice;
    }

    /** What the score was computed from, kept with the event; null when it was not scored. */
    SignInFacts facts() {
        return facts;
    }

    /** An API client of the direct grant, which keeps no cookies. */
    boolean cookieless() {
        return directGrant;
    }

    /** The device id of the valid cookie this request brought, or null. */
    String deviceId() {
        return deviceId;
    }

    /** After a sign-in that goes on: a fresh cookie for this device (a new device gets its id now). */
    String reissueDeviceCookie() {
        return directGrant ? null : DeviceCookie.issue(session, threatProtection.realmDerivedKeys(), realm, user,
                deviceId, deviceCookieMaxAgeSeconds());
    }

    private int deviceCookieMaxAgeSeconds() {
        return threatProtection.settings().read(realm).privacy().deviceCookieMaxAgeDays() * 24 * 3600;
    }

    /**
     * What the user session this sign-in makes is compared with later: the network (as the realm keeps it, never
     * the address), place and device.
     */
    SessionContext sessionContext(String recordedDeviceId) {
        return new SessionContext(address.recordedNetwork(storeNetworkOnly), location.asn(), location.country(),
                recordedDeviceId, Instant.ofEpochMilli(Time.currentTimeMillis()), location.latitude(),
                location.longitude(), location.accuracyRadiusKm());
    }

    /** The event's context: address (as the realm keeps it), device and what geolocation knows. */
    RiskEvent.Context context(String deviceName, String recordedDeviceId) {
        return new RiskEvent.Context(address.recorded(storeNetworkOnly), deviceName, location.city(),
                location.country(), address.recordedNetwork(storeNetworkOnly), location.asn(), location.latitude(),
                location.longitude(), location.accuracyRadiusKm(), recordedDeviceId);
    }
}
