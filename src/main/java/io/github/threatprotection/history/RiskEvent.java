package io.github.threatprotection.history;

import java.time.Instant;

import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.AuthenticationMethod;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.RiskAssessment;

/**
 * One evaluated sign-in, sign-up, password change or password reset, as kept in the event history.
 *
 * @param method       how the user proved who they were before a sign-in or reset was evaluated; null for a
 *                     password set at sign-up or password change
 * @param mfa          null when the risk level asked for no second factor
 * @param mfaChallenge which second factor was asked for; null with {@code mfa}, and for events recorded before
 *                     the e-mail code existed, which asked for the user's own ({@code MFA})
 * @param feedback     null until an admin or the user says whether it was them
 * @param notification null when the user is not to be told
 */
public record RiskEvent(String id, String realmId, EventType type, Instant time, String userId, String clientId,
                        EventResponse response, RiskAssessment risk, MfaOutcome mfa, MfaChallenge mfaChallenge,
                        Context context,
                        Method method, Feedback feedback, Notification notification) {

    /** The detail that names a risk event in Keycloak\'s own user events. */
    public static final String DETAIL_RISK_EVENT_ID = "risk_event_id";

    /**
     * How the user was authenticated.
     *
     * @param identityProvider the identity provider's alias for a {@code FEDERATED} sign-in, else null
     */
    public record Method(AuthenticationMethod kind, String identityProvider) {

        public static final Method PASSWORD = new Method(AuthenticationMethod.PASSWORD, null);
        public static final Method PASSKEY = new Method(AuthenticationMethod.PASSKEY, null);
        public static final Method RESET_LINK = new Method(AuthenticationMethod.RESET_LINK, null);
        public static final Method SSO_COOKIE = new Method(AuthenticationMethod.SSO_COOKIE, null);

        public static Method federated(String identityProviderAlias) {
            return new Method(AuthenticationMethod.FEDERATED, identityProviderAlias);
        }
    }

    /**
     * Where the request came from. Geolocation fields stay null when unknown; {@code deviceId} is the device
     * cookie's id, kept for the next sign-in's comparison and never shown.
     */
    public record Context(String ipAddress, String deviceName, String city, String country, String network,
                          Long asn, Double latitude, Double longitude, Integer accuracyRadiusKm, String deviceId) {

        /**
         * Only what the request itself shows, for an event that is not scored (a password set outside a sign-in,
         * a locked account). Its network is kept only where it stands in for the address.
         *
         * @param storeNetworkOnly the realm's {@code privacy.storeNetworkOnly}
         */
        public static Context of(ClientAddress address, boolean storeNetworkOnly, String deviceName) {
            return new Context(address.recorded(storeNetworkOnly), deviceName, null, null,
                    storeNetworkOnly ? address.privacyNetwork() : null, null, null, null, null, null);
        }
    }
}
