package io.github.threatprotection.signin;

import io.github.threatprotection.breach.SignInBreachCheck;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;

/**
 * Which sign-ins spend the breach check's time, decided the same way for a right password (the step) and a
 * wrong one (the failure listener), so that response times tell neither apart. Only what the caller controls
 * or what holds for every password of the account decides: the settings for the client and the address, never
 * the password, the user's history or the answer.
 */
final class SignInTiming {

    private SignInTiming() {
    }

    /**
     * Whether a right password from this address would be checked against breach data. An always-blocked
     * address is refused before any lookup, so it never waits for one.
     */
    static boolean reachesBreachCheck(ThreatProtectionSettings settings, ClientAddress address,
                                      SignInBreachCheck check) {
        return settings.mode() != Mode.OFF
                && settings.compromisedCredentials().events().contains(EventType.SIGN_IN)
                && check.isConfigured()
                && settings.ipExceptions().alwaysBlock().match(address).isEmpty();
    }
}
