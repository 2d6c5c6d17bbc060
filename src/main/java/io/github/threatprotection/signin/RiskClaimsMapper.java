package io.github.threatprotection.signin;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * Protocol mapper {@code threat-protection-risk-claims}: adds {@code risk_level} and {@code auth_event_id}
 * (the risk event of the sign-in that started the session, as Cognito carries its event id) to tokens.
 */
public class RiskClaimsMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper {

    public static final String ID = "threat-protection-risk-claims";
    static final String RISK_LEVEL_NOTE = "threatProtection.riskLevel";
    static final String EVENT_ID_NOTE = "threatProtection.eventId";
    private static final String RISK_LEVEL_CLAIM = "risk_level";
    private static final String EVENT_ID_CLAIM = "auth_event_id";

    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, RiskClaimsMapper.class);
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession) {
        String level = userSession.getNote(RISK_LEVEL_NOTE);
        String eventId = userSession.getNote(EVENT_ID_NOTE);
        if (level != null) {
            token.getOtherClaims().put(RISK_LEVEL_CLAIM, level);
        }
        if (eventId != null) {
            token.getOtherClaims().put(EVENT_ID_CLAIM, eventId);
        }
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getDisplayType() {
        return "Threat protection risk claims";
    }

    @Override
    public String getHelpText() {
        return "Adds risk_level and auth_event_id of the sign-in that started the session.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }
}
