package io.github.threatprotection.signin;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.models.utils.SessionExpiration;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.github.threatprotection.keys.RealmDerivedKeys;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The e-mail code step ({@code threat-protection-email-code}): in the risk-driven MFA sub-flow, mails a one-time
 * code to a user whom the threat-protection step decided to ask for one ({@code accountTakeover.mfaFallback}
 * {@code EMAIL_CODE}, no OTP or WebAuthn, a verified address) and checks what they type. For anyone else it
 * stands aside, so the sub-flow's OTP Form or WebAuthn asks instead.
 * <p>
 * Per sign-in: 5 wrong codes end it (back to the password, as after a wrong one), 3 new codes may be asked for,
 * each code works once and for the configured lifetime. Wrong and expired codes are Keycloak LOGIN_ERROR events
 * like a wrong OTP, which is how the risk event learns the challenge's outcome ({@link SignInEventListener}).
 */
final class EmailCodeAuthenticator implements Authenticator {

    /** Auth-session note with the hashed code and the sign-in's counts ({@link EmailCode#encode()}). */
    static final String STATE_NOTE = "threatProtection.emailCode";
    static final String CODE_FIELD = "code";
    static final String RESEND_FIELD = "resend";
    static final String FORM_TEMPLATE = "threat-protection-email-code.ftl";
    /** The mail's template under the e-mail theme's html/ and text/. */
    static final String MAIL_TEMPLATE = "threat-protection-email-code.ftl";
    static final String MAIL_SUBJECT = "threat-protection-email-code.subject";

    private static final Logger LOG = Logger.getLogger(EmailCodeAuthenticator.class);

    private final KeycloakSession session;
    private final Duration lifetime;
    private final SecureRandom random;

    EmailCodeAuthenticator(KeycloakSession session, Duration lifetime, SecureRandom random) {
        this.session = session;
        this.lifetime = lifetime;
        this.random = random;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (!MfaChallenge.EMAIL_CODE.name().equals(authSession.getAuthNote(SecondFactor.CHALLENGE_NOTE))) {
            // The step asked for the user's own factor (or none): another step of the sub-flow asks for it.
            context.attempted();
            return;
        }
        EmailCode code = EmailCode.decode(authSession.getAuthNote(STATE_NOTE));
        if (code != null) {
            // the page again (reloaded, or back from "try another way"): no new mail
            context.challenge(form(context, code).createForm(FORM_TEMPLATE));
            return;
        }
        send(context, null, null);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        EmailCode code = EmailCode.decode(authSession.getAuthNote(STATE_NOTE));
        if (code == null) {
            authenticate(context);
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        if (form.containsKey(RESEND_FIELD)) {
            if (!code.canResend()) {
                context.challenge(form(context, code).setError("threatProtectionEmailCodeNoMoreResends")
                        .createForm(FORM_TEMPLATE));
                return;
            }
            send(context, code, "threatProtectionEmailCodeResent");
            return;
        }
        UserModel user = context.getUser();
        byte[] key = key(context.getRealm(), code.kid());
        EmailCode.Check check = key == null ? EmailCode.Check.EXPIRED
                : code.check(form.getFirst(CODE_FIELD), key, Time.currentTimeMillis(), lifetime);
        if (check != EmailCode.Check.EXPIRED && !claimTry(context)) {
            // submissions sent in parallel took this sign-in's tries between them; not even a right code passes
            count(context, "too_many_wrong");
            endSignIn(context, user);
            return;
        }
        switch (check) {
            case ACCEPTED -> {
                // single use: the note goes, and with it the code
                authSession.removeAuthNote(STATE_NOTE);
                count(context, "accepted");
                context.success();
            }
            case EXPIRED -> {
                count(context, "expired");
                context.getEvent().user(user).error(Errors.EXPIRED_CODE);
                context.failureChallenge(AuthenticationFlowError.EXPIRED_CODE, form(context, code)
                        .setError("threatProtectionEmailCodeExpired").createForm(FORM_TEMPLATE));
            }
            case WRONG -> {
                count(context, "wrong");
                EmailCode counted = code.withWrongTry();
                authSession.setAuthNote(STATE_NOTE, counted.encode());
                context.getEvent().user(user).error(Errors.INVALID_USER_CREDENTIALS);
                context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, form(context, counted)
                        .addError(new FormMessage(CODE_FIELD, "threatProtectionEmailCodeWrong", counted.triesLeft()))
                        .createForm(FORM_TEMPLATE));
            }
            case TOO_MANY_WRONG -> {
                count(context, "too_many_wrong");
                endSignIn(context, user);
            }
        }
    }

    /**
     * Takes one of the sign-in's {@link EmailCode#MAX_WRONG_TRIES} tries in Keycloak's single-use store, whose
     * put-if-absent is atomic across requests and nodes. The count in the auth note alone would let submissions
     * sent in parallel (each reading the same count) try more codes than that; the store does not. Keyed by the
     * sign-in's risk event, so a new sign-in in the same browser tab has tries of its own.
     */
    private boolean claimTry(AuthenticationFlowContext context) {
        String eventId = context.getAuthenticationSession().getAuthNote(SecondFactor.PENDING_EVENT_NOTE);
        long lifespan = SessionExpiration.getAuthSessionLifespan(context.getRealm());
        for (int i = 1; i <= EmailCode.MAX_WRONG_TRIES; i++) {
            if (session.singleUseObjects().putIfAbsent("threat-protection-email-code-try:" + eventId + ":" + i,
                    lifespan)) {
                return true;
            }
        }
        return false;
    }

