package io.github.threatprotection.challenge;

import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriBuilder;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.theme.Theme;

import io.github.threatprotection.keys.RealmDerivedKeys;
import io.github.threatprotection.settings.ThreatProtectionSettings.Challenge;

/**
 * The default challenge: a {@link ProofOfWorkPuzzle} the login page's script solves with Web Crypto while the user
 * types. Signed with a key derived from the realm's HS512 key, bound to the realm and the sign-in, expiring after
 * {@code attackProtection.challenge.validitySeconds}, and used up in Keycloak's single-use object store (shared by
 * the cluster) once it passes, so a solved form posted again is refused on any node.
 */
final class ProofOfWorkChallengeProvider implements ChallengeProvider {

    /** The form fields the script adds to the username/password form. */
    static final String PUZZLE_FIELD = "threat-protection-challenge";
    static final String SOLUTION_FIELD = "threat-protection-solution";
    /** Where {@link ChallengeScriptResource} serves the script, under {@code /realms/{realm}/threat-protection}. */
    static final String SCRIPT_PATH = "challenge/proof-of-work.js";
    private static final String USED_KEY = "threat-protection.challenge-used:";
    private static final String KEY_ALGORITHM = Algorithm.HS512;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(ProofOfWorkChallengeProvider.class);

    private final KeycloakSession session;
    private final RealmDerivedKeys keys;

    ProofOfWorkChallengeProvider(KeycloakSession session, RealmDerivedKeys keys) {
        this.session = session;
        this.keys = keys;
    }

    @Override
    public void addTo(LoginFormsProvider page, AuthenticationSessionModel signIn, Challenge settings) {
        RealmModel realm = signIn.getRealm();
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, KEY_ALGORITHM);
        ProofOfWorkPuzzle puzzle = ProofOfWorkPuzzle.issue(key.getKid(), settings.difficulty(),
                Time.currentTime() + settings.validity().toSeconds(), RANDOM);
        String token = puzzle.token(derivedKey(realm, key), realm.getId(), binding(signIn));
        Properties messages = messages(realm);
        URI script = UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                .path("realms").path(realm.getName()).path("threat-protection").path(SCRIPT_PATH)
                .queryParam("puzzle", token)
                .queryParam("checking", messages.getProperty("threatProtectionChallengeChecking",
                        "Checking your browser…"))
                .queryParam("checked", messages.getProperty("threatProtectionChallengeChecked",
                        "Your browser is checked."))
                .build();
        page.setAttribute("scripts", List.of(script.toString()));
    }

    @Override
    public ChallengeResult verify(MultivaluedMap<String, String> form, AuthenticationSessionModel signIn,
                                  Challenge settings) {
        RealmModel realm = signIn.getRealm();
        long now = Time.currentTime();
        ProofOfWorkPuzzle.Check check = ProofOfWorkPuzzle.check(form.getFirst(PUZZLE_FIELD),
                form.getFirst(SOLUTION_FIELD), kid -> {
                    KeyWrapper key = session.keys().getKey(realm, kid, KeyUse.SIG, KEY_ALGORITHM);
                    return key == null || key.getSecretKey() == null ? null : derivedKey(realm, key);
                }, realm.getId(), binding(signIn), now);
        if (!check.passed()) {
            return switch (check.refusal()) {
                case MISSING -> ChallengeResult.MISSING;
                case EXPIRED -> ChallengeResult.EXPIRED;
                case FORGED, WRONG_SOLUTION -> ChallengeResult.INVALID;
            };
        }
        // The entry lives as long as the puzzle could still pass, so the store forgets it when it no longer matters.
        long lifespan = Math.max(1, check.puzzle().expiresAt() - now + 1);
        if (!session.singleUseObjects().putIfAbsent(USED_KEY + check.puzzle().nonceText(), lifespan)) {
            return ChallengeResult.REPLAYED;
        }
        return ChallengeResult.SOLVED;
    }

    /** The sign-in a puzzle is for: one browser tab's authentication session. */
    static String binding(AuthenticationSessionModel signIn) {
        return signIn.getParentSession().getId() + "/" + signIn.getTabId();
    }

    private byte[] derivedKey(RealmModel realm, KeyWrapper key) {
        return keys.key(RealmDerivedKeys.Use.PROOF_OF_WORK, realm.getId(), key.getKid(), key.getSecretKey());
    }

    /** The login theme's texts in the page's language (the extension's messages are in every theme). */
    private Properties messages(RealmModel realm) {
        try {
            Locale locale = session.getContext().resolveLocale(null);
            return session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale);
        } catch (java.io.IOException e) {
            LOG.debugf(e, "login theme messages unavailable; the challenge's note is in English");
            return new Properties();
        }
    }

    @Override
    public void close() {
    }
}
