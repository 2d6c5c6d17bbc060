package io.github.threatprotection.signin;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.messages.Messages;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.breach.SignInBreachCheck;
import io.github.threatprotection.challenge.ChallengeProvider;
import io.github.threatprotection.challenge.ChallengeResult;
import io.github.threatprotection.decision.ReplayFacts;
import io.github.threatprotection.decision.SignInDecision;
import io.github.threatprotection.decision.UserRiskEffect;
import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.history.EventResponse;
import io.github.threatprotection.history.MfaOutcome;
import io.github.threatprotection.history.Notification;
import io.github.threatprotection.history.NotificationStatus;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.notification.NotificationSender;
import io.github.threatprotection.notification.UserMailLimit;
import io.github.threatprotection.password.CompromisedPasswordLock;
import io.github.threatprotection.password.UpdateCompromisedPasswordFactory;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.session.SessionContextNote;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.spi.ThreatProtectionProvider;
import io.github.threatprotection.userrisk.UserRiskStore;

/**
 * The {@code threat-protection} flow step. Runs right after the user was authenticated, in the same request:
 * after the password step (the submitted password is checked against breach data too), after a passkey, in a
 * post broker login flow, or in a reset-credentials flow once the mailed link is used ({@link Entrance}).
 * Evaluates the sign-in or reset against the settings for its client, records the result, and lets it through,
 * asks the MFA sub-flow after it for a second factor, or refuses it: a password sign-in like a wrong password,
 * anything else with an error page (there is no password whose correctness a refusal could give away).
 */
public class ThreatProtectionAuthenticator implements Authenticator {

    /** Details added to Keycloak's LOGIN and LOGIN_ERROR events. */
    public static final String DETAIL_RISK_LEVEL = "risk_level";
    public static final String DETAIL_RISK_ACTION = "risk_action";
    /** On a refusal's LOGIN_ERROR: the browser brought a device cookie of this user seen before. */
    static final String DETAIL_KNOWN_DEVICE = "risk_known_device";
    static final String PASSWORD_FIELD = "password";
    /** The refused reset's page text, in the extension's messages. */
    static final String RESET_REFUSED_MESSAGE = "threatProtectionResetBlocked";
    /** The page of a sign-in whose risk level's action is {@code CHALLENGE}, in the login theme. */
    static final String CHALLENGE_TEMPLATE = "threat-protection-challenge.ftl";

    private final KeycloakSession session;

