package io.github.threatprotection.settings;

import io.github.threatprotection.risk.NotificationKind;

/**
 * The {@code notification} section of the settings.
 *
 * @param from              sender address; empty for the realm's SMTP settings
 * @param replyTo           reply-to address; empty for the realm's SMTP settings
 * @param linkValidityDays  how long the one-click feedback links in a notification work
 * @param repeatAfterMinutes after a mail of one kind to a user, further mails of that kind to them within this
 *                          many minutes are skipped (0: every one is sent), so that nobody can flood a mailbox
 *                          by making sign-ins in the user's name
 */
public record NotificationSettings(String from, String replyTo, EmailTemplate blockEmail, EmailTemplate mfaEmail,
                                   EmailTemplate noActionEmail, EmailTemplate passwordResetEmail,
                                   int linkValidityDays, int repeatAfterMinutes) {

    public static final int DEFAULT_LINK_VALIDITY_DAYS = 7;
    public static final int DEFAULT_REPEAT_AFTER_MINUTES = 60;

    public static final NotificationSettings DEFAULTS = new NotificationSettings("", "", EmailTemplate.FROM_THEME,
            EmailTemplate.FROM_THEME, EmailTemplate.FROM_THEME, EmailTemplate.FROM_THEME, DEFAULT_LINK_VALIDITY_DAYS,
            DEFAULT_REPEAT_AFTER_MINUTES);

    public EmailTemplate template(NotificationKind kind) {
        return switch (kind) {
            case BLOCKED -> blockEmail;
            case MFA -> mfaEmail;
            case NO_ACTION -> noActionEmail;
            case PASSWORD_RESET -> passwordResetEmail;
        };
    }

    public NotificationSettings with(NotificationKind kind, EmailTemplate template) {
        return new NotificationSettings(from, replyTo,
                kind == NotificationKind.BLOCKED ? template : blockEmail,
                kind == NotificationKind.MFA ? template : mfaEmail,
                kind == NotificationKind.NO_ACTION ? template : noActionEmail,
                kind == NotificationKind.PASSWORD_RESET ? template : passwordResetEmail,
                linkValidityDays, repeatAfterMinutes);
    }
}
