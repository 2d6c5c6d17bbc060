package io.github.threatprotection.risk;

/** The second factor a sign-in is asked for when its risk level wants one, as the event's challenges name it. */
public enum MfaChallenge {
    /** The user's own OTP or WebAuthn key (or a recovery code). */
    MFA,
    /**
     * A one-time code mailed to the user's verified address, for a user with neither OTP nor WebAuthn
     * ({@code accountTakeover.mfaFallback} {@code EMAIL_CODE}).
     */
    EMAIL_CODE
}
