package io.github.threatprotection.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.keycloak.authentication.authenticators.browser.PasswordFormFactory;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AuthenticationManagementResource;

/**
 * Installs threat protection into a realm in one step: copies of the realm's current browser and direct-grant
 * flows with the {@code threat-protection} step right after their password step, the browser copy also with
 * the risk-driven MFA sub-flow, bound as the realm's flows. The originals stay untouched, so binding them back
 * undoes it.
 */
public final class ProtectedFlows {

    public static final String BROWSER = "browser with threat protection";
    public static final String DIRECT_GRANT = "direct grant with threat protection";

    private static final Set<String> PASSWORD_STEPS = Set.of(UsernamePasswordFormFactory.PROVIDER_ID,
            PasswordFormFactory.PROVIDER_ID, "direct-grant-validate-password");
    private static final String OTP_FORM = "auth-otp-form";
    private static final String WEBAUTHN = "webauthn-authenticator";
    private static final String USER_CONFIGURED_CONDITION = "conditional-user-configured";

    /** What was installed. */
    public record Installed(String browserFlow, String directGrantFlow, List<String> disabled) {
    }

    private ProtectedFlows() {
    }

    /** @throws IllegalStateException when flows of these names exist already */
    public static Installed install(KeycloakSession session, RealmModel realm) {
        if (realm.getFlowByAlias(BROWSER) != null || realm.getFlowByAlias(DIRECT_GRANT) != null) {
            throw new IllegalStateException("flows '" + BROWSER + "' or '" + DIRECT_GRANT + "' exist already");
        }
        List<String> disabled = new ArrayList<>();
        AuthenticationFlowModel browser = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getBrowserFlow(), BROWSER);
        AuthenticationExecutionModel browserStep = addAfterPasswordStep(realm, browser);
        addMfaSubFlow(realm, browserStep, disabled);
        AuthenticationFlowModel directGrant = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getDirectGrantFlow(), DIRECT_GRANT);
        addAfterPasswordStep(realm, directGrant);
        realm.setBrowserFlow(browser);
        realm.setDirectGrantFlow(directGrant);
        return new Installed(BROWSER, DIRECT_GRANT, disabled);
    }

    /** Inserts the step right after the first password step found in the flow or its sub-flows. */
    private static AuthenticationExecutionModel addAfterPasswordStep(RealmModel realm, AuthenticationFlowModel flow) {
        AuthenticationExecutionModel password = findPasswordStep(realm, flow.getId());
        if (password == null) {
            throw new IllegalStateException("flow '" + flow.getAlias() + "' has no password step");
        }
        AuthenticationExecutionModel step = new AuthenticationExecutionModel();
        step.setParentFlow(password.getParentFlow());
        step.setAuthenticator(ThreatProtectionAuthenticatorFactory.ID);
        step.setRequirement(Requirement.REQUIRED);
        step.setAuthenticatorFlow(false);
        return insertAfter(realm, password, step);
    }

    /** A CONDITIONAL sub-flow right after the step: the risk condition, then OTP Form or WebAuthn. */
    private static void addMfaSubFlow(RealmModel realm, AuthenticationExecutionModel step, List<String> disabled) {
        AuthenticationFlowModel subFlow = new AuthenticationFlowModel();
        subFlow.setAlias(BROWSER + " MFA");
        subFlow.setDescription("A second factor when the threat-protection step asks for one");
        subFlow.setProviderId("basic-flow");
        subFlow.setTopLevel(false);
        subFlow.setBuiltIn(false);
        String subFlowId = realm.addAuthenticationFlow(subFlow).getId();

        AuthenticationExecutionModel gate = new AuthenticationExecutionModel();
        gate.setParentFlow(step.getParentFlow());
        gate.setFlowId(subFlowId);
        gate.setAuthenticatorFlow(true);
        gate.setRequirement(Requirement.CONDITIONAL);
        insertAfter(realm, step, gate);

        int priority = 10;
        for (String[] execution : new String[][] {{RiskRequiresMfaCondition.ID, "REQUIRED"},
                {OTP_FORM, "ALTERNATIVE"}, {WEBAUTHN, "ALTERNATIVE"}}) {
            AuthenticationExecutionModel model = new AuthenticationExecutionModel();
            model.setParentFlow(subFlowId);
            model.setAuthenticator(execution[0]);
            model.setRequirement(Requirement.valueOf(execution[1]));
            model.setAuthenticatorFlow(false);
            model.setPriority(priority);
            priority += 10;
            realm.addAuthenticatorExecution(model);
        }

        // Keycloak's own conditional OTP sub-flow would ask every user who has OTP, whatever the risk.
        realm.getAuthenticationExecutionsStream(step.getParentFlow())
                .filter(AuthenticationExecutionModel::isAuthenticatorFlow)
                .filter(execution -> !execution.getFlowId().equals(subFlowId))
                .filter(execution -> realm.getAuthenticationExecutionsStream(execution.getFlowId())
                        .anyMatch(inner -> USER_CONFIGURED_CONDITION.equals(inner.getAuthenticator())))
                .toList()
                .forEach(execution -> {
                    execution.setRequirement(Requirement.DISABLED);
                    realm.updateAuthenticatorExecution(execution);
                    disabled.add(realm.getAuthenticationFlowById(execution.getFlowId()).getAlias());
                });
    }

    private static AuthenticationExecutionModel findPasswordStep(RealmModel realm, String flowId) {
        for (AuthenticationExecutionModel execution :
                realm.getAuthenticationExecutionsStream(flowId).toList()) {
            if (execution.isAuthenticatorFlow()) {
                AuthenticationExecutionModel inner = findPasswordStep(realm, execution.getFlowId());
                if (inner != null) {
                    return inner;
                }
            } else if (PASSWORD_STEPS.contains(execution.getAuthenticator())) {
                return execution;
            }
        }
        return null;
    }

    /** Adds the execution right after another in the same flow, renumbering priorities in steps of 10. */
    private static AuthenticationExecutionModel insertAfter(RealmModel realm, AuthenticationExecutionModel after,
                                                            AuthenticationExecutionModel added) {
        List<AuthenticationExecutionModel> siblings = realm.getAuthenticationExecutionsStream(after.getParentFlow())
                .toList();
        int priority = 10;
        AuthenticationExecutionModel stored = null;
        for (AuthenticationExecutionModel sibling : siblings) {
            sibling.setPriority(priority);
            realm.updateAuthenticatorExecution(sibling);
            priority += 10;
            if (sibling.getId().equals(after.getId())) {
                added.setPriority(priority);
                stored = realm.addAuthenticatorExecution(added);
                priority += 10;
            }
        }
        return stored;
    }
}
