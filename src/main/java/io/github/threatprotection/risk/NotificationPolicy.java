package io.github.threatprotection.risk;


/** Which notification, if any, a sign-in whose password was right gets. */
public final class NotificationPolicy {

    private NotificationPolicy() {
    }

    /**
     * @param levelNotifies the {@code notify} setting of the sign-in's risk level
     * @param blocked       the sign-in was refused
     * @param mfaChallenged the sign-in goes on to a second-factor challenge
     * @return the kind to send, or null: nothing in AUDIT mode (nothing was done to the sign-in, as in Cognito);
     *         a block because the password is breached always tells the user, since the account now needs a
     *         password reset; otherwise only when the level says so
     */
    public static NotificationKind kindFor(RiskAssessment risk, boolean levelNotifies, boolean blocked,
                                           boolean mfaChallenged) {
        if (!risk.enforced()) {
            return null;
        }
        if (blocked && risk.compromisedCredentials()) {
            return NotificationKind.BLOCKED;
        }
        if (!levelNotifies) {
            return null;
        }
        if (blocked) {
            return NotificationKind.BLOCKED;
        }
        return mfaChallenged ? NotificationKind.MFA : NotificationKind.NO_ACTION;
    }
}
