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
import io.github.threatprotection.signin.RegistrationLimit;
import io.github.threatprotection.signin.ResetMailLimitFactory;
import io.github.threatprotection.signin.EmailCodeAuthenticatorFactory;
import io.github.threatprotection.signin.RiskRequiresMfaCondition;
import io.github.threatprotection.signin.SsoSignInCheckFactory;
import io.github.threatprotection.signin.ThreatProtectionAuthenticatorFactory;
import io.github.threatprotection.signin.ThrottleStepFactory;
import io.github.threatprotection.signin.ThrottledUsernamePasswordFormFactory;

/**
 * Installs threat protection into a realm in one step: copies of the realm's current browser and direct-grant
 * flows with the {@code threat-protection} step right after their password step, the browser copy also with
 * the risk-driven MFA sub-flow, and a copy of the reset-credentials flow with the step (and the MFA sub-flow)
 * right after "Send Reset Email", where it runs when the mailed link is used, all bound as the realm's flows.
 * Brokered sign-ins get a post broker login flow of the step and the MFA sub-flow, set on each identity provider
 * that has no post broker login flow yet: that flow runs after every sign-in through the provider, the first one
 * included. The originals stay untouched, so binding them back undoes it.
 * <p>
 * In the browser copy, the Cookie step gives its place to an alternative sub-flow of the same requirement: Cookie,
 * then the SSO sign-in check, both REQUIRED, then the risk-driven MFA sub-flow. Without an SSO cookie, Cookie does
 * not succeed, the sub-flow neither, and the flow goes on to its next alternative (the login form) as before; with
 * one, the check runs only once Cookie has signed the browser in, and can ask for a second factor in the same
 * sub-flow. It does nothing until the realm's settings turn {@code sessions.ssoSignIn} on.
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
    public static final String SSO_SUB_FLOW = BROWSER + " SSO";
    private static final String COOKIE = "auth-cookie";
    public static final String REGISTRATION = "registration with threat protection";
    private static final String RESET_EMAIL_STEP = "reset-credential-email";

    private static final Set<String> PASSWORD_STEPS = Set.of(UsernamePasswordFormFactory.PROVIDER_ID,
            ThrottledUsernamePasswordFormFactory.ID,
            PasswordFormFactory.PROVIDER_ID, "direct-grant-validate-password");
    private static final String OTP_FORM = "auth-otp-form";
    private static final String WEBAUTHN = "webauthn-authenticator";
    /** Keycloak's steps that ask for a second factor, in the browser and in the direct grant. */
    private static final Set<String> SECOND_FACTOR_STEPS = Set.of(OTP_FORM, WEBAUTHN,
            "auth-recovery-authn-code-form", "direct-grant-validate-otp");

    /**
     * What was installed: the flows, the aliases of the copies' second-factor sub-flows left asking
     * ({@code kept}) and disabled for {@code riskDecidesMfa}, and the identity providers given the post broker
     * login flow; {@code ssoSubFlow} is null when the browser flow has no enabled Cookie step to check after.
     */
    public record Installed(String browserFlow, String directGrantFlow, String resetCredentialsFlow,
                            String postBrokerLoginFlow, String registrationFlow, boolean riskDecidesMfa,
                            List<String> kept, List<String> disabled, List<String> identityProviders,
                            String ssoSubFlow) {
    }

    /**
     * What {@link #upgrade} found and added to an earlier install.
     *
     * @param ssoSubFlow      the browser copy's SSO sub-flow, or null when it has none (no enabled Cookie step)
     * @param ssoSubFlowAdded whether it was added now
     */
    public record Upgraded(String browserFlow, String ssoSubFlow, boolean ssoSubFlowAdded) {
    }

    private ProtectedFlows() {
    }

    /**
     * Brings flows installed by an earlier version up to what {@link #install} makes now, leaving everything else
     * as it is: the SSO sub-flow in place of the browser copy's Cookie step, unless the copy has the SSO sign-in
     * check somewhere already (or no enabled Cookie step at its top level). Flows are neither copied again nor
     * bound: an operator who bound the originals back keeps them.
     *
     * @return null when the realm has no browser copy, i.e. nothing was installed before
     * @throws IllegalStateException when a flow of the SSO sub-flow's name exists outside the browser copy
     */
    public static Upgraded upgrade(RealmModel realm) {
        AuthenticationFlowModel browser = realm.getFlowByAlias(BROWSER);
        if (browser == null) {
            return null;
        }
        if (contains(realm, browser.getId(), SsoSignInCheckFactory.ID)) {
            return new Upgraded(BROWSER, realm.getFlowByAlias(SSO_SUB_FLOW) == null ? null : SSO_SUB_FLOW, false);
        }
        if (realm.getFlowByAlias(SSO_SUB_FLOW) != null) {
            throw new IllegalStateException("flow '" + SSO_SUB_FLOW + "' exists already");
        }
        String added = replaceCookieStep(realm, browser);
        return new Upgraded(BROWSER, added, added != null);
    }

    private static boolean contains(RealmModel realm, String flowId, String authenticator) {
        return realm.getAuthenticationExecutionsStream(flowId).anyMatch(execution -> execution.isAuthenticatorFlow()
                ? contains(realm, execution.getFlowId(), authenticator)
                : authenticator.equals(execution.getAuthenticator()));
    }

    /**
     * @param riskDecidesMfa disable the browser copy's conditional second-factor sub-flows, so that users are
     *                       asked for a second factor only when their sign-in's risk level asks for one
     * @throws IllegalStateException when flows of these names exist already
     */
    public static Installed install(KeycloakSession session, RealmModel realm, boolean riskDecidesMfa) {
        for (String alias : List.of(BROWSER, DIRECT_GRANT, RESET_CREDENTIALS, POST_BROKER_LOGIN, REGISTRATION)) {
            if (realm.getFlowByAlias(alias) != null) {
                throw new IllegalStateException("flow '" + alias + "' exists already");
            }
        }
        List<String> kept = new ArrayList<>();
        List<String> disabled = new ArrayList<>();
        AuthenticationFlowModel browser = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getBrowserFlow(), BROWSER);
        AuthenticationExecutionModel browserStep = addAfterPasswordStep(realm, browser);
        refuseThrottledSourcesInForm(realm, browser);
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
        String ssoSubFlow = replaceCookieStep(realm, browser);
        AuthenticationFlowModel directGrant = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getDirectGrantFlow(), DIRECT_GRANT);
        AuthenticationExecutionModel directGrantStep = addAfterPasswordStep(realm, directGrant);
        addThrottleStepFirst(realm, directGrant);
        secondFactorSubFlowsAfter(realm, directGrantStep).stream()
                .filter(subFlow -> !subFlow.isDisabled())
                .forEach(subFlow -> kept.add(alias(realm, subFlow)));
        AuthenticationFlowModel reset = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getResetCredentialsFlow(), RESET_CREDENTIALS);
        // Before Reset Password: a second factor the level asks for comes before the new password is chosen.
        // No e-mail code there: the reset link came through the same mailbox.
        addMfaSubFlow(realm, addAfterResetEmail(realm, reset), RESET_CREDENTIALS + " MFA", false);
        addResetMailLimit(realm, reset);
        AuthenticationFlowModel registration = AuthenticationManagementResource.copyFlow(session, realm,
                realm.getRegistrationFlow(), REGISTRATION);
        addRegistrationLimit(realm, registration);
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
        realm.setRegistrationFlow(registration);
        return new Installed(BROWSER, DIRECT_GRANT, RESET_CREDENTIALS, POST_BROKER_LOGIN, REGISTRATION,
                riskDecidesMfa, kept, disabled, identityProviders, ssoSubFlow);
    }

    /**
     * Puts an alternative sub-flow in place of the flow's own Cookie step: Cookie and the SSO sign-in check, both
     * REQUIRED, then the risk-driven MFA sub-flow. Returns its alias, or null when the flow has no enabled Cookie
     * step at its top level (a flow made by hand, which the operator then changes by hand).
     */
    private static String replaceCookieStep(RealmModel realm, AuthenticationFlowModel browser) {
        AuthenticationExecutionModel cookie = realm.getAuthenticationExecutionsStream(browser.getId())
                .filter(execution -> COOKIE.equals(execution.getAuthenticator()) && !execution.isDisabled())
                .findFirst()
                .orElse(null);
        if (cookie == null) {
            return null;
        }
        AuthenticationFlowModel subFlow = new AuthenticationFlowModel();
        subFlow.setAlias(SSO_SUB_FLOW);
        subFlow.setDescription("A sign-in by an existing session's SSO cookie, checked against the session's context");
        subFlow.setProviderId("basic-flow");
        subFlow.setTopLevel(false);
        subFlow.setBuiltIn(false);
        String subFlowId = realm.addAuthenticationFlow(subFlow).getId();

        AuthenticationExecutionModel gate = new AuthenticationExecutionModel();
        gate.setParentFlow(browser.getId());
        gate.setFlowId(subFlowId);
        gate.setAuthenticatorFlow(true);
        gate.setRequirement(cookie.getRequirement());
        gate.setPriority(cookie.getPriority());
        realm.removeAuthenticatorExecution(cookie);
        realm.addAuthenticatorExecution(gate);

        AuthenticationExecutionModel inner = new AuthenticationExecutionModel();
        inner.setParentFlow(subFlowId);
        inner.setAuthenticator(COOKIE);
        inner.setRequirement(Requirement.REQUIRED);
        inner.setAuthenticatorFlow(false);
        inner.setPriority(10);
        realm.addAuthenticatorExecution(inner);
        AuthenticationExecutionModel check = new AuthenticationExecutionModel();
        check.setParentFlow(subFlowId);
        check.setAuthenticator(SsoSignInCheckFactory.ID);
        check.setRequirement(Requirement.REQUIRED);
        check.setAuthenticatorFlow(false);
        check.setPriority(20);
        addMfaSubFlow(realm, realm.addAuthenticatorExecution(check), SSO_SUB_FLOW + " MFA", true);
        return SSO_SUB_FLOW;
    }

    /**
     * Puts the form that refuses throttled sources in place of Keycloak's Username Password Form, keeping the
     * execution (its place, requirement and id). A step before the form would not do: Keycloak hands each POST of
     * the form straight to the form's own step.
     */
    private static void refuseThrottledSourcesInForm(RealmModel realm, AuthenticationFlowModel flow) {
        AuthenticationExecutionModel form = findPasswordStep(realm, flow.getId());
        if (form != null && UsernamePasswordFormFactory.PROVIDER_ID.equals(form.getAuthenticator())) {
            form.setAuthenticator(ThrottledUsernamePasswordFormFactory.ID);
            realm.updateAuthenticatorExecution(form);
        }
    }

    /** The throttle step ahead of everything in the direct-grant flow, so it runs before the password check. */
    private static void addThrottleStepFirst(RealmModel realm, AuthenticationFlowModel flow) {
        AuthenticationExecutionModel throttle = new AuthenticationExecutionModel();
        throttle.setParentFlow(flow.getId());
        throttle.setAuthenticator(ThrottleStepFactory.ID);
        throttle.setRequirement(Requirement.REQUIRED);
        throttle.setAuthenticatorFlow(false);
        throttle.setPriority(realm.getAuthenticationExecutionsStream(flow.getId())
                .mapToInt(AuthenticationExecutionModel::getPriority).min().orElse(10) - 1);
        realm.addAuthenticatorExecution(throttle);
    }

    /** The reset-mail limits right before "Send Reset Email", so that a mail over a limit is never sent. */
    private static void addResetMailLimit(RealmModel realm, AuthenticationFlowModel flow) {
        AuthenticationExecutionModel email = realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(execution -> RESET_EMAIL_STEP.equals(execution.getAuthenticator()))
                .findFirst()
                .orElseThrow();
        AuthenticationExecutionModel limit = new AuthenticationExecutionModel();
        limit.setParentFlow(email.getParentFlow());
        limit.setAuthenticator(ResetMailLimitFactory.ID);
        limit.setRequirement(Requirement.REQUIRED);
        limit.setAuthenticatorFlow(false);
        limit.setPriority(email.getPriority() - 1);
        realm.addAuthenticatorExecution(limit);
    }

    /**
     * The registration limit last among the registration form's checks: a check that says so drops the messages
     * of those before it, so its answer never says whether the username is taken.
     */
    private static void addRegistrationLimit(RealmModel realm, AuthenticationFlowModel flow) {
        AuthenticationExecutionModel form = realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(AuthenticationExecutionModel::isAuthenticatorFlow)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("flow '" + flow.getAlias() + "' has no form"));
        AuthenticationExecutionModel limit = new AuthenticationExecutionModel();
        limit.setParentFlow(form.getFlowId());
        limit.setAuthenticator(RegistrationLimit.ID);
        limit.setRequirement(Requirement.REQUIRED);
        limit.setAuthenticatorFlow(false);
        limit.setPriority(realm.getAuthenticationExecutionsStream(form.getFlowId())
                .mapToInt(AuthenticationExecutionModel::getPriority).max().orElse(0) + 10);
        realm.addAuthenticatorExecution(limit);
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
