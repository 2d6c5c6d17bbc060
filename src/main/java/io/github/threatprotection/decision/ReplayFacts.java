package io.github.threatprotection.decision;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.threatprotection.breach.CompromisedCredentialCheck;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.risk.SignInFacts;

/**
 * Everything a sign-in's decision was made from that the settings do not change, kept with its event (column
 * {@code FACTS}) so that a draft of the settings can be re-applied to it without reading any other row: the
 * scorer's facts, whether the client keeps cookies, the breach check's answer, the user's second factors and
 * whether the flow could ask for one, and the velocity window the failure counts were read with.
 *
 * @param signals         the scorer's facts, or null when the sign-in was not scored (an IP exception decided, or
 *                        the score failed)
 * @param cookieless      an API client (direct grant): no device cookie, so NEW_DEVICE does not count
 * @param breach          the password's breach check (its detail is not kept), or null when it was not checked
 * @param secondFactor    {@code none}, {@code otp}, {@code webauthn} or {@code otp+webauthn}; null when unknown
 * @param flowCanAsk      whether the flow had a risk-MFA sub-flow after the step; null when unknown
 * @param velocityWindowMinutes the window the failure counts were read with; 0 when unknown
 * @param approximated    rebuilt from an older event's reasons rather than read from its facts
 * @param userCompromised the user's remembered risk was COMPROMISED (every sign-in gets the HIGH action)
 * @param canGetEmailCode the user could have been mailed a code in place of a second factor
 * @param flowCanAskEmailCode whether the flow's risk-MFA sub-flow had the e-mail code step; null when unknown
 */
