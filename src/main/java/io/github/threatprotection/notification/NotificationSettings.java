package io.github.threatprotection.notification;

/**
 * The {@code notification} section of the settings.
 *
 * @param from              sender address; empty for the realm's SMTP settings
 * @param replyTo           reply-to address; empty for the realm's SMTP settings
 * @param linkValidityDays  how long the one-click feedback links in a notification work
 */
public record NotificationSettings(String from, String replyTo, EmailTemplate blockEmail, EmailTemplate mfaEmail,
                                   EmailTemplate noActionEmail, int linkValidityDays) {

    public static final int DEFAULT_LINK_VALIDITY_DAYS = 7;

    public static final NotificationSettings DEFAULTS = new NotificationSettings("", "", EmailTemplate.FROM_THEME,
            EmailTemplate.FROM_THEME, EmailTemplate.FROM_THEME, DEFAULT_LINK_VALIDITY_DAYS);

    public EmailTemplate template(NotificationKind kind) {
        return switch (kind) {
            case BLOCKED -> blockEmail;
            case MFA -> mfaEmail;
            case NO_ACTION -> noActionEmail;
        };
    }

    public NotificationSettings with(NotificationKind kind, EmailTemplate template) {
        return new NotificationSettings(from, replyTo,
                kind == NotificationKind.BLOCKED ? template : blockEmail,
                kind == NotificationKind.MFA ? template : mfaEmail,
                kind == NotificationKind.NO_ACTION ? template : noActionEmail,
                linkValidityDays);
    }
}
