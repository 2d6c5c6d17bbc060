package io.github.threatprotection.geo;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.AnonymousIpResponse;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;

/**
 * What a configured database is expected to hold: the GeoIP2 model its records decode into and the typed
 * {@link DatabaseReader} method that looks them up.
 */
record DatabaseKind<T>(String label, Class<T> model, TypedLookup<T> typedLookup) {

    static final DatabaseKind<CityResponse> CITY =
            new DatabaseKind<>("City", CityResponse.class, DatabaseReader::tryCity);
    static final DatabaseKind<AsnResponse> ASN =
            new DatabaseKind<>("ASN", AsnResponse.class, DatabaseReader::tryAsn);
    static final DatabaseKind<AnonymousIpResponse> ANONYMOUS_IP =
            new DatabaseKind<>("Anonymous-IP", AnonymousIpResponse.class, DatabaseReader::tryAnonymousIp);

    @FunctionalInterface
    interface TypedLookup<T> {
        Optional<T> find(DatabaseReader reader, InetAddress address) throws IOException, GeoIp2Exception;
    }
}
