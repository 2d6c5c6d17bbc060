package io.github.threatprotection.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.RefreshToken;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.TokenRefreshContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.util.TokenUtil;

import io.github.threatprotection.decision.TokenRefreshDecision;
import io.github.threatprotection.device.DeviceCookie;
import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.geo.GeoLocation;
import io.github.threatprotection.history.EventResponse;
import io.github.threatprotection.history.Notification;
import io.github.threatprotection.history.NotificationStatus;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.notification.NotificationSender;
import io.github.threatprotection.notification.UserMailLimit;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.SessionContext;
import io.github.threatprotection.risk.SessionUseScorer;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * Evaluates a refresh-token grant (offline tokens included) against the context of the token's user session,
 * before Keycloak issues tokens. A use from the session's own context reads and writes nothing beyond what
 * Keycloak reads for the grant; a use that raises a signal is recorded once, and the session then takes its
 * context; a level whose refresh action is REVOKE ends the session and fails the grant with the answer Keycloak
 * gives for an expired session.
 */
final class TokenRefreshExecutor implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    private static final SessionUseScorer SCORER = new SessionUseScorer();

    private final KeycloakSession session;

    TokenRefreshExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getProviderId() {
        return TokenRefreshExecutorFactory.ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (context.getEvent() != ClientPolicyEvent.TOKEN_REFRESH) {
            return;
        }
        long started = System.nanoTime();
        TokenRefreshContext refresh = (TokenRefreshContext) context;
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = refresh.getClient();
        ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
        RealmSettings realmSettings = threatProtection.settings().read(realm);
        ThreatProtectionSettings settings = realmSettings.forClient(client.getClientId());
        if (settings.mode() == Mode.OFF || !settings.sessions().tokenRefresh()) {
            return;
        }
        // The signature is checked here, since the client policy runs before Keycloak's own check: a forged token
        // must not be able to name another user's session and have it revoked.
        RefreshToken token = session.tokens().decode(refresh.getParams().getFirst(OAuth2Constants.REFRESH_TOKEN),
                RefreshToken.class);
        if (token == null || !token.isActive() || !client.getClientId().equals(token.getIssuedFor())
                || token.getSessionId() == null) {
            return; // Keycloak refuses it with its own answer
        }
        boolean offline = TokenUtil.TOKEN_TYPE_OFFLINE.equals(token.getType());
        UserSessionModel userSession = offline
                ? session.sessions().getOfflineUserSession(realm, token.getSessionId())
                : session.sessions().getUserSession(realm, token.getSessionId());
        SessionContext own = userSession == null ? null : SessionContextNote.read(userSession);
        if (own == null) {
            return;
        }

        boolean storeNetworkOnly = realmSettings.privacy().storeNetworkOnly();
        ClientAddress address = ClientAddress.of(session.getContext().getConnection().getRemoteAddr());
        GeoLocation location = threatProtection.geoLocator().locate(address);
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        String deviceId = deviceId(threatProtection, realm, userSession, realmSettings);
        SessionContext current = new SessionContext(address.recordedNetwork(storeNetworkOnly), location.asn(),
                location.country(), deviceId, now, location.latitude(), location.longitude(),
                location.accuracyRadiusKm());
        TokenRefreshDecision decision = TokenRefreshDecision.decide(settings, address, storeNetworkOnly, () -> {
            Optional<String> reputation = threatProtection.reputationLists().match(address, storeNetworkOnly)
                    .or(() -> Optional.ofNullable(location.anonymityDetail(address.recorded(storeNetworkOnly))));
            return SCORER.score(settings.riskScoring(), own, Instant.ofEpochSecond(userSession.getLastSessionRefresh()),
                    current, reputation.isPresent(), reputation.orElse(null));
        }, threatProtection.riskEvaluator().failureAction());

        if (decision.record()) {
            RiskEvent event = new RiskEvent(KeycloakModelUtils.generateId(), realm.getId(), EventType.TOKEN_REFRESH,
                    now, userSession.getUser().getId(), client.getClientId(),
                    decision.revoke() ? EventResponse.FAIL : EventResponse.PASS, decision.risk(), null, null,
                    new RiskEvent.Context(address.recorded(storeNetworkOnly), DeviceName.of(session.getContext()
                            .getRequestHeaders().getHeaderString("User-Agent")), location.city(), location.country(),
                            address.recordedNetwork(storeNetworkOnly), location.asn(), location.latitude(),
                            location.longitude(), location.accuracyRadiusKm(), deviceId),
                    null, null, null);
            if (decision.revoke()) {
                revoke(realm, userSession.getId(), offline, event, decision, settings);
            } else {
                threatProtection.events().add(event);
                // Recorded once: later uses from here are compared with here, and travel is measured from here.
                SessionContextNote.replace(userSession, current);
            }
        }
        threatProtection.metrics().refreshEvaluated(realm.getName(), client.getClientId(), decision.risk(),
                Duration.ofNanos(System.nanoTime() - started));
        if (decision.revoke()) {
            // Keycloak's words for a session that has ended, so the client cannot tell a revocation from an expiry.
            throw new ClientPolicyException(OAuthErrorException.INVALID_GRANT,
                    offline ? "Offline session not active" : "Session not active");
        }
    }

    /**
     * Ends the session and records the event in a transaction of their own: the grant's fails with the error this
     * executor raises, and Keycloak rolls it back.
     */
    private void revoke(RealmModel realm, String userSessionId, boolean offline, RiskEvent event,
                        TokenRefreshDecision decision, ThreatProtectionSettings settings) {
        String baseUri = session.getContext().getUri().getBaseUri().toString();
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), own -> {
            RealmModel ownRealm = own.realms().getRealm(realm.getId());
            own.getContext().setRealm(ownRealm);
            UserSessionModel userSession = offline
                    ? own.sessions().getOfflineUserSession(ownRealm, userSessionId)
                    : own.sessions().getUserSession(ownRealm, userSessionId);
            if (userSession != null) {
                if (offline) {
                    own.sessions().removeOfflineUserSession(ownRealm, userSession);
                } else {
                    own.sessions().removeUserSession(ownRealm, userSession);
                }
            }
            ThreatProtectionProvider threatProtection = own.getProvider(ThreatProtectionProvider.class);
            RiskEvent recorded = withNotification(own, threatProtection, event, decision, settings);
            threatProtection.events().add(recorded, baseUri, NotificationSender.claimUntil(recorded.time()));
            if (recorded.notification() != null && recorded.notification().status() == NotificationStatus.PENDING) {
                threatProtection.notifications().sendAfterCommit(own, recorded.id());
            }
        });
    }

    /** The event with its mail, pending or skipped because the user had one of its kind lately. */
    private static RiskEvent withNotification(KeycloakSession own, ThreatProtectionProvider threatProtection,
                                              RiskEvent event, TokenRefreshDecision decision,
                                              ThreatProtectionSettings settings) {
        if (decision.notification() == null) {
            return event;
        }
        Notification notification = UserMailLimit.notification(own, threatProtection.metrics(), event.realmId(),
                own.getContext().getRealm().getName(), event.userId(), decision.notification(),
                settings.notification().repeatAfterMinutes());
        return new RiskEvent(event.id(), event.realmId(), event.type(), event.time(), event.userId(),
                event.clientId(), event.response(), event.risk(), event.mfa(), event.mfaChallenge(),
                event.context(), event.method(),
                event.feedback(), notification);
    }

    /**
     * The device cookie's id when the request brought one of this user, else null. API clients seldom send
     * Keycloak's cookies with a grant; when they do not, the device is not compared.
     */
    private String deviceId(ThreatProtectionProvider threatProtection, RealmModel realm, UserSessionModel userSession,
                            RealmSettings realmSettings) {
        if (!DeviceCookie.present(session)) {
            return null;
        }
        return DeviceCookie.read(session, threatProtection.realmDerivedKeys(), realm, userSession.getUser(),
                realmSettings.privacy().deviceCookieMaxAgeDays() * 24L * 3600);
    }
}
