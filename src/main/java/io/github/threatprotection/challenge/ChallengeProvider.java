package io.github.threatprotection.challenge;

import jakarta.ws.rs.core.MultivaluedMap;

import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.provider.Provider;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.settings.ThreatProtectionSettings.Challenge;

/**
 * A challenge the login page puts to a browser before its password is checked, when the sign-in comes from a
 * throttled source whose settings say {@code CHALLENGE}: something a person's browser passes at little cost and a
 * script sending thousands of passwords cannot afford. The default provider, {@code proof-of-work}, needs no third
 * party; a CAPTCHA service (Turnstile, hCaptcha, reCAPTCHA) fits the same two methods. See
 * {@code docs/challenge.md}.
 * <p>
 * Both methods run in the sign-in's request; {@link #verify} runs before any user is looked up, so it must not
 * reveal whether an account exists, and must refuse a solution used before (cluster-wide).
 */
public interface ChallengeProvider extends Provider {

    /**
     * Puts a fresh challenge, bound to this sign-in, on the login page about to be rendered: typically a script
     * (the {@code scripts} attribute of Keycloak's login templates) that solves or shows it and adds its answer to
     * the username/password form.
     */
    void addTo(LoginFormsProvider page, AuthenticationSessionModel signIn, Challenge settings);

    /**
     * Checks the answer in the posted form, and uses it up when it passes.
     *
     * @return {@link ChallengeResult#SOLVED}, or a refusal naming why
     */
    ChallengeResult verify(MultivaluedMap<String, String> form, AuthenticationSessionModel signIn,
                           Challenge settings);
}
