package io.github.threatprotection.challenge;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import io.github.threatprotection.spi.ThreatProtectionProvider;

/** Registers {@link ProofOfWorkChallengeProvider}, the SPI's default provider {@code proof-of-work}. */
public class ProofOfWorkChallengeProviderFactory implements ChallengeProviderFactory {

    public static final String ID = "proof-of-work";

    @Override
    public ChallengeProvider create(KeycloakSession session) {
        return new ProofOfWorkChallengeProvider(session,
                session.getProvider(ThreatProtectionProvider.class).realmDerivedKeys());
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
