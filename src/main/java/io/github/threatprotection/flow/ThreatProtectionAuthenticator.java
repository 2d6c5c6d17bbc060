package io.github.threatprotection.flow;

import java.time.Instant;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.github.threatprotection.config.Mode;
import io.github.threatprotection.config.ThreatProtectionSettings;
import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.history.EventResponse;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * The {@code threat-protection} flow step. Runs after the password step, evaluates the sign-in against the
 * settings for its client, records the result, and lets the sign-in through or fails it like a wrong password.
 */
public class ThreatProtectionAuthenticator implements Authenticator {

    /** Details added to Keycloak's LOGIN and LOGIN_ERROR events. */
    public static final String DETAIL_RISK_LEVEL = "risk_level";
    public static final String DETAIL_RISK_ACTION = "risk_action";
    public static final String DETAIL_RISK_EVENT_ID = "risk_event_id";

    private final KeycloakSession session;

    public ThreatProtectionAuthenticator(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        ThreatProtectionProvider threatProtection = session.getProvider(ThreatProtectionProvider.class);
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        String clientId = context.getAuthenticationSession().getClient().getClientId();
        ThreatProtectionSettings settings = threatProtection.settings().read(realm).forClient(clientId);
        if (settings.mode() == Mode.OFF) {
            context.success();
            return;
        }

        String address = context.getConnection().getRemoteAddr();
        RiskAssessment risk = threatProtection.riskEvaluator().evaluate(settings, address);
        String userAgent = context.getHttpRequest().getHttpHeaders().getHeaderString("User-Agent");
        RiskEvent event = new RiskEvent(KeycloakModelUtils.generateId(), realm.getId(), EventType.SIGN_IN,
                Instant.ofEpochMilli(Time.currentTimeMillis()), user.getId(), clientId,
                risk.blocks() ? EventResponse.FAIL : EventResponse.PASS, risk, false,
                new RiskEvent.Context(address, DeviceName.of(userAgent), null, null), null);
        threatProtection.events().add(event);

        context.getEvent()
                .detail(DETAIL_RISK_LEVEL, risk.level().name())
                .detail(DETAIL_RISK_ACTION, risk.action().name())
                .detail(DETAIL_RISK_EVENT_ID, event.id());
        if (risk.blocks()) {
            WrongPasswordResponse.send(context);
        } else {
            context.success();
        }
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
