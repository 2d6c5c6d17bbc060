package io.github.threatprotection.risk;

import java.time.Instant;

/**
 * Where and how a sign-in happened, as far as the risk score needs it: for the sign-in being evaluated, and
 * for each of the user's earlier successful sign-ins. Unknown parts are null.
 *
 * @param network          the address's IPv4 /24 or IPv6 /64
 * @param accuracyRadiusKm how far the true location may be from the coordinates
 * @param deviceId         the device cookie's id, or null when the browser brought no valid cookie of this user
 * @param disowned         the user or an admin said this sign-in was not them (feedback INVALID)
 */
public record SignInObservation(Instant time, String ipAddress, String network, String country, Long asn,
                                Double latitude, Double longitude, Integer accuracyRadiusKm, String deviceId,
                                boolean disowned) {

    public boolean hasPosition() {
        return latitude != null && longitude != null;
    }
}
