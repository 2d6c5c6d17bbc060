package io.github.threatprotection.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin console's settings tab calls each setting, and what its help says: the label in an operator's
 * words, the meaning with range, default and unit, and the words shown for each value of a choice. The order of
 * the entries is the order of the tab's fields, which follows Amazon Cognito's threat protection console (mode,
 * compromised credentials, adaptive authentication, IP exceptions, notifications, risk scoring, retention and
 * privacy) and then the sections Cognito has no counterpart for.
 * <p>
 * Every setting of the default settings document needs an entry here ({@code SettingsCatalogueTest} fails
 * otherwise); a setting added to the parser without one still shows on the tab, last, under its JSON path. To add
 * one, put an {@code entry(...)} (or {@code choice(...)} with the word of each value: that alone makes the field a
 * choice, or {@code signal(...)} for a score) where it belongs in the order below.
 */
public final class SettingsCatalogue {

    /**
     * One setting as the tab shows it.
     *
     * @param path  the setting's JSON path in the settings document, as field errors name it
     * @param label short, in the operator's words
     * @param help  what it means, its range, default and unit
     * @param words the word shown for each value of a choice, by the value's name in the document; empty for a
     *              setting that is no choice
     */
    public record Entry(String path, String label, String help, Map<String, String> words) {
    }

    private static final Map<String, String> MODES = words(
            "OFF", "Off",
            "AUDIT", "Audit only: record, never act",
            "ENFORCED", "Enforced: act on the risk");
    private static final Map<String, String> SIGN_IN_ACTIONS = words(
            "NO_ACTION", "Allow",
            "MFA_IF_CONFIGURED", "Ask for MFA if the user has it",
            "CHALLENGE", "Check the browser (proof-of-work puzzle)",
            "MFA_REQUIRED", "Require MFA (block users without it)",
            "BLOCK", "Block");
    private static final Map<String, String> REFRESH_ACTIONS = words(
            "NO_ACTION", "Keep the session",
            "REVOKE", "End the session");

    private static final List<Entry> ENTRIES = build();

    private SettingsCatalogue() {
    }