    public ThreatProtectionAuthenticator(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        long started = System.nanoTime();
        ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        String clientId = context.getAuthenticationSession().getClient().getClientId();
        RealmSettings realmSettings = threatProtection.settings().read(realm);
        ThreatProtectionSettings settings = realmSettings.forClient(clientId);
        if (pending(context) != null) {
            showChallenge(context, threatProtection, settings);
            return;
        }
        Entrance entrance = Entrance.of(context);
        // A lock holds whatever the mode: turning protection off must not open the door to a breached password.
        // A reset is how a locked account gets its new password, so the lock does not apply to it.
        boolean locked = !entrance.passwordReset() && CompromisedPasswordLock.isLocked(user);
        if (!locked && settings.mode() == Mode.OFF) {
            context.success();
            return;
        }
        ClientAddress address = ClientAddress.of(context.getConnection().getRemoteAddr());
        boolean storeNetworkOnly = realmSettings.privacy().storeNetworkOnly();
        SignInBreachCheck breachCheck = threatProtection.signInBreachCheck();
        boolean checksPassword = entrance.password() && SignInTiming.reachesBreachCheck(settings, address, breachCheck);

        if (locked) {
            if (checksPassword) {
                // as late as a wrong password for this account would be answered
                breachCheck.waitAsIfChecked();
            }
            RiskAssessment lockedAccount = SignInDecision.lockedAccount(CompromisedPasswordLock.reason(user)
                    .map(CompromisedPasswordLock.Reason::words).orElse(null));
            record(context, threatProtection, clientId, entrance, lockedAccount, EventResponse.FAIL,
                    null, null, RiskEvent.Context.of(address, storeNetworkOnly, deviceName(context)), null, started,
                    null);
            refuse(context, entrance, false);
            return;
        }

        CompromisedCredentialCheck.Result breach = null;
        String password = context.getHttpRequest().getDecodedFormParameters().getFirst(PASSWORD_FIELD);
        if (checksPassword && password != null && !password.isEmpty()) {
            breach = breachCheck.check(password, threatProtection.breachMinCount());
        }
        SignInSignals signals = new SignInSignals(session, threatProtection, realm, user, address, storeNetworkOnly,
                WrongPasswordResponse.isDirectGrant(context));
        // A reset is how a user at risk remedies it, so the remembered risk does not weigh on one.
        UserRisk.State userRisk = entrance.passwordReset() ? UserRisk.State.NONE : UserRiskStore.state(user);
        RiskAssessment evaluated = threatProtection.riskEvaluator().evaluate(settings, address, storeNetworkOnly,
                breach, () -> signals.score(settings.riskScoring(), userRisk == UserRisk.State.AT_RISK
                        ? "the user's risk is AT_RISK until the password is changed after a second factor or through"
                        + " the e-mailed reset, or an admin dismisses it" : null));
        RiskAssessment risk = UserRiskEffect.apply(evaluated, settings, userRisk);

        // All read for the event's replay facts whatever the level: the user's credentials are in Keycloak's
        // user cache since the first factor was checked, and the flow in its realm cache.
        String secondFactors = SecondFactor.configuredKinds(user);
        boolean canGetEmailCode = SecondFactor.canGetEmailCode(user, entrance);
        Set<MfaChallenge> askable = SecondFactor.challengesAfter(context);
        boolean flowCanAsk = askable.contains(MfaChallenge.MFA);
        boolean flowCanAskEmailCode = askable.contains(MfaChallenge.EMAIL_CODE);
        SignInDecision decision = SignInDecision.decide(risk, settings, () -> !secondFactors.equals("none"),
                () -> canGetEmailCode,
                challenge -> challenge == MfaChallenge.EMAIL_CODE ? flowCanAskEmailCode : flowCanAsk,
                signals.cookieless() ? SignInDecision.ChallengeRoute.NONE : SignInDecision.ChallengeRoute.PAGE);
        ReplayFacts facts = new ReplayFacts(signals.facts(), signals.cookieless(), breach, secondFactors, flowCanAsk,
                (int) settings.riskScoring().velocityWindow().toMinutes(), false,
                userRisk == UserRisk.State.COMPROMISED, canGetEmailCode, flowCanAskEmailCode);
        risk = decision.risk();
        // The challenge page gets the cookie as a sign-in that goes on would: a browser counts as known only
        // through sign-ins that passed, which this one does once its answer passes.
        String deviceId = decision.blocked() ? signals.deviceId() : signals.reissueDeviceCookie();
        // A reset that goes on is told of by PasswordResetNotice, which says from where.
        NotificationKind kind = decision.notificationNow(entrance.passwordReset());
        Notification notification = notification(threatProtection, realm, user, settings, kind);
        // A challenged sign-in is recorded as failed until its answer passes: an abandoned page never got in.
        String eventId = record(context, threatProtection, clientId, entrance, risk,
                decision.blocked() || decision.browserChallenge() ? EventResponse.FAIL : EventResponse.PASS,
                decision.askSecondFactor() ? MfaOutcome.PENDING : null, decision.challenge(),
                signals.context(deviceName(context), deviceId), facts, started, notification);
        if (notification != null && notification.status() == NotificationStatus.PENDING) {
            threatProtection.notifications().sendAfterCommit(session, eventId);
        }

        UserRisk.Cause raised = entrance.passwordReset() ? null : UserRiskEffect.raisedBy(decision, settings);
        if (raised != null && !decision.browserChallenge()) {
            UserRiskStore.raiseAfterCommit(session, threatProtection.accountLocks(), realm, user,
                    UserRiskEffect.stateOf(raised), raised, eventId);
        }
        if (decision.blocked()) {
            if (decision.challengeUnanswerable()) {
                ThrottleGate.recordAnswer(context, threatProtection, ChallengeResult.MISSING);
            }
            if (decision.lockAccount()) {
                CompromisedPasswordLock.lockAfterCommit(session, threatProtection.accountLocks(), realm, user,
                        CompromisedPasswordLock.Reason.BREACHED_PASSWORD, eventId);
            }
            refuse(context, entrance, signals.knownDevice());
            return;
        }
        if (entrance.passwordReset() && risk.enforced()) {
            PasswordResetNotice.expect(context.getAuthenticationSession(), eventId);
        }
        if (decision.askSecondFactor()) {
            context.getAuthenticationSession().setAuthNote(SecondFactor.PENDING_EVENT_NOTE, eventId);
            context.getAuthenticationSession().setAuthNote(SecondFactor.CHALLENGE_NOTE, decision.challenge().name());
        }
        if (decision.requirePasswordChange() || userRisk == UserRisk.State.COMPROMISED && risk.enforced()) {
            context.getAuthenticationSession().addRequiredAction(UpdateCompromisedPasswordFactory.ID);
        }
        context.getAuthenticationSession().setUserSessionNote(RiskClaimsMapper.RISK_LEVEL_NOTE, risk.level().name());
        context.getAuthenticationSession().setUserSessionNote(RiskClaimsMapper.EVENT_ID_NOTE, eventId);
        SessionContextNote.remember(context.getAuthenticationSession(), signals.sessionContext(deviceId));
        if (decision.browserChallenge()) {
            PendingChallenge pending = new PendingChallenge(eventId, user.getId(), risk.level(), raised,
                    signals.knownDevice());
            context.getAuthenticationSession().setAuthNote(PendingChallenge.NOTE, pending.encode());
            showChallenge(context, threatProtection, settings);
            return;
        }
        context.success();
    }

