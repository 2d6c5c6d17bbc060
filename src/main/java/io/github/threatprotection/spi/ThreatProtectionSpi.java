package io.github.threatprotection.spi;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The extension's own SPI, {@code threat-protection}. Its provider {@code default} carries the server options
 * ({@code --spi-threat-protection--default--<option>}) and the per-node services the flow steps and REST API
 * share.
 */
public class ThreatProtectionSpi implements Spi {

    public static final String NAME = "threat-protection";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return ThreatProtectionProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ThreatProtectionProviderFactory.class;
    }
}
