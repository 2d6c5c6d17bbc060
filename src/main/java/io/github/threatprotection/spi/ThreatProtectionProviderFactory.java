package io.github.threatprotection.spi;

import org.keycloak.provider.ProviderFactory;

public interface ThreatProtectionProviderFactory extends ProviderFactory<ThreatProtectionProvider> {
}
