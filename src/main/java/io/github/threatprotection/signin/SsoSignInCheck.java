package io.github.threatprotection.signin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.common.util.Time;
import org.keycloak.cookie.CookieProvider;
import org.keycloak.cookie.CookieType;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.IdentityCookieToken;

import io.github.threatprotection.decision.SignInDecision;
import io.github.threatprotection.decision.SsoSignInDecision;
import io.github.threatprotection.device.DeviceCookie;
import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.geo.GeoLocation;
import io.github.threatprotection.history.EventResponse;
import io.github.threatprotection.history.MfaOutcome;
import io.github.threatprotection.history.Notification;
import io.github.threatprotection.history.NotificationStatus;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.notification.NotificationSender;
import io.github.threatprotection.notification.UserMailLimit;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.SessionContext;
import io.github.threatprotection.risk.SessionUseScorer;
import io.github.threatprotection.session.SessionContextNote;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The {@code threat-protection-sso} step: right after Keycloak's Cookie step in the browser flow, when that step
 * signed the browser in with the SSO cookie of an existing user session. Compares this use with the session's
 * context note (network, ASN, country, device; travel since the session's last use; reputation lists). A use from
 * the session's own context goes on with nothing read but the session the Cookie step loaded and nothing written.
 * A use that raises a signal is recorded once and gets its level's action: let through (the session then takes
 * this context), a second factor from the sub-flow after this step, or a block, which ends the session and runs
 * the flow again, so that Keycloak finds no session for the cookie, expires it and shows the login page, as for a
 * session that had expired.
 */
public class SsoSignInCheck implements Authenticator {

    private static final Logger LOG = Logger.getLogger(SsoSignInCheck.class);
    private static final SessionUseScorer SCORER = new SessionUseScorer();
    /** What the check is to the e-mail code: a sign-in by cookie, whose mailbox nothing proved yet. */
    private static final Entrance SSO_COOKIE = new Entrance(EventType.SSO_SIGN_IN, RiskEvent.Method.SSO_COOKIE);
    /**
     * Request attribute naming a session this step ended: the flow is run again after a block, and should Keycloak
     * still find the session in the same request, the browser goes on to the login form rather than round again.
     */
    private static final String ENDED_ATTRIBUTE = "threatProtection.ssoSessionEnded";

    private final KeycloakSession session;

    public SsoSignInCheck(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        long started = System.nanoTime();
        RealmModel realm = context.getRealm();
        ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
        RealmSettings realmSettings = threatProtection.settings().read(realm);
        String clientId = context.getAuthenticationSession().getClient().getClientId();
        ThreatProtectionSettings settings = realmSettings.forClient(clientId);
        if (settings.mode() == Mode.OFF || !settings.sessions().ssoSignIn()) {
            context.success();
            return;
        }
        UserSessionModel userSession = cookieSession(realm, context.getUser());
        if (userSession != null && userSession.getId().equals(session.getAttribute(ENDED_ATTRIBUTE))) {
            context.clearUser();
            context.attempted();
            return;
        }
        SessionContext own = userSession == null ? null : SessionContextNote.read(userSession);
        if (own == null) {
            // Signed in while protection was off, or by a flow without the step: nothing to compare with.
            context.success();
            return;
        }

        boolean storeNetworkOnly = realmSettings.privacy().storeNetworkOnly();
        ClientAddress address = ClientAddress.of(context.getConnection().getRemoteAddr());
        GeoLocation location = threatProtection.geoLocator().locate(address);
        String deviceId = deviceId(threatProtection, realm, context.getUser(), realmSettings);
        SessionContext current = new SessionContext(address.recordedNetwork(storeNetworkOnly), location.asn(),
                location.country(), deviceId, Instant.ofEpochMilli(Time.currentTimeMillis()), location.latitude(),
                location.longitude(), location.accuracyRadiusKm());
        Optional<SignInDecision> decided = SsoSignInDecision.decide(threatProtection.riskEvaluator(), settings,
                address, storeNetworkOnly, () -> {
                    Optional<String> reputation = threatProtection.reputationLists().match(address, storeNetworkOnly)
                            .or(() -> Optional.ofNullable(location.anonymityDetail(
                                    address.recorded(storeNetworkOnly))));
                    return SCORER.score(settings.riskScoring(), own, lastUse(userSession, own, current), current,
                            reputation.isPresent(), reputation.orElse(null));
                },
                () -> SecondFactor.isConfiguredFor(context.getUser()),
                () -> SecondFactor.canGetEmailCode(context.getUser(), SSO_COOKIE),
                challenge -> SecondFactor.canBeChallenged(context, challenge));
        if (decided.isEmpty()) {
            threatProtection.metrics().ssoSignInEvaluated(realm.getName(), clientId, new RiskAssessment(RiskLevel.LOW,
                    RiskAction.NO_ACTION, settings.mode() == Mode.ENFORCED, null, false, List.of()),
                    Duration.ofNanos(System.nanoTime() - started));
            context.success();
            return;
        }

        SignInDecision decision = decided.get();
        RiskAssessment risk = decision.risk();
        Notification notification = decision.notification() == null ? null
                : UserMailLimit.notification(session, threatProtection.metrics(), realm.getId(), realm.getName(),
                        context.getUser().getId(), decision.notification(), settings.notification().repeatAfterMinutes());
        RiskEvent event = new RiskEvent(KeycloakModelUtils.generateId(), realm.getId(), EventType.SSO_SIGN_IN,
                current.time(), context.getUser().getId(), clientId,
                decision.blocked() ? EventResponse.FAIL : EventResponse.PASS, risk,
                decision.askSecondFactor() ? MfaOutcome.PENDING : null, decision.challenge(),
                new RiskEvent.Context(address.recorded(storeNetworkOnly), DeviceName.of(context.getHttpRequest()
                        .getHttpHeaders().getHeaderString("User-Agent")), location.city(), location.country(),
                        address.recordedNetwork(storeNetworkOnly), location.asn(), location.latitude(),
                        location.longitude(), location.accuracyRadiusKm(), deviceId),
                RiskEvent.Method.SSO_COOKIE, null, notification);
        threatProtection.events().add(event, session.getContext().getUri().getBaseUri().toString(),
                NotificationSender.claimUntil(event.time()));
        if (notification != null && notification.status() == NotificationStatus.PENDING) {
            threatProtection.notifications().sendAfterCommit(session, event.id());
        }
        threatProtection.metrics().ssoSignInEvaluated(realm.getName(), clientId, risk,
                Duration.ofNanos(System.nanoTime() - started));
        context.getEvent()
                .detail(ThreatProtectionAuthenticator.DETAIL_RISK_LEVEL, risk.level().name())
                .detail(ThreatProtectionAuthenticator.DETAIL_RISK_ACTION, risk.action().name())
                .detail(RiskEvent.DETAIL_RISK_EVENT_ID, event.id());

        if (decision.blocked()) {
            end(context, realm, userSession);
            return;
        }
        if (decision.askSecondFactor()) {
            // The session takes this context only once the second factor is given: Keycloak copies the
            // authentication session's user-session notes onto the session when the sign-in completes.
            context.getAuthenticationSession().setAuthNote(SecondFactor.PENDING_EVENT_NOTE, event.id());
            context.getAuthenticationSession().setAuthNote(SecondFactor.CHALLENGE_NOTE, decision.challenge().name());
            SessionContextNote.remember(context.getAuthenticationSession(), current);
        } else {
            // Recorded once: later uses from here are compared with here, and travel is measured from here.
            SessionContextNote.replace(userSession, current);
        }
        context.success();
    }

