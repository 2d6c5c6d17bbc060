package io.github.threatprotection.settings;

/**
 * An admin's own wording for one kind of notification. Each part that is empty comes from the realm's e-mail
 * theme instead; the parts are plain text with {@link Placeholder placeholders}, never FreeMarker.
 */
public record EmailTemplate(String subject, String htmlBody, String textBody) {

    public static final EmailTemplate FROM_THEME = new EmailTemplate("", "", "");
}
