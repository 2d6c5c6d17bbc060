package io.github.threatprotection.geo;

/**
 * Where an IP address is, as far as the configured databases know. Every part may be missing: each database
 * answers on its own, and most addresses are in some databases only.
 *
 * @param country          ISO 3166-1 alpha-2 code, such as {@code GB}
 * @param countryName      English name of the country
 * @param city             English name of the city
 * @param accuracyRadiusKm how far from the position the address may really be
 * @param asn              autonomous system that announces the address
 * @param anonymous        a VPN, hosting provider, public proxy or Tor exit node, per the Anonymous-IP database
 */
public record GeoLocation(String country, String countryName, String city, Double latitude, Double longitude,
        Integer accuracyRadiusKm, Long asn, String asnOrganization, boolean anonymous, boolean torExitNode) {

    public static final GeoLocation UNKNOWN =
            new GeoLocation(null, null, null, null, null, null, null, null, false, false);

    /** Whether there are coordinates to measure a distance from. */
    public boolean hasPosition() {
        return latitude != null && longitude != null;
    }

    /**
     * What the Anonymous-IP database says of the address, as a reputation reason's detail, or null when it flags
     * nothing.
     *
     * @param recordedAddress the address as the event keeps it
     */
    public String anonymityDetail(String recordedAddress) {
        if (!anonymous && !torExitNode) {
            return null;
        }
        return recordedAddress + " is flagged " + (torExitNode ? "as a Tor exit node" : "anonymous")
                + " by the anonymous-IP database";
    }
}
