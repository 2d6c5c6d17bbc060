package io.github.threatprotection.settings;

/**
 * What a sign-in gets when its risk level asks for a second factor and the user has neither OTP nor WebAuthn
 * ({@code accountTakeover.mfaFallback}).
 */
public enum MfaFallback {
    /** As without this setting: {@code MFA_REQUIRED} blocks, {@code MFA_IF_CONFIGURED} lets the user through. */
    BLOCK,
    /** A one-time code mailed to the user's verified e-mail address; without one, as {@link #BLOCK}. */
    EMAIL_CODE
}
