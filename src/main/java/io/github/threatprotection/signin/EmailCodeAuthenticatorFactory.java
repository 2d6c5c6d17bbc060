package io.github.threatprotection.signin;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * "Threat protection e-mail code" ({@code threat-protection-email-code}). Its one server option,
 * {@code --spi-authenticator--threat-protection-email-code--code-lifetime} (seconds, default 300), is read at
 * start-up; a bad value stops the server with the option's name.
 */
public class EmailCodeAuthenticatorFactory implements AuthenticatorFactory {

    public static final String ID = "threat-protection-email-code";
    static final String LIFETIME_OPTION = "code-lifetime";

    private static final Requirement[] REQUIREMENTS = {Requirement.ALTERNATIVE, Requirement.REQUIRED,
            Requirement.DISABLED};

    private final SecureRandom random = new SecureRandom();
    private Duration lifetime = EmailCode.DEFAULT_LIFETIME;

    @Override
    public Authenticator create(KeycloakSession session) {
        return new EmailCodeAuthenticator(session, lifetime, random);
    }

    @Override
    public void init(Config.Scope config) {
        String text = config.get(LIFETIME_OPTION);
        if (text == null || text.isBlank()) {
            return;
        }
        try {
            long seconds = Long.parseLong(text.trim());
            if (seconds >= 1) {
                lifetime = Duration.ofSeconds(seconds);
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--spi-authenticator--" + ID + "--" + LIFETIME_OPTION
                + " must be a whole number of seconds of at least 1, got " + text);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(LIFETIME_OPTION).type("int").defaultValue(EmailCode.DEFAULT_LIFETIME.toSeconds())
                .helpText("Seconds an e-mailed sign-in code stays valid.").add()
                .build();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Threat protection e-mail code";
    }

    @Override
    public String getHelpText() {
        return "Mails a one-time code to a user without OTP or WebAuthn whose sign-in the threat-protection step"
                + " asked for a second factor (accountTakeover.mfaFallback EMAIL_CODE); stands aside for everyone"
                + " else. Place it in the sub-flow gated by 'Condition - risk requires MFA', ALTERNATIVE next to"
                + " OTP Form and WebAuthn Authenticator.";
    }

    @Override
    public String getReferenceCategory() {
        return ID;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
