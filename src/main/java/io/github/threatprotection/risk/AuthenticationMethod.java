package io.github.threatprotection.risk;

/**
 * How the user proved who they were before the evaluation, as the event's {@code challenges} name it. The
 * compromised-credentials check applies only where a password was typed.
 */
public enum AuthenticationMethod {
    PASSWORD,
    /** A passkey (WebAuthn passwordless) used as the only factor. */
    PASSKEY,
    /** A sign-in brokered from an identity provider, which the event names. */
    FEDERATED,
    /** The link of a reset-credentials mail: proof of the mailbox only. */
    RESET_LINK,
    /** The SSO cookie of a session signed in earlier: proof of holding that browser's cookies only. */
    SSO_COOKIE
}
