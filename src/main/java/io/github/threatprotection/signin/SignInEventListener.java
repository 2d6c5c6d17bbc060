package io.github.threatprotection.signin;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

import io.github.threatprotection.breach.SignInBreachCheck;
import io.github.threatprotection.history.MfaOutcome;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.keys.RealmDerivedKeys;
import io.github.threatprotection.keys.UsernameHash;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.password.CompromisedPasswordLock;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.ThreatProtectionSettings;
import io.github.threatprotection.settings.ThreatProtectionSettings.Throttling;
import io.github.threatprotection.spi.ThreatProtectionProvider;
import io.github.threatprotection.throttling.SourceThrottles;

/**
 * Learns from Keycloak's own sign-in events what happened after (or instead of) the threat-protection step:
 * failed sign-ins (wrong password, unknown username) for the velocity signals and throttling, how a risk-driven MFA
 * challenge ended (LOGIN once the sign-in completes, LOGIN_ERROR for a wrong code), and that the new password of
 * an evaluated reset was set (UPDATE_PASSWORD), which the password-reset mail waits for; and from admin events, that
 * an admin set a user's password, which lifts a lock. A global listener, so no realm needs event configuration
 * for it.
 */
public class SignInEventListener implements EventListenerProviderFactory {

    public static final String ID = "threat-protection";
    private static final Set<String> FAILURES = Set.of(Errors.INVALID_USER_CREDENTIALS, Errors.USER_NOT_FOUND);
    private static final String UNKNOWN_USERNAME_PREFIX = "username:";
    /** The admin event's resource path when an admin sets a user's password. */
    private static final Pattern PASSWORD_SET_BY_ADMIN = Pattern.compile("users/([^/]+)/reset-password");

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() == EventType.UPDATE_PASSWORD) {
                    UserRiskRemedy.passwordUpdated(session, event);
                    PasswordResetNotice.passwordUpdated(session,
                            session.getProvider(ThreatProtectionProvider.class));
                    return;
                }
                if (event.getType() != EventType.LOGIN && event.getType() != EventType.LOGIN_ERROR) {
                    return;
                }
                ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
                String pendingMfaEvent = pendingMfaEventId(session, event);
                if (pendingMfaEvent != null) {
                    threatProtection.events().setMfaOutcome(event.getRealmId(), pendingMfaEvent,
                            event.getType() == EventType.LOGIN ? MfaOutcome.SUCCESS : MfaOutcome.FAILURE);
                }
                if (event.getType() == EventType.LOGIN_ERROR && FAILURES.contains(event.getError())) {
                    onFailedSignIn(session, threatProtection, event);
                }
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                if (event.getResourceType() != ResourceType.USER || event.getOperationType() != OperationType.ACTION
                        || event.getError() != null || event.getResourcePath() == null) {
                    return;
                }
                Matcher passwordSet = PASSWORD_SET_BY_ADMIN.matcher(event.getResourcePath());
                RealmModel realm = passwordSet.matches() ? session.realms().getRealm(event.getRealmId()) : null;
                UserModel user = realm == null ? null : session.users().getUserById(realm, passwordSet.group(1));
                if (user != null) {
                    CompromisedPasswordLock.passwordSetByAdmin(user);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * A failed sign-in: Keycloak's own (wrong password, unknown username) or a refusal by the threat-protection
     * step, whose LOGIN_ERROR carries the risk event's id. Keycloak sends error events from a session of their own,
     * on the request's thread.
     */
    private static void onFailedSignIn(KeycloakSession session, ThreatProtectionProvider threatProtection,
                                       Event event) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null) {
            return;
        }
        ThreatProtectionSettings settings = threatProtection.settings().read(realm).forClient(event.getClientId());
        // A realm or client with protection off keeps no trace of its failures and makes none of them wait.
        if (settings.mode() == Mode.OFF) {
            return;
        }
        ClientAddress address = ClientAddress.of(event.getIpAddress());
        Map<String, String> details = event.getDetails() == null ? Map.of() : event.getDetails();
        // An attempt refused because its source is throttled checked no password: nothing to count or to wait for.
        if (ThrottleGate.checkedNoPassword(details)) {
            return;
        }
        boolean refusedByStep = details.containsKey(RiskEvent.DETAIL_RISK_EVENT_ID);
        SignInBreachCheck breachCheck = threatProtection.signInBreachCheck();
        if (!refusedByStep && SignInTiming.reachesBreachCheck(settings, address, breachCheck)
                && carriesPassword(session)) {
            // A wrong password answers as late as a right one whose breach check took its deadline. The wait
            // comes after this session's transaction, so it holds no database connection.
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    breachCheck.waitAsIfChecked();
                }

                @Override
                protected void rollbackImpl() {
                    breachCheck.waitAsIfChecked();
                }
            });
        }
        // The user's own refused attempts on a device they signed in with before had the right password; counting
        // them would keep the user refused.
        if (refusedByStep && "true".equals(details.get(ThreatProtectionAuthenticator.DETAIL_KNOWN_DEVICE))) {
            return;
        }
        String userKey = userKey(session, threatProtection.realmDerivedKeys(), realm, event);
        if (userKey == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        threatProtection.failedSignIns().add(event.getRealmId(), userKey, address.network(), address.host(), now);
        Throttling throttling = settings.attackProtection().throttling();
        String source = SourceThrottles.source(address, throttling.scope());
        if (throttling.enabled() && source != null
                && settings.ipExceptions().alwaysAllow().match(address).isEmpty()) {
            threatProtection.throttles().failed(realm.getId(), realm.getName(), throttling, source, now);
        }
    }

    /** Whether the failing request submitted a password: a sign-in form or a password grant, not an OTP form. */
    private static boolean carriesPassword(KeycloakSession session) {
        HttpRequest request = session.getContext().getHttpRequest();
        if (request == null) {
            return false;
        }
        String password = request.getDecodedFormParameters().getFirst(ThreatProtectionAuthenticator.PASSWORD_FIELD);
        return password != null && !password.isEmpty();
    }

    /**
     * The risk event whose MFA challenge is open in this sign-in. The authentication session is in the context
     * for a LOGIN event; error events are sent from a separate session, where it is found through code_id.
     */
    private static String pendingMfaEventId(KeycloakSession session, Event event) {
        AuthenticationSessionModel current = session.getContext().getAuthenticationSession();
        if (current != null) {
            return current.getAuthNote(SecondFactor.PENDING_EVENT_NOTE);
        }
        String rootId = event.getDetails() == null ? null : event.getDetails().get(Details.CODE_ID);
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (rootId == null || realm == null) {
            return null;
        }
        RootAuthenticationSessionModel root = session.authenticationSessions().getRootAuthenticationSession(realm, rootId);
        if (root == null) {
            return null;
        }
        return root.getAuthenticationSessions().values().stream()
                .map(authSession -> authSession.getAuthNote(SecondFactor.PENDING_EVENT_NOTE))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /**
     * The user's id, or for a username that names no user (password spraying tries many) a keyed hash of it: the
     * text typed there is often a password typed into the wrong field, and must not be kept. The key is derived
     * from the realm's active HMAC key, so the hash counts distinct usernames without revealing them; after a
     * rotation of that key, a username failing under both keys within the window counts twice.
     */
    static String userKey(KeycloakSession session, RealmDerivedKeys keys, RealmModel realm, Event event) {
        if (event.getUserId() != null) {
            return event.getUserId();
        }
        String username = event.getDetails() == null ? null : event.getDetails().get(Details.USERNAME);
        if (username == null || username.isBlank()) {
            return null;
        }
        KeyWrapper realmKey = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
        return UNKNOWN_USERNAME_PREFIX + UsernameHash.of(username, keys.key(RealmDerivedKeys.Use.FAILED_USERNAME,
                realm.getId(), realmKey.getKid(), realmKey.getSecretKey()));
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return ID;
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
}
