package io.github.threatprotection.challenge;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The SPI {@code threat-protection-challenge}. Keycloak picks its provider as for any SPI: the only one deployed,
 * else the one named by {@code --spi-threat-protection-challenge--provider=<id>}, else {@code proof-of-work}.
 */
public class ChallengeSpi implements Spi {

    public static final String NAME = "threat-protection-challenge";

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
        return ChallengeProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ChallengeProviderFactory.class;
    }
}