public record ReplayFacts(SignInFacts signals, boolean cookieless, CompromisedCredentialCheck.Result breach,
                          String secondFactor, Boolean flowCanAsk, int velocityWindowMinutes, boolean approximated,
                          boolean userCompromised, boolean canGetEmailCode, Boolean flowCanAskEmailCode) {

    /** Facts of a user with no remembered risk, for whom no e-mailed code was possible. */
    public ReplayFacts(SignInFacts signals, boolean cookieless, CompromisedCredentialCheck.Result breach,
                       String secondFactor, Boolean flowCanAsk, int velocityWindowMinutes, boolean approximated) {
        this(signals, cookieless, breach, secondFactor, flowCanAsk, velocityWindowMinutes, approximated, false, false,
                null);
    }

    /** The longest text {@link #encode()} makes: the column's size. */
    public static final int MAX_LENGTH = 255;

    private static final String VERSION = "1";
    private static final String USER_AT_RISK_WHEN_RECORDED = "the user's risk was AT_RISK when recorded";
    private static final Pattern TRAVEL = Pattern.compile("^(\\d+) km from (.*) in [^:]*: (\\d+) km/h, more than");
    private static final Pattern COUNT = Pattern.compile("^(?:at least )?(\\d+) .* in the last (\\d+) minutes$");

    public boolean hasSecondFactor() {
        return secondFactor != null && !secondFactor.equals("none");
    }

    /** The second factors an OTP and a WebAuthn check found, as this record names them. */
    public static String secondFactor(boolean otp, boolean webAuthn) {
        if (otp && webAuthn) {
            return "otp+webauthn";
        }
        return otp ? "otp" : webAuthn ? "webauthn" : "none";
    }

    /**
     * A short text: {@code 1;flags;travel;failures;window;breach;secondFactor;reputation}. Flags are letters (s
     * scored, h history, d new device, x disowned device, i/n/c/a new address/network/country/ASN, k known network,
     * g cookieless, f/F flow cannot/can ask, r user at risk, u user compromised, e e-mailed code possible, m/M flow
     * cannot/can ask for the code); free text is URL-encoded; the reputation detail comes last and is cut
     * to what fits.
     */
    public String encode() {
        StringBuilder flags = new StringBuilder();
        SignInFacts s = signals;
        if (s != null) {
            flags.append('s');
            flag(flags, s.history(), 'h');
            flag(flags, s.newDevice(), 'd');
            flag(flags, s.disownedDevice(), 'x');
            flag(flags, s.newIp(), 'i');
            flag(flags, s.newNetwork(), 'n');
            flag(flags, s.newCountry(), 'c');
            flag(flags, s.newAsn(), 'a');
            flag(flags, s.knownNetwork(), 'k');
            flag(flags, s.userAtRisk() != null, 'r');
        }
        flag(flags, cookieless, 'g');
        if (flowCanAsk != null) {
            flags.append(flowCanAsk ? 'F' : 'f');
        }
        flag(flags, userCompromised, 'u');
        flag(flags, canGetEmailCode, 'e');
        if (flowCanAskEmailCode != null) {
            flags.append(flowCanAskEmailCode ? 'M' : 'm');
        }
        String travel = "";
        String failures = "";
        if (s != null) {
            SignInFacts.Travel t = s.travel();
            if (t != null) {
                travel = t.speedKmh() + "," + Math.round(t.distanceKm()) + "," + t.millis() + "," + text(t.from());
            }
            failures = s.userFailures() + "," + s.userFailuresFromKnownNetworks() + "," + s.networkUsers() + ","
                    + s.networkFailures();
        }
        String breachText = breach == null ? "" : breach.status().name().charAt(0) + (breach.compromised() ? "!" : "")
                + breach.count();
        String head = String.join(";", VERSION, flags, travel, failures, Integer.toString(velocityWindowMinutes),
                breachText, secondFactor == null ? "" : secondFactor) + ";";
        String reputation = s == null || s.reputation() == null ? "" : text(s.reputation());
        if (head.length() + reputation.length() > MAX_LENGTH) {
            // The detail is for reading only; that the address matched is the flag a replay needs, kept by one
            // character at least.
            reputation = reputation.substring(0, Math.max(1, MAX_LENGTH - head.length()))
                    .replaceAll("%[0-9A-Fa-f]?$", "");
            if (reputation.isEmpty()) {
                reputation = "_";
            }
        }
        return head + reputation;
    }

    /** The facts a text of {@link #encode()} holds; null for null or a text this version cannot read. */
    public static ReplayFacts decode(String text) {
        if (text == null || !text.startsWith(VERSION + ";")) {
            return null;
        }
        String[] fields = text.split(";", 8);
        if (fields.length < 8) {
            return null;
        }
        try {
            String flags = fields[1];
            SignInFacts signals = null;
            if (flags.indexOf('s') >= 0) {
                SignInFacts.Travel travel = null;
                if (!fields[2].isEmpty()) {
                    String[] t = fields[2].split(",", 4);
                    travel = new SignInFacts.Travel(Long.parseLong(t[1]), Double.parseDouble(t[0]),
                            Long.parseLong(t[2]), untext(t[3]));
                }
                String[] f = fields[3].split(",");
                signals = new SignInFacts(has(flags, 'h'), has(flags, 'd'), has(flags, 'x'), has(flags, 'i'),
                        has(flags, 'n'), has(flags, 'c'), has(flags, 'a'), travel,
                        fields[7].isEmpty() ? null : untext(fields[7]), Integer.parseInt(f[0]),
                        Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), has(flags, 'k'),
                        has(flags, 'r') ? USER_AT_RISK_WHEN_RECORDED : null);
            }
            CompromisedCredentialCheck.Result breach = null;
            if (!fields[5].isEmpty()) {
                String b = fields[5];
                CompromisedCredentialCheck.Status status = switch (b.charAt(0)) {
                    case 'F' -> CompromisedCredentialCheck.Status.FOUND;
                    case 'U' -> CompromisedCredentialCheck.Status.UNAVAILABLE;
                    default -> CompromisedCredentialCheck.Status.NOT_FOUND;
                };
                boolean compromised = b.length() > 1 && b.charAt(1) == '!';
                long count = Long.parseLong(b.substring(compromised ? 2 : 1));
                breach = new CompromisedCredentialCheck.Result(status, count, compromised, recordedDetail(status));
            }
            Boolean flowCanAsk = has(flags, 'F') ? Boolean.TRUE : has(flags, 'f') ? Boolean.FALSE : null;
            Boolean flowCanAskEmailCode = has(flags, 'M') ? Boolean.TRUE : has(flags, 'm') ? Boolean.FALSE : null;
            return new ReplayFacts(signals, has(flags, 'g'), breach, fields[6].isEmpty() ? null : fields[6],
                    flowCanAsk, Integer.parseInt(fields[4]), false, has(flags, 'u'), has(flags, 'e'),
                    flowCanAskEmailCode);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The facts of an event recorded before they were kept, as far as its reasons tell them. What they cannot tell
     * is approximated (docs/what-if.md): a signal switched off when it was recorded, or with nothing to compare
     * with, did not fire; travel that was not impossible then has no known speed and never fires; velocity counts
     * below the thresholds then count as none; a user whose second factor was never asked for has one and a flow
     * that can ask for it. Null when the event was not scored: an IP exception decided, or the score failed.
     *
     * @param compromised the event's {@code compromisedCredentials}
     * @param mfaAnswered the event had a risk-driven MFA challenge (pending or answered)
     */
    public static ReplayFacts fromReasons(List<RiskReason> reasons, boolean compromised, boolean mfaAnswered) {
        boolean scored = true;
        boolean newDevice = false;
        boolean disowned = false;
        boolean newIp = false;
        boolean newNetwork = false;
        boolean newCountry = false;
        boolean newAsn = false;
        boolean heldAtMedium = false;
        SignInFacts.Travel travel = null;
        String reputation = null;
        int userFailures = 0;
        int networkUsers = 0;
        int window = 0;
        CompromisedCredentialCheck.Result breach = null;
        String secondFactor = mfaAnswered ? "otp" : null;
        Boolean flowCanAsk = mfaAnswered ? Boolean.TRUE : null;
        for (RiskReason reason : reasons) {
            String detail = reason.detail() == null ? "" : reason.detail();
            RiskSignal signal;
            try {
                signal = RiskSignal.valueOf(reason.signal());
            } catch (IllegalArgumentException e) {
                continue;
            }
            switch (signal) {
                case IP_ALWAYS_ALLOW, IP_ALWAYS_BLOCK, RISK_EVALUATION_FAILED -> scored = false;
                case NEW_DEVICE -> {
                    newDevice = true;
                    disowned = detail.contains("disowned");
                }
                case NEW_IP -> newIp = true;
                case NEW_NETWORK -> newNetwork = true;
                case NEW_COUNTRY -> newCountry = true;
                case NEW_ASN -> newAsn = true;
                case IMPOSSIBLE_TRAVEL -> {
                    Matcher m = TRAVEL.matcher(detail);
                    if (m.find()) {
                        travel = new SignInFacts.Travel(Double.parseDouble(m.group(1)),
                                Double.parseDouble(m.group(3)), 0, m.group(2));
                    }
                }
                case IP_REPUTATION -> reputation = detail.isEmpty() ? "on a reputation list" : detail;
                case FAILED_LOGIN_VELOCITY -> {
                    Matcher m = COUNT.matcher(detail);
                    if (m.find()) {
                        userFailures = Integer.parseInt(m.group(1));
                        window = Integer.parseInt(m.group(2));
                    }
                }
                case NETWORK_VELOCITY -> {
                    Matcher m = COUNT.matcher(detail);
                    if (m.find()) {
                        networkUsers = Integer.parseInt(m.group(1));
                        window = Integer.parseInt(m.group(2));
                    }
                }
                case KNOWN_DEVICE_LIMIT -> heldAtMedium = true;
                case COMPROMISED_CREDENTIALS -> breach = new CompromisedCredentialCheck.Result(
                        CompromisedCredentialCheck.Status.FOUND, 0, compromised, detail);
                case BREACH_CHECK_UNAVAILABLE -> breach = new CompromisedCredentialCheck.Result(
                        CompromisedCredentialCheck.Status.UNAVAILABLE, 0, compromised, detail);
                case MFA_REQUIRED_WITHOUT_SECOND_FACTOR -> secondFactor = "none";
                case MFA_NOT_POSSIBLE_IN_FLOW -> {
                    secondFactor = "otp";
                    flowCanAsk = Boolean.FALSE;
                }
                default -> {
                }
            }
        }
        if (!scored) {
            return null;
        }
        boolean history = newDevice || newIp || newNetwork || newCountry || newAsn || travel != null || heldAtMedium;
        // Held at MEDIUM: the user's failures came from networks the user never signed in from.
        SignInFacts signals = new SignInFacts(history, newDevice, disowned, newIp, newNetwork, newCountry, newAsn,
                travel, reputation, userFailures, heldAtMedium ? 0 : userFailures, networkUsers, networkUsers,
                !newNetwork && !heldAtMedium, null);
        return new ReplayFacts(signals, false, breach, secondFactor == null ? "otp" : secondFactor,
                flowCanAsk == null ? Boolean.TRUE : flowCanAsk, window, true);
    }

    private static String recordedDetail(CompromisedCredentialCheck.Status status) {
        return "breach check " + status.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " when recorded";
    }

    private static void flag(StringBuilder flags, boolean value, char letter) {
        if (value) {
            flags.append(letter);
        }
    }

    private static boolean has(String flags, char letter) {
        return flags.indexOf(letter) >= 0;
    }

    private static String text(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    private static String untext(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
