package io.github.threatprotection.admin;

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
import io.github.threatprotection.signin.EmailCodeAuthenticatorFactory;
import io.github.threatprotection.signin.RiskRequiresMfaCondition;
import io.github.threatprotection.signin.ThreatProtectionAuthenticatorFactory;

/**
 * Installs threat protection into a realm in one step: copies of the realm's current browser and direct-grant
 * flows with the {@code threat-protection} step right after their password step, the browser copy also with
 * the risk-driven MFA sub-flow, and a copy of the reset-credentials flow with the step (and the MFA sub-flow)
 * right after "Send Reset Email", where it runs when the mailed link is used, all bound as the realm's flows.
 * Brokered sign-ins get a post broker login flow of the step and the MFA sub-flow, set on each identity provider
 * that has no post broker login flow yet: that flow runs after every sign-in through the provider, the first one
 * included. The originals stay untouched, so binding them back undoes it.
 * <p>
 * The copies keep the realm's own second-factor sub-flows (Keycloak's conditional 2FA) as they were, so every
 * user asked for a second factor before is asked after; the risk-driven MFA sub-flow comes after them and asks
 * in addition (its condition is false once a second factor was given in the sign-in). Only when the operator
 * asks for it ({@code riskDecidesMfa}) are the browser copy's conditional second-factor sub-flows disabled, so
 * that the risk level alone decides who is asked.
 */
public final class ProtectedFlows {

    public static final String BROWSER = "browser with threat protection";
    public static final String DIRECT_GRANT = "direct grant with threat protection";
    public static final String RESET_CREDENTIALS = "reset credentials with threat protection";
    public static final String POST_BROKER_LOGIN = "post broker login with threat protection";
    private static final String RESET_EMAIL_STEP = "reset-credential-email";

    private static final Set<String> PASSWORD_STEPS = Set.of(UsernamePasswordFormFactory.PROVIDER_ID,
            PasswordFormFactory.PROVIDER_ID, "direct-grant-validate-password");
    private static final String OTP_FORM = "auth-otp-form";
    private static final String WEBAUTHN = "webauthn-authenticator";
    /** Keycloak's steps that ask for a second factor, in the browser and in the direct grant. */
    private static final Set<String> SECOND_FACTOR_STEPS = Set.of(OTP_FORM, WEBAUTHN,
            "auth-recovery-authn-code-form", "direct-grant-validate-otp");

    /**
     * What was installed: the flows, the aliases of the copies' second-factor sub-flows left asking
     * ({@code kept}) and disabled for {@code riskDecidesMfa}, and the identity providers given the post broker
     * login flow.
     */
    public record Installed(String browserFlow, String directGrantFlow, String resetCredentialsFlow,
                            String postBrokerLoginFlow, boolean riskDecidesMfa, List<String> kept,
                            List<String> disabled, List<String> identityProviders) {
    }

    private ProtectedFlows() {
    }