    /**
     * Ends the session and runs the flow again from its start: the Cookie step then finds no session, expires the
     * cookie and lets the flow go on to the login form, as when a session has expired. Nothing on the page says
     * why.
     */
    private void end(AuthenticationFlowContext context, RealmModel realm, UserSessionModel userSession) {
        session.setAttribute(ENDED_ATTRIBUTE, userSession.getId());
        session.sessions().removeUserSession(realm, userSession);
        AuthenticationManager.expireIdentityCookie(session);
        context.getAuthenticationSession().removeAuthNote(AuthenticationManager.SSO_AUTH);
        context.clearUser();
        context.resetFlow();
    }

    /**
     * The user session the Cookie step signed the browser in with. The Cookie step verified the identity cookie in
     * this request and loaded its session, so the cookie's session id is read without verifying it again, and the
     * session comes from what this request holds already.
     */
    private UserSessionModel cookieSession(RealmModel realm, UserModel user) {
        String cookie = session.getProvider(CookieProvider.class).get(CookieType.IDENTITY);
        if (cookie == null || user == null) {
            return null;
        }
        String sessionId;
        try {
            sessionId = new JWSInput(cookie).readJsonContent(IdentityCookieToken.class).getSessionId();
        } catch (JWSInputException e) {
            LOG.debug("Unreadable identity cookie after the Cookie step", e);
            return null;
        }
        UserSessionModel userSession = sessionId == null ? null : session.sessions().getUserSession(realm, sessionId);
        return userSession != null && Objects.equals(userSession.getUser().getId(), user.getId()) ? userSession
                : null;
    }

    /**
     * When the session was last used before this request: tokens issued to or refreshed by any of its clients.
     * Keycloak's own {@code lastSessionRefresh} cannot say, since the Cookie step has just set it to now. Read only
     * when this use is somewhere else, where travel can fire.
     */
    private static Instant lastUse(UserSessionModel userSession, SessionContext own, SessionContext current) {
        if (!own.hasPosition() || !current.hasPosition() || (own.latitude().equals(current.latitude())
                && own.longitude().equals(current.longitude()))) {
            return null;
        }
        return userSession.getAuthenticatedClientSessions().values().stream()
                .mapToInt(AuthenticatedClientSessionModel::getTimestamp)
                .max()
                .stream()
                .mapToObj(Instant::ofEpochSecond)
                .findFirst()
                .orElse(null);
    }

    /** The device cookie's id when the browser brought one of this user, else null. */
    private String deviceId(ThreatProtectionProvider threatProtection, RealmModel realm, UserModel user,
                            RealmSettings realmSettings) {
        if (!DeviceCookie.present(session)) {
            return null;
        }
        return DeviceCookie.read(session, threatProtection.realmDerivedKeys(), realm, user,
                realmSettings.privacy().deviceCookieMaxAgeDays() * 24L * 3600);
    }

    /** Never reached: this step shows no form of its own. */
    @Override
    public void action(AuthenticationFlowContext context) {
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
