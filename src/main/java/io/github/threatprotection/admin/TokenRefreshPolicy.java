package io.github.threatprotection.admin;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyException;

import io.github.threatprotection.Json;
import io.github.threatprotection.session.TokenRefreshExecutorFactory;

/**
 * Puts the refresh-grant check into a realm's client policies: a client profile {@value #NAME} holding the
 * executor, and a client policy {@value #NAME} applying it to every client. The realm's own profiles and policies
 * stay as they are. The executor does nothing until the realm's settings turn {@code sessions.tokenRefresh} on,
 * for the realm or a client, so applying it to every client changes nothing by itself.
 */
public final class TokenRefreshPolicy {

    public static final String NAME = "threat-protection";
    /** Keycloak's condition that matches every client. */
    private static final String ANY_CLIENT = "any-client";

    private TokenRefreshPolicy() {
    }

    /** @return false when the realm has a profile or a policy of this name already, which is then left alone */
    public static boolean install(KeycloakSession session, RealmModel realm) throws ClientPolicyException {
        ClientProfilesRepresentation profiles = session.clientPolicy().getClientProfiles(realm, false);
        ClientPoliciesRepresentation policies = session.clientPolicy().getClientPolicies(realm, false);
        List<ClientProfileRepresentation> profileList = profiles.getProfiles() == null ? new ArrayList<>()
                : new ArrayList<>(profiles.getProfiles());
        List<ClientPolicyRepresentation> policyList = policies.getPolicies() == null ? new ArrayList<>()
                : new ArrayList<>(policies.getPolicies());
        if (profileList.stream().anyMatch(p -> NAME.equals(p.getName()))
                || policyList.stream().anyMatch(p -> NAME.equals(p.getName()))) {
            return false;
        }
        ClientPolicyExecutorRepresentation executor = new ClientPolicyExecutorRepresentation();
        executor.setExecutorProviderId(TokenRefreshExecutorFactory.ID);
        executor.setConfiguration(Json.object());
        ClientProfileRepresentation profile = new ClientProfileRepresentation();
        profile.setName(NAME);
        profile.setDescription("Threat protection: refresh-token grants checked against their session's context");
        profile.setExecutors(List.of(executor));
        profileList.add(profile);
        profiles.setProfiles(profileList);
        profiles.setGlobalProfiles(null);
        session.clientPolicy().updateClientProfiles(realm, profiles);

        ClientPolicyConditionRepresentation condition = new ClientPolicyConditionRepresentation();
        condition.setConditionProviderId(ANY_CLIENT);
        condition.setConfiguration(Json.object());
        ClientPolicyRepresentation policy = new ClientPolicyRepresentation();
        policy.setName(NAME);
        policy.setDescription("Threat protection: the realm's settings (sessions.tokenRefresh) say for which"
                + " clients refresh grants are evaluated");
        policy.setEnabled(true);
        policy.setConditions(List.of(condition));
        policy.setProfiles(List.of(NAME));
        policyList.add(policy);
        policies.setPolicies(policyList);
        policies.setGlobalPolicies(null);
        session.clientPolicy().updateClientPolicies(realm, policies);
        return true;
    }
}