    /** Every entry, in the tab's order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    public static Optional<Entry> entry(String path) {
        return ENTRIES.stream().filter(entry -> entry.path().equals(path)).findFirst();
    }

    private static List<Entry> build() {
        List<Entry> entries = new ArrayList<>();

        entries.add(choice("mode", "Mode", MODES, "Off: nothing is evaluated or recorded. Audit only: every "
                + "sign-in is evaluated and recorded with what would have happened, and nothing is blocked or "
                + "challenged. Enforced: the actions below are carried out. Default: Off."));

        // Compromised credentials
        entries.add(choice("compromisedCredentials.events", "Check passwords against breach data at", words(
                        "SIGN_IN", "Sign-in",
                        "SIGN_UP", "Sign-up",
                        "PASSWORD_CHANGE", "Password change"),
                "Where passwords are looked up in the breach data (built-in list, offline corpus, and the Pwned "
                        + "Passwords range API if configured). Default: all three."));
        entries.add(choice("compromisedCredentials.action", "Breached password: action", words(
                        "BLOCK", "Block",
                        "NO_ACTION", "Allow"),
                "What a password found in breach data leads to. Block answers like a wrong password and locks "
                        + "the account until the password is replaced. Default: Block."));
        entries.add(entry("compromisedCredentials.requirePasswordChange", "Breached password: require a change",
                "When a breached password is allowed, the user must choose a new one before the sign-in goes on. "
                        + "Default: off."));

        // Adaptive authentication: each risk level's action and whether the user is told
        for (String[] level : new String[][] {
                {"low", "Low", "Allow", "off"},
                {"medium", "Medium", "Ask for MFA if the user has it", "on"},
                {"high", "High", "Require MFA (block users without it)", "on"}}) {
            entries.add(choice("accountTakeover." + level[0] + ".action", level[1] + " risk: action",
                    SIGN_IN_ACTIONS, "What a sign-in at " + level[0] + " risk gets. A higher level may not get a "
                            + "weaker action than a lower one (Allow, Ask for MFA, Check the browser, Require MFA, Block). "
                            + "Check the browser: a browser sign-in goes on once its browser has solved a puzzle; "
                            + "a direct grant is refused. Default: " + level[2] + "."));
            entries.add(entry("accountTakeover." + level[0] + ".notify", level[1] + " risk: notify the user",
                    "Mail the user about a sign-in at " + level[0] + " risk, with \"this was me\" and \"this "
                            + "wasn't me\" links; also about a session ended at this level. Needs the realm's "
                            + "SMTP settings and a verified address. Default: " + level[3] + "."));
        }
        entries.add(choice("accountTakeover.mfaFallback", "When MFA is asked of a user without a factor", words(
                "BLOCK", "Block (Ask for MFA if the user has it: allow)",
                "EMAIL_CODE", "Mail a one-time code to a verified address"),
                "What a level asking for MFA does for a user with neither OTP nor WebAuthn. A mailed code is a "
                        + "weaker factor than OTP or WebAuthn: whoever controls the mailbox passes. Default: "
                        + "Block."));

        // IP exceptions
        entries.add(entry("ipExceptions.alwaysAllow", "Always allow these IP ranges",
                "One IPv4 or IPv6 address or CIDR block per line (203.0.113.0/24, 2001:db8::/32), up to 10,000. "
                        + "Sign-ins from here skip risk evaluation; a breached password's action still applies. "
                        + "Default: none."));
        entries.add(entry("ipExceptions.alwaysBlock", "Always block these IP ranges",
                "One IPv4 or IPv6 address or CIDR block per line, up to 10,000. Sign-ins from here are blocked "
                        + "without evaluation, even when also in the allow list. Default: none."));

        // Notifications
        entries.add(entry("notification.from", "Notification mail: From address",
                "Sender of notification mails, one e-mail address. Empty (default): the realm's e-mail "
                        + "settings."));
        entries.add(entry("notification.replyTo", "Notification mail: Reply-To address",
                "Reply-To of notification mails, one e-mail address. Empty (default): the realm's e-mail "
                        + "settings."));
        entries.add(entry("notification.linkValidityDays", "Feedback links valid for (days)",
                "How long the mail's \"this was me\" and \"this wasn't me\" links work: 1 to 90 days. Default: 7."));
        entries.add(entry("notification.repeatAfterMinutes", "Quiet time between mails (minutes)",
                "After a mail of one kind to a user, further mails of that kind to them within this many minutes "
                        + "are skipped, so nobody can flood a mailbox by signing in in the user's name: 0 to "
                        + "10,080 minutes, 0 mails every time. Default: 60."));
        for (String[] mail : new String[][] {
                {"blockEmail", "Blocked sign-in mail"},
                {"mfaEmail", "MFA challenge mail"},
                {"noActionEmail", "Allowed sign-in mail"},
                {"passwordResetEmail", "Password reset mail"}}) {
            String path = "notification." + mail[0];
            entries.add(entry(path + ".subject", mail[1] + ": subject",
                    "One line, up to 998 characters, placeholders allowed. Empty (default): the e-mail theme's "
                            + "subject."));
            entries.add(entry(path + ".htmlBody", mail[1] + ": HTML text",
                    "The mail's HTML part, up to 100,000 characters, placeholders allowed. Empty (default): the "
                            + "e-mail theme's template."));
            entries.add(entry(path + ".textBody", mail[1] + ": plain text",
                    "The mail's plain-text part, up to 100,000 characters, placeholders allowed. Empty (default): "
                            + "the e-mail theme's template."));
        }

        // Risk scoring
        entries.add(entry("riskScoring.thresholds.medium", "Medium risk from score",
                "A sign-in whose signals add up to at least this score is at medium risk: 1 to 1000 points, no "
                        + "higher than the high-risk score. Default: 30."));
        entries.add(entry("riskScoring.thresholds.high", "High risk from score",
                "A sign-in whose signals add up to at least this score is at high risk: 1 to 1000 points, at "
                        + "least the medium-risk score; all signals together reach at most 900, so 1000 means "
                        + "never. Default: 70."));
        entries.add(entry("riskScoring.impossibleTravelKmh", "Impossible travel speed (km/h)",
                "A sign-in is impossible travel when reaching it from the previous sign-in's place would take "
                        + "more than this speed: 100 to 20,000 km/h. Default: 900 (an airliner)."));
        entries.add(entry("riskScoring.velocity.windowMinutes", "Failed sign-ins counted over (minutes)",
                "How far back failed sign-ins are counted for the two failure signals: 1 to 1440 minutes. "
                        + "Default: 15."));
        entries.add(entry("riskScoring.velocity.userFailures", "Failures of one user that count",
                "Failed sign-ins of one user within that time that raise the signal for repeated failures: 1 to "
                        + "10,000. Default: 5."));
        entries.add(entry("riskScoring.velocity.networkUsers", "Usernames failing from one network that count",
                "Different usernames failing from one network (IPv4 /24, IPv6 /64) within that time that raise "
                        + "the credential-stuffing signal: 1 to 100,000. Default: 10."));
        signal(entries, "NEW_DEVICE", "Score: new device",
                "the browser brings no device cookie of this user (browser sign-ins only)", 15);
        signal(entries, "NEW_IP", "Score: new IP address", "the address is not among the user's earlier sign-ins",
                5);
        signal(entries, "NEW_NETWORK", "Score: new network",
                "the address's network (IPv4 /24, IPv6 /64) is not among the user's earlier sign-ins", 10);
        signal(entries, "NEW_COUNTRY", "Score: new country",
                "the country is not among the user's earlier sign-ins (needs a City database)", 20);
        signal(entries, "NEW_ASN", "Score: new provider network (ASN)",
                "the autonomous system is not among the user's earlier sign-ins (needs an ASN database)", 10);
        signal(entries, "IMPOSSIBLE_TRAVEL", "Score: impossible travel",
                "the sign-in is faster than the impossible travel speed from the previous one", 70);
        signal(entries, "IP_REPUTATION", "Score: address of bad reputation",
                "the address is on a reputation list or is an anonymous proxy or Tor exit", 40);
        signal(entries, "FAILED_LOGIN_VELOCITY", "Score: repeated failures",
                "the user had the counted number of failed sign-ins recently", 30);
        signal(entries, "NETWORK_VELOCITY", "Score: credential stuffing",
                "many usernames failed from the address's network recently", 40);
        signal(entries, "SESSION_NETWORK_CHANGE", "Score: session on another network",
                "a refresh grant or SSO sign-in comes from another network than the session's sign-in", 10);
        signal(entries, "SESSION_ASN_CHANGE", "Score: session on another ASN",
                "a refresh grant or SSO sign-in comes from another autonomous system than the session's sign-in", 20);
        signal(entries, "SESSION_COUNTRY_CHANGE", "Score: session in another country",
                "a refresh grant or SSO sign-in comes from another country than the session's sign-in", 70);
        signal(entries, "SESSION_DEVICE_CHANGE", "Score: session on another device",
                "a refresh grant or SSO sign-in brings another device cookie than the session's sign-in", 30);
        signal(entries, "USER_AT_RISK", "Score: user at risk",
                "the user's remembered risk is at risk (a high-risk sign-in went through without a second factor) "
                        + "until remedied or dismissed", 40);

        // Retention and privacy
        entries.add(entry("retention.eventDays", "Keep risk events for (days)",
                "Risk events older than this are deleted: 1 to 36,500 days. Realm-wide only. Default: 730."));
        entries.add(entry("privacy.storeNetworkOnly", "Store only the network, not the IP address",
                "The event history keeps the IPv4 /24 or IPv6 /48 network instead of the address, and the "
                        + "novelty signals compare networks. Realm-wide only. Default: off."));
        entries.add(entry("privacy.deviceCookieMaxAgeDays", "Remember a device for (days)",
                "A device cookie older than this is no known device; it is renewed at each sign-in: 1 to 400 "
                        + "days. Realm-wide only. Default: 400."));

        // Sessions (no counterpart in Cognito)
        entries.add(entry("sessions.tokenRefresh", "Check refresh-token grants",
                "Compare each refresh-token grant (offline tokens too) with its session's sign-in: network, "
                        + "country, device, travel speed. Needs the client policy that the flow install adds. "
                        + "Default: off."));
        entries.add(entry("sessions.ssoSignIn", "Check sign-ins with the SSO cookie",
                "Compare each sign-in by Keycloak's SSO cookie with its session's sign-in: network, country, "
                        + "device, travel speed; the level's action applies (ask for MFA, or end the session). "
                        + "Needs the SSO sub-flow that the flow install adds. Default: off."));
        for (String[] level : new String[][] {
                {"low", "Low", "Keep the session"},
                {"medium", "Medium", "Keep the session"},
                {"high", "High", "End the session"}}) {
            entries.add(choice("sessions.refreshActions." + level[0], "Refresh grant at " + level[0] + " risk",
                    REFRESH_ACTIONS, "What a refresh grant at " + level[0] + " risk gets. End the session "
                            + "fails the grant as for an expired session. A higher level may not get a weaker "
                            + "action. Default: " + level[2] + "."));
        }

        // Attack protection (no counterpart in Cognito)
        entries.add(entry("attackProtection.throttling.enabled", "Throttle sources of failed sign-ins",
                "Refuse sign-ins from an address or network with too many failed sign-ins, any usernames, before "
                        + "the password is checked. Only with client addresses Keycloak can trust (a reverse "
                        + "proxy it does not trust makes everyone one address). Default: off."));
        entries.add(choice("attackProtection.throttling.scope", "Throttle: count failures per", words(
                "ADDRESS", "IP address (IPv6: its /64)",
                "NETWORK", "Network (IPv4 /24, IPv6 /64)"),
                "What one source is. A network holds many users: raise the failure limit with it. Default: IP "
                        + "address."));
        entries.add(entry("attackProtection.throttling.failures", "Throttle: failures before throttling",
                "Failed sign-ins of one source within the window that throttle it: 1 to 100,000. Default: 100 "
                        + "(Auth0's budget per address and day)."));
        entries.add(entry("attackProtection.throttling.windowMinutes", "Throttle: failure window (minutes)",
                "How far back failures count: 1 to 1,440 minutes. Default: 1,440 (a day)."));
        entries.add(entry("attackProtection.throttling.blockMinutes", "Throttle: refuse for (minutes)",
                "How long a throttled source is refused: 1 to 10,080 minutes (a week). Default: 60."));
        entries.add(choice("attackProtection.throttling.action", "Throttle: answer", words(
                "BLOCK", "Answer as for a wrong password",
                "CHALLENGE", "Check the browser first (proof of work)"),
                "What a throttled source's sign-in gets, before any password is hashed: the wrong-password "
                        + "answer, or a challenge its browser solves on the login page while the user types; a "
                        + "solved challenge lets the password be checked, password grants get the wrong-password "
                        + "answer. Default: Answer as for a wrong password."));
        entries.add(entry("attackProtection.throttling.refusalDelayMillis", "Throttle: hold refusals back (ms)",
                "How long the answer to a refused attempt from a throttled source waits, so that an attacker who "
                        + "waits for answers sends fewer attempts: 0 to 10,000 milliseconds. It costs no CPU; "
                        + "each Keycloak node holds back at most as many answers at once as its server option "
                        + "throttle-refusal-slots says and answers the others at once. Default: 1,000."));
        entries.add(entry("attackProtection.challenge.difficulty", "Challenge: difficulty (bits)",
                "How hard the proof-of-work puzzle is: 1 to 26 leading zero bits, each bit doubling the work "
                        + "(2^bits SHA-256 hashes on average). Default: 15, about a second on a mid-range phone."));
        entries.add(entry("attackProtection.challenge.validitySeconds", "Challenge: valid for (seconds)",
                "How long after the login page was shown its challenge may be answered: 10 to 3,600 seconds. "
                        + "Default: 600."));
        entries.add(entry("attackProtection.resetMails.perUser", "Reset mails per user",
                "Password-reset mails one user can be sent within the window; more are not sent and the page "
                        + "does not tell: 0 (no limit) to 1,000. Default: 5."));
        entries.add(entry("attackProtection.resetMails.perNetwork", "Reset mails per network",
                "Password-reset requests one network can make within the window, for any usernames: 0 (no "
                        + "limit) to 1,000. Default: 0."));
        entries.add(entry("attackProtection.resetMails.windowMinutes", "Reset mails: window (minutes)",
                "The window of both reset-mail limits: 1 to 1,440 minutes. Default: 60."));
        entries.add(entry("attackProtection.registrations.perNetwork", "Self-registrations per network",
                "Registration attempts one network can make within the window: 0 (no limit) to 1,000. "
                        + "Default: 0."));
        entries.add(entry("attackProtection.registrations.windowMinutes", "Self-registrations: window (minutes)",
                "The window of the registration limit: 1 to 1,440 minutes. Default: 60."));
        return List.copyOf(entries);
    }

    private static void signal(List<Entry> entries, String signal, String label, String when, int score) {
        entries.add(entry("riskScoring.signals." + signal, label + " (points)",
                "Points added when " + when + ": 0 to 100, 0 switches the signal off. Default: " + score + "."));
    }

    private static Entry entry(String path, String label, String help) {
        return new Entry(path, label, help, Map.of());
    }

    private static Entry choice(String path, String label, Map<String, String> words, String help) {
        return new Entry(path, label, help, words);
    }

    /** Value names and their words, alternating, in the order the choice offers them. */
    private static Map<String, String> words(String... namesAndWords) {
        Map<String, String> words = new LinkedHashMap<>();
        for (int i = 0; i < namesAndWords.length; i += 2) {
            words.put(namesAndWords[i], namesAndWords[i + 1]);
        }
        return Collections.unmodifiableMap(words);
    }
}
