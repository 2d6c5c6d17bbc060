package io.github.threatprotection.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.keycloak.models.RealmModel;

import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.settings.RealmSettings;

/**
 * What keeps {@code ENFORCED} settings from working as an operator expects, in the realm around them: said when
 * such settings are saved, never a reason to refuse them (the realm's mail or login settings may be fixed
 * afterwards, or on purpose be as they are).
 */
public final class EnforcedModeWarnings {

    /** A problem, by a code for scripts and a sentence for people. */
    public record Warning(String code, String message) {
        /** One header value: the code, a colon, the sentence. */
        public String headerValue() {
            return code + ": " + message;
        }
    }

    /** The response header that carries one warning per value, so that the answer's body stays the document. */
    public static final String HEADER = "Threat-Protection-Warning";

    private EnforcedModeWarnings() {
    }

    /** The warnings for these settings in this realm; none unless the realm or a client is {@code ENFORCED}. */
    public static List<Warning> of(RealmModel realm, RealmSettings settings) {
        List<String> enforced = new ArrayList<>();
        if (settings.realm().mode() == Mode.ENFORCED) {
            enforced.add("the realm");
        }
        for (String clientId : new TreeSet<>(settings.clientOverrides().keySet())) {
            if (settings.forClient(clientId).mode() == Mode.ENFORCED && settings.realm().mode() != Mode.ENFORCED) {
                enforced.add("client " + clientId);
            }
        }
        if (enforced.isEmpty()) {
            return List.of();
        }
        String where = "Mode is ENFORCED for " + String.join(", ", enforced) + ", but ";
        List<Warning> warnings = new ArrayList<>();
        String host = realm.getSmtpConfig().get("host");
        if (host == null || host.isBlank()) {
            warnings.add(new Warning("NO_SMTP_SERVER", where + "the realm has no SMTP server (Realm settings, Email):"
                    + " notification mails and password-reset mails cannot be sent, so a blocked or locked user is"
                    + " not told."));
        }
        if (!realm.isResetPasswordAllowed()) {
            warnings.add(new Warning("FORGOT_PASSWORD_OFF", where + "Forgot password is off (Realm settings, Login):"
                    + " a user whose account is locked for a breached password or a \"this wasn't me\" answer cannot"
                    + " reset the password from the sign-in page."));
        }
        return warnings;
    }
}
