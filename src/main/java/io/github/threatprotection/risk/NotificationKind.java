package io.github.threatprotection.risk;

/**
 * The notifications: three by what happened to a risky sign-in (or a blocked password reset), and the notice
 * that the account's password was reset through the reset-credentials mail.
 */
public enum NotificationKind {
    BLOCKED("blockEmail", "threat-protection-blocked"),
    MFA("mfaEmail", "threat-protection-mfa"),
    NO_ACTION("noActionEmail", "threat-protection-no-action"),
    PASSWORD_RESET("passwordResetEmail", "threat-protection-password-reset");

    private final String settingsField;
    private final String themeTemplate;

    NotificationKind(String settingsField, String themeTemplate) {
        this.settingsField = settingsField;
        this.themeTemplate = themeTemplate;
    }

    /** The field of the {@code notification} settings section that customises this kind. */
    public String settingsField() {
        return settingsField;
    }

    /** The template name in the e-mail theme, under {@code html/} and {@code text/}, without {@code .ftl}. */
    public String themeTemplate() {
        return themeTemplate;
    }
}
