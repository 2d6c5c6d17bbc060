package io.github.threatprotection.challenge;

import org.keycloak.provider.ProviderFactory;

/** A factory of {@link ChallengeProvider}s, registered in {@code META-INF/services} under this interface's name. */
public interface ChallengeProviderFactory extends ProviderFactory<ChallengeProvider> {
}