    private void count(AuthenticationFlowContext context, String result) {
        session.getProvider(ThreatProtectionProvider.class).metrics().emailCode(context.getRealm().getName(),
                result);
    }

    /**
     * The last wrong code ends the sign-in: the login page again, with the password to be typed anew and a new
     * sign-in (a new risk event, new limits) to follow. Counted towards brute-force lockout like the wrong codes
     * before it.
     */
    private static void endSignIn(AuthenticationFlowContext context, UserModel user) {
        context.getEvent().user(user).error(Errors.INVALID_USER_CREDENTIALS);
        RealmModel realm = context.getRealm();
        if (realm.isBruteForceProtected()) {
            context.getSession().getProvider(BruteForceProtector.class).failedLogin(realm, user,
                    context.getConnection(), context.getUriInfo(), null);
        }
        context.getSession().getProvider(LoginFormsProvider.class)
                .addError(new FormMessage(null, "threatProtectionEmailCodeTooManyTries"));
        context.resetFlow();
    }

    /** Mails a new code, keeps its hash in place of the previous one's, and shows the form. */
    private void send(AuthenticationFlowContext context, EmailCode previous, String infoMessage) {
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        KeyWrapper realmKey = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
        byte[] key = derive(realm, realmKey);
        String digits = EmailCode.newCode(random);
        long now = Time.currentTimeMillis();
        EmailCode code = previous == null ? EmailCode.first(digits, realmKey.getKid(), key, now, random)
                : previous.resent(digits, realmKey.getKid(), key, now, random);

        Map<String, Object> attributes = new HashMap<>();
        attributes.put("code", digits);
        attributes.put("username", user.getUsername());
        attributes.put("validityMinutes", validityMinutes());
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank()
                ? realm.getName() : realm.getDisplayName();
        attributes.put("realmName", realmName);
        boolean sent = true;
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .setAuthenticationSession(context.getAuthenticationSession())
                    .send(MAIL_SUBJECT, List.of(realmName), MAIL_TEMPLATE, attributes);
        } catch (EmailException e) {
            // The code counts as sent (a resend is the way on), so an SMTP outage cannot be used for more codes.
            LOG.warnf(e, "The sign-in code for user %s of realm %s could not be mailed", user.getId(),
                    realm.getName());
            sent = false;
        }
        count(context, sent ? "sent" : "not_sent");
        context.getAuthenticationSession().setAuthNote(STATE_NOTE, code.encode());
        LoginFormsProvider form = form(context, code);
        if (!sent) {
            form.setError("threatProtectionEmailCodeNotSent");
        } else if (infoMessage != null) {
            form.setInfo(infoMessage);
        }
        context.challenge(form.createForm(FORM_TEMPLATE));
    }

    private LoginFormsProvider form(AuthenticationFlowContext context, EmailCode code) {
        return context.form().setAttribute("threatProtectionEmailCode",
                new FormBean(code.triesLeft(), code.resendsLeft(), validityMinutes()));
    }

    /** The lifetime as the mail and form say it, in whole minutes (at least one). */
    private long validityMinutes() {
        return Math.max(1, (lifetime.toSeconds() + 59) / 60);
    }

    /** The hash key from the realm key with this kid, or null when that key is gone (rotated out). */
    private byte[] key(RealmModel realm, String kid) {
        KeyWrapper realmKey = session.keys().getKey(realm, kid, KeyUse.SIG, Algorithm.HS512);
        return realmKey == null || realmKey.getSecretKey() == null ? null : derive(realm, realmKey);
    }

    private byte[] derive(RealmModel realm, KeyWrapper realmKey) {
        return session.getProvider(ThreatProtectionProvider.class).realmDerivedKeys()
                .key(RealmDerivedKeys.Use.EMAIL_CODE, realm.getId(), realmKey.getKid(), realmKey.getSecretKey());
    }

    /** What the form template reads as {@code threatProtectionEmailCode}: a bean, as FreeMarker reads them. */
    public static final class FormBean {
        private final int triesLeft;
        private final int resendsLeft;
        private final long validityMinutes;

        FormBean(int triesLeft, int resendsLeft, long validityMinutes) {
            this.triesLeft = triesLeft;
            this.resendsLeft = resendsLeft;
            this.validityMinutes = validityMinutes;
        }

        public int getTriesLeft() {
            return triesLeft;
        }

        public int getResendsLeft() {
            return resendsLeft;
        }

        public long getValidityMinutes() {
            return validityMinutes;
        }
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    /**
     * True for everyone: whether this step acts is the threat-protection step's decision for the sign-in, which
     * it reads in {@link #authenticate}; answering false would make Keycloak fail the sub-flow instead.
     */
    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