    /**
     * The page of a sign-in whose risk level's action is {@code CHALLENGE}: the challenge provider's script
     * solves it and posts the form back to this step ({@link #action}). Counted as issued, as on throttling's
     * login pages.
     */
    private void showChallenge(AuthenticationFlowContext context, ThreatProtectionProvider threatProtection,
                               ThreatProtectionSettings settings) {
        LoginFormsProvider page = context.form();
        session.getProvider(ChallengeProvider.class).addTo(page, context.getAuthenticationSession(),
                settings.attackProtection().challenge());
        threatProtection.metrics().challenge(context.getRealm().getName(), ThrottleGate.ISSUED);
        context.challenge(page.createForm(CHALLENGE_TEMPLATE));
    }

    /**
     * A challenged sign-in shown its page again (a reload, or the page's own URL opened): a fresh puzzle for the
     * sign-in already decided and recorded, not a second evaluation. Null when nothing is pending for this user.
     */
    private static PendingChallenge pending(AuthenticationFlowContext context) {
        PendingChallenge pending = PendingChallenge.decode(
                context.getAuthenticationSession().getAuthNote(PendingChallenge.NOTE));
        return pending != null && context.getUser() != null && pending.userId().equals(context.getUser().getId())
                ? pending : null;
    }

    /** The sign-in's notification: none, pending, or skipped because the user had one of its kind lately. */
    private Notification notification(ThreatProtectionProvider threatProtection, RealmModel realm, UserModel user,
                                      ThreatProtectionSettings settings, NotificationKind kind) {
        if (kind == null) {
            return null;
        }
        return UserMailLimit.notification(session, threatProtection.metrics(), realm.getId(), realm.getName(),
                user.getId(), kind, settings.notification().repeatAfterMinutes());
    }

    private static String deviceName(AuthenticationFlowContext context) {
        return DeviceName.of(context.getHttpRequest().getHttpHeaders().getHeaderString("User-Agent"));
    }

    /**
     * Stores the event, with its notification pending when there is one, and names it in Keycloak's LOGIN or
     * LOGIN_ERROR event; returns its id.
     */
    private String record(AuthenticationFlowContext context, ThreatProtectionProvider threatProtection,
                          String clientId, Entrance entrance, RiskAssessment risk, EventResponse response,
                          MfaOutcome mfa, MfaChallenge challenge, RiskEvent.Context where, ReplayFacts facts,
                          long startedNanos, Notification notification) {
        RiskEvent event = new RiskEvent(KeycloakModelUtils.generateId(), context.getRealm().getId(),
                entrance.type(), Instant.ofEpochMilli(Time.currentTimeMillis()), context.getUser().getId(), clientId,
                response, risk, mfa, challenge, where, entrance.method(), null, notification);
        threatProtection.events().add(event, facts, session.getContext().getUri().getBaseUri().toString(),
                NotificationSender.claimUntil(event.time()));
        threatProtection.metrics().evaluated(context.getRealm().getName(), event,
                Duration.ofNanos(System.nanoTime() - startedNanos));
        context.getEvent()
                .detail(DETAIL_RISK_LEVEL, risk.level().name())
                .detail(DETAIL_RISK_ACTION, risk.action().name())
                .detail(RiskEvent.DETAIL_RISK_EVENT_ID, event.id());
        return event.id();
    }

