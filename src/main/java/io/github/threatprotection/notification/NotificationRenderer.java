package io.github.threatprotection.notification;

import java.io.IOException;
import java.net.URI;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.FreeMarkerException;
import org.keycloak.theme.Theme;
import org.keycloak.theme.beans.MessageFormatterMethod;
import org.keycloak.theme.freemarker.FreeMarkerProvider;

import io.github.threatprotection.device.DeviceName;
import io.github.threatprotection.history.Feedback;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.AuthenticationMethod;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.settings.EmailTemplate;
import io.github.threatprotection.settings.NotificationSettings;
import io.github.threatprotection.settings.Placeholder;

/**
 * Renders a notification with the realm's e-mail theme (the extension's templates unless the theme overrides
 * them) or with the admin's own text from the settings, part by part. Runs outside any request, so the
 * language is the user's own (their {@code locale} attribute, else the realm's default), never one a request
 * asked for.
 */
final class NotificationRenderer {

    /** The subject's message key of a BLOCKED mail about a revoked session. */
    private static final String SESSION_REVOKED_SUBJECT = "threat-protection-session-revoked.subject";

    /** A rendered e-mail. */
    record Email(String subject, String textBody, String htmlBody) {
    }

    private NotificationRenderer() {
    }

    static Email render(KeycloakSession session, RealmModel realm, UserModel user, RiskEvent event,
                        NotificationKind kind, NotificationSettings settings, URI serverUrl)
            throws IOException, FreeMarkerException {
        Locale locale = NotificationValues.userLocale(realm, user);
        Theme theme = session.theme().getTheme(Theme.Type.EMAIL);
        Properties messages = theme.getEnhancedMessages(realm, locale);
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank()
                ? realm.getName() : realm.getDisplayName();

        int expires = Time.currentTime() + settings.linkValidityDays() * 24 * 3600;
        String feedbackUrl = serverUrl.resolve("realms/" + realm.getName() + "/" + FeedbackToken.RESOURCE_ID
                + "/feedback?key=").toString();
        NotificationValues.Links links = new NotificationValues.Links(
                feedbackUrl + new FeedbackToken(user.getId(), event.id(), Feedback.Value.VALID, expires)
                        .encode(session, realm, serverUrl),
                feedbackUrl + new FeedbackToken(user.getId(), event.id(), Feedback.Value.INVALID, expires)
                        .encode(session, realm, serverUrl),
                serverUrl.resolve("realms/" + realm.getName() + "/login-actions/reset-credentials").toString());
        Map<Placeholder, String> values = NotificationValues.of(event, user.getUsername(), realmName, links, locale,
                NotificationValues.userZone(user),
                messages.getProperty("threatProtectionUnknown", "unknown"),
                messages.getProperty("threatProtectionUnknownDevice", DeviceName.UNKNOWN));

        Map<String, Object> attributes = new HashMap<>();
        values.forEach((placeholder, value) -> attributes.put(camelCase(placeholder), value));
        attributes.put("locale", locale);
        attributes.put("ltr", true);
        attributes.put("msg", new MessageFormatterMethod(locale, messages));
        attributes.put("properties", theme.getProperties());
        attributes.put("compromisedPassword", event.risk().compromisedCredentials());
        // A breached password's lock mails its own reset link; Keycloak's "Forgot password" page only where allowed.
        attributes.put("forgotPasswordAllowed", realm.isResetPasswordAllowed());
        attributes.put("passwordReset", event.type() == EventType.PASSWORD_RESET);
        attributes.put("passwordUsed", event.method() == null
                || event.method().kind() == AuthenticationMethod.PASSWORD);
        // A revoked session was signed in already: the mail says the session ended, not that a sign-in was blocked.
        // So does a blocked SSO sign-in, which ends the session whose cookie was used.
        boolean sessionRevoked = event.type() == EventType.TOKEN_REFRESH
                || (event.type() == EventType.SSO_SIGN_IN && kind == NotificationKind.BLOCKED);
        attributes.put("sessionRevoked", sessionRevoked);
        attributes.put("linkValidityDays", settings.linkValidityDays());

        EmailTemplate custom = settings.template(kind);
        FreeMarkerProvider freeMarker = session.getProvider(FreeMarkerProvider.class);
        String subject = custom.subject().isEmpty()
                ? new MessageFormat(messages.getProperty((sessionRevoked ? SESSION_REVOKED_SUBJECT
                        : kind.themeTemplate() + ".subject"), kind.name()), locale)
                        .format(new Object[] {values.get(Placeholder.REALM_NAME)})
                : Placeholder.substitute(custom.subject(), values, UnaryOperator.identity());
        String text = custom.textBody().isEmpty()
                ? freeMarker.processTemplate(attributes, "text/" + kind.themeTemplate() + ".ftl", theme)
                : Placeholder.substitute(custom.textBody(), values, UnaryOperator.identity());
        String html = custom.htmlBody().isEmpty()
                ? freeMarker.processTemplate(attributes, "html/" + kind.themeTemplate() + ".ftl", theme)
                : Placeholder.substitute(custom.htmlBody(), values, MessageText::html);
        return new Email(MessageText.oneLine(subject), text, html);
    }

    /** {@code ip-address} → {@code ipAddress}, the name a theme template uses. */
    static String camelCase(Placeholder placeholder) {
        String[] words = placeholder.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
        }
        return name.toString();
    }
}