    /**
     * @param riskDecidesMfa disable the browser copy's conditional second-factor sub-flows, so that users are
     *                       asked for a second factor only when their sign-in's risk level asks for one
     * @throws IllegalStateException when flows of these names exist already
     */
    public static Installed install(KeycloakSession session, RealmModel realm, boolean riskDecidesMfa) {
        for (String alias : List.of(BROWSER, DIRECT_GRANT, RESET_CREDENTIALS, POST_BROKER_LOGIN)) {
            if (realm.getFlowByAlias(alias) != null) {
                throw new IllegalStateException("flow '" + alias + "' exists already");
            }
        }
        List<String> kept = new ArrayList<>();
        List<String> disabled = new ArrayList<>();
        AuthenticationFlowModel browser = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getBrowserFlow(), BROWSER);
        AuthenticationExecutionModel browserStep = addAfterPasswordStep(realm, browser);
        List<AuthenticationExecutionModel> browserSecondFactor = secondFactorSubFlowsAfter(realm, browserStep);
        for (AuthenticationExecutionModel subFlow : browserSecondFactor) {
            if (riskDecidesMfa && subFlow.isConditional()) {
                subFlow.setRequirement(Requirement.DISABLED);
                realm.updateAuthenticatorExecution(subFlow);
                disabled.add(alias(realm, subFlow));
            } else if (!subFlow.isDisabled()) {
                kept.add(alias(realm, subFlow));
            }
        }
        addMfaSubFlow(realm, browserSecondFactor.isEmpty() ? browserStep
                : browserSecondFactor.get(browserSecondFactor.size() - 1), BROWSER + " MFA", true);
        AuthenticationFlowModel directGrant = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getDirectGrantFlow(), DIRECT_GRANT);
        AuthenticationExecutionModel directGrantStep = addAfterPasswordStep(realm, directGrant);
        secondFactorSubFlowsAfter(realm, directGrantStep).stream()
                .filter(subFlow -> !subFlow.isDisabled())
                .forEach(subFlow -> kept.add(alias(realm, subFlow)));
        AuthenticationFlowModel reset = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getResetCredentialsFlow(), RESET_CREDENTIALS);
        // Before Reset Password: a second factor the level asks for comes before the new password is chosen.
        // No e-mail code there: the reset link came through the same mailbox.
        addMfaSubFlow(realm, addAfterResetEmail(realm, reset), RESET_CREDENTIALS + " MFA", false);
        AuthenticationFlowModel postBroker = addPostBrokerLoginFlow(realm);
        List<String> identityProviders = new ArrayList<>();
        session.identityProviders().getAllStream()
                .filter(provider -> provider.getPostBrokerLoginFlowId() == null
                        || provider.getPostBrokerLoginFlowId().isEmpty())
                .forEach(provider -> {
                    provider.setPostBrokerLoginFlowId(postBroker.getId());
                    session.identityProviders().update(provider);
                    identityProviders.add(provider.getAlias());
                });
        realm.setBrowserFlow(browser);
        realm.setDirectGrantFlow(directGrant);
        realm.setResetCredentialsFlow(reset);
        return new Installed(BROWSER, DIRECT_GRANT, RESET_CREDENTIALS, POST_BROKER_LOGIN, riskDecidesMfa, kept,
                disabled, identityProviders);
    }

    /** Inserts the step right after "Send Reset Email", which lets the flow go on only once its link is used. */
    private static AuthenticationExecutionModel addAfterResetEmail(RealmModel realm, AuthenticationFlowModel flow) {
        AuthenticationExecutionModel email = realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(execution -> RESET_EMAIL_STEP.equals(execution.getAuthenticator()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("flow '" + flow.getAlias() + "' has no '"
                        + RESET_EMAIL_STEP + "' step"));
        return insertAfter(realm, email, step(email.getParentFlow()));
    }

    /** The post broker login flow: the step, then the risk-driven MFA sub-flow. */
    private static AuthenticationFlowModel addPostBrokerLoginFlow(RealmModel realm) {
        AuthenticationFlowModel flow = new AuthenticationFlowModel();
        flow.setAlias(POST_BROKER_LOGIN);
        flow.setDescription("Evaluates sign-ins brokered from an identity provider");
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        flow = realm.addAuthenticationFlow(flow);
        AuthenticationExecutionModel step = step(flow.getId());
        step.setPriority(10);
        addMfaSubFlow(realm, realm.addAuthenticatorExecution(step), POST_BROKER_LOGIN + " MFA", true);
        return flow;
    }

    private static AuthenticationExecutionModel step(String parentFlowId) {
        AuthenticationExecutionModel step = new AuthenticationExecutionModel();
        step.setParentFlow(parentFlowId);
        step.setAuthenticator(ThreatProtectionAuthenticatorFactory.ID);
        step.setRequirement(Requirement.REQUIRED);
        step.setAuthenticatorFlow(false);
        return step;
    }

    /** Inserts the step right after the first password step found in the flow or its sub-flows. */
    private static AuthenticationExecutionModel addAfterPasswordStep(RealmModel realm, AuthenticationFlowModel flow) {
        AuthenticationExecutionModel password = findPasswordStep(realm, flow.getId());
        if (password == null) {
            throw new IllegalStateException("flow '" + flow.getAlias() + "' has no password step");
        }
        return insertAfter(realm, password, step(password.getParentFlow()));
    }

    /**
     * A CONDITIONAL sub-flow right after {@code after}: the risk condition, then OTP Form or WebAuthn, and with
     * {@code emailCode} the e-mail code step last (it acts only for the users the step chose it for). It must
     * come after the realm's own second-factor sub-flows, so that a factor they asked for counts (the condition
     * is then false) rather than being asked for a second time.
     */
    private static void addMfaSubFlow(RealmModel realm, AuthenticationExecutionModel after, String alias,
                                      boolean emailCode) {
        AuthenticationFlowModel subFlow = new AuthenticationFlowModel();
        subFlow.setAlias(alias);
        subFlow.setDescription("A second factor when the threat-protection step asks for one");
        subFlow.setProviderId("basic-flow");
        subFlow.setTopLevel(false);
        subFlow.setBuiltIn(false);
        String subFlowId = realm.addAuthenticationFlow(subFlow).getId();

        AuthenticationExecutionModel gate = new AuthenticationExecutionModel();
        gate.setParentFlow(after.getParentFlow());
        gate.setFlowId(subFlowId);
        gate.setAuthenticatorFlow(true);
        gate.setRequirement(Requirement.CONDITIONAL);
        insertAfter(realm, after, gate);

        List<String[]> executions = new ArrayList<>(List.of(new String[] {RiskRequiresMfaCondition.ID, "REQUIRED"},
                new String[] {OTP_FORM, "ALTERNATIVE"}, new String[] {WEBAUTHN, "ALTERNATIVE"}));
        if (emailCode) {
            executions.add(new String[] {EmailCodeAuthenticatorFactory.ID, "ALTERNATIVE"});
        }
        int priority = 10;
        for (String[] execution : executions) {
            AuthenticationExecutionModel model = new AuthenticationExecutionModel();
            model.setParentFlow(subFlowId);
            model.setAuthenticator(execution[0]);
            model.setRequirement(Requirement.valueOf(execution[1]));
            model.setAuthenticatorFlow(false);
            model.setPriority(priority);
            priority += 10;
            realm.addAuthenticatorExecution(model);
        }
    }

    /**
     * The sub-flows after the step, in its own flow, that contain a step asking for a second factor (Keycloak's
     * "Browser - Conditional 2FA" and "Direct Grant - Conditional OTP"), in order.
     */
    private static List<AuthenticationExecutionModel> secondFactorSubFlowsAfter(RealmModel realm,
                                                                              AuthenticationExecutionModel step) {
        List<AuthenticationExecutionModel> found = new ArrayList<>();
        boolean afterStep = false;
        for (AuthenticationExecutionModel sibling :
                realm.getAuthenticationExecutionsStream(step.getParentFlow()).toList()) {
            if (sibling.getId().equals(step.getId())) {
                afterStep = true;
            } else if (afterStep && sibling.isAuthenticatorFlow() && asksForSecondFactor(realm, sibling.getFlowId())) {
                found.add(sibling);
            }
        }
        return found;
    }

    private static boolean asksForSecondFactor(RealmModel realm, String flowId) {
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(execution -> !execution.isDisabled())
                .anyMatch(execution -> execution.isAuthenticatorFlow()
                        ? asksForSecondFactor(realm, execution.getFlowId())
                        : SECOND_FACTOR_STEPS.contains(execution.getAuthenticator()));
    }

    private static String alias(RealmModel realm, AuthenticationExecutionModel subFlow) {
        return realm.getAuthenticationFlowById(subFlow.getFlowId()).getAlias();
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