    /**
     * A password sign-in fails like a wrong password, so a refusal never confirms the password; a passkey,
     * brokered or reset-link entrance proved something else, and gets an error page that says it was refused.
     */
    private static void refuse(AuthenticationFlowContext context, Entrance entrance, boolean fromKnownDevice) {
        if (entrance.password()) {
            WrongPasswordResponse.send(context, fromKnownDevice);
            return;
        }
        context.getEvent().user(context.getUser()).error(Errors.ACCESS_DENIED);
        String message = entrance.passwordReset() ? RESET_REFUSED_MESSAGE : Messages.ACCESS_DENIED;
        context.failure(AuthenticationFlowError.ACCESS_DENIED,
                context.form().setError(message).createErrorPage(Response.Status.FORBIDDEN));
    }

    /**
     * The challenge page's answer. A passing one lets the sign-in go on as {@code NO_ACTION} would have; any other
     * ({@code missing}, {@code invalid}, {@code expired}, {@code replayed}) ends it as {@code BLOCK} does. Either
     * way the answer is on Keycloak's event ({@code challenge}) and in the challenge metric.
     */
    @Override
    public void action(AuthenticationFlowContext context) {
        PendingChallenge pending = pending(context);
        if (pending == null) {
            authenticate(context);
            return;
        }
        context.getAuthenticationSession().removeAuthNote(PendingChallenge.NOTE);
        ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
        RealmModel realm = context.getRealm();
        ThreatProtectionSettings settings = threatProtection.settings().read(realm)
                .forClient(context.getAuthenticationSession().getClient().getClientId());
        ChallengeResult answer = session.getProvider(ChallengeProvider.class).verify(
                context.getHttpRequest().getDecodedFormParameters(), context.getAuthenticationSession(),
                settings.attackProtection().challenge());
        ThrottleGate.recordAnswer(context, threatProtection, answer);
        context.getEvent()
                .detail(DETAIL_RISK_LEVEL, pending.level().name())
                .detail(DETAIL_RISK_ACTION, RiskAction.CHALLENGE.name())
                .detail(RiskEvent.DETAIL_RISK_EVENT_ID, pending.eventId());
        if (!answer.solved()) {
            refuse(context, Entrance.of(context), pending.knownDevice());
            return;
        }
        threatProtection.events().setResponse(realm.getId(), pending.eventId(), EventResponse.PASS);
        if (pending.raises() != null) {
            UserRiskStore.raiseAfterCommit(session, threatProtection.accountLocks(), realm, context.getUser(),
                    UserRiskEffect.stateOf(pending.raises()), pending.raises(), pending.eventId());
        }
        context.success();
    }

    /**
     * A sign-in waiting for its challenge's answer, kept in its authentication session: its event, whose response
     * turns to PASS when the answer passes; the user's risk it raises then; whether a refusal comes from the
     * user's own browser.
     */
    record PendingChallenge(String eventId, String userId, RiskLevel level, UserRisk.Cause raises,
                            boolean knownDevice) {

        static final String NOTE = "threatProtection.pendingChallenge";

        String encode() {
            return String.join(" ", eventId, userId, level.name(), raises == null ? "-" : raises.name(),
                    Boolean.toString(knownDevice));
        }

        static PendingChallenge decode(String note) {
            if (note == null) {
                return null;
            }
            String[] parts = note.split(" ");
            return new PendingChallenge(parts[0], parts[1], RiskLevel.valueOf(parts[2]),
                    parts[3].equals("-") ? null : UserRisk.Cause.valueOf(parts[3]), Boolean.parseBoolean(parts[4]));
        }
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

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
