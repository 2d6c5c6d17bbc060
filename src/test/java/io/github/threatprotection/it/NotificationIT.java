package io.github.threatprotection.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.KeycloakExtension;
import io.github.threatprotection.it.support.KeycloakServer;
import io.github.threatprotection.it.support.Mailbox;
import io.github.threatprotection.it.support.TestGeoData;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Notification e-mails through a real SMTP server (GreenMail): which sign-ins send which mail, what it says,
 * delivery through an SMTP outage, and the one-click feedback links with their effects.
 */
@ExtendWith(KeycloakExtension.class)
class NotificationIT {

    private static final String ADDRESS = TestGeoData.LONDON;
    private static final String SCRIPT_AGENT = "<script>alert(1)</script>";

    private static String baseUrl;
    private static TestRealm realm;
    private static Mailbox mailbox;

    @BeforeAll
    static void setUp(KeycloakServer server) throws Exception {
        baseUrl = server.baseUrl();
        mailbox = Mailbox.start();
        realm = TestRealm.create(new AdminApi(baseUrl), "notify", "norma", "blocky", "quiet", "auditee", "greta",
                "custom", "outage", "victim", "owner", "replayer", "flooded", "phished", "fox");
        realm.addUser("otto", TestRealm.otpCredential("12345678901234567890"));
        realm.installRiskBasedMfa();
        realm.update(Map.of("smtpServer", mailbox.smtpSettings(), "resetPasswordAllowed", true,
                "displayName", "Notify Realm", "internationalizationEnabled", true,
                "supportedLocales", List.of("en", "de"), "defaultLocale", "en"));
        AdminApi.ok(realm.admin().put("/" + realm.name() + "/users/" + realm.userId("greta"),
                Map.of("attributes", Map.of("locale", List.of("de")), "firstName", "Test", "lastName", "greta",
                        "email", "greta@example.org")));
    }

    @AfterAll
    static void tearDown() {
        realm.close();
        mailbox.close();
    }

    /**
     * Every level gets the same action and notify flag, so a first sign-in (LOW) shows it. Every sign-in mails:
     * these tests look at the mails themselves; the per-user limit has its own test.
     */
    private static ObjectNode settings(String mode, String action, boolean notify) {
        ObjectNode document = limited(mode, action, notify);
        document.putObject("notification").put("repeatAfterMinutes", 0);
        return document;
    }

    /** As {@link #settings}, with the default limit of one mail of a kind per user and hour. */
    private static ObjectNode limited(String mode, String action, boolean notify) {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", mode);
        ObjectNode takeover = document.putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            takeover.putObject(level).put("action", action).put("notify", notify);
        }
        return document;
    }

    private static Browser.Result signIn(String username, String password) {
        return new Browser(baseUrl, ADDRESS).userAgent(SCRIPT_AGENT)
                .signIn(realm.name(), TestRealm.CLIENT, username, password);
    }

    private static String mailOf(String username) {
        return username + "@example.org";
    }

    /** Polls the user's latest event until its notification matches. */
    private static JsonNode awaitNotification(String username, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode event = null;
        while (System.currentTimeMillis() < deadline) {
            event = realm.latestUserEvent(realm.userId(username));
            if (done.test(event.path("notification"))) {
                return event;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("notification never matched; last event: " + event);
    }

    @Test
    void anAllowedRiskySignInSendsTheNoActionMailWithBothParts() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));

        assertTrue(signIn("norma", TestRealm.PASSWORD).signedIn());

        String eventId = realm.latestUserEvent(realm.userId("norma")).get("id").asText();
        Mailbox.Mail mail = mailbox.awaitMail(mailOf("norma"), eventId);
        assertEquals("Notify Realm: a new sign-in to your account", mail.subject());
        for (String expected : List.of("norma", ADDRESS, "London", "United Kingdom", eventId, "Device: Unknown device",
                "/realms/notify/threat-protection/feedback?key=")) {
            assertTrue(mail.text().contains(expected), expected + " missing in:\n" + mail.text());
        }
        assertTrue(mail.html() != null && mail.html().contains("Unknown device"), mail.html());
        for (String part : List.of(mail.text(), mail.html())) {
            assertFalse(part.contains("script") || part.contains("alert(1)"), "no user agent text:\n" + part);
        }
        assertEquals("SENT", awaitNotification("norma", n -> "SENT".equals(n.path("status").asText()))
                .at("/notification/status").asText());
        assertEquals("NO_ACTION", realm.latestUserEvent(realm.userId("norma")).at("/notification/kind").asText());
    }

    @Test
    void aBlockedSignInSendsTheBlockedMail() throws Exception {
        realm.saveSettings(settings("ENFORCED", "BLOCK", true));

        assertFalse(signIn("blocky", TestRealm.PASSWORD).signedIn());

        String eventId = realm.latestUserEvent(realm.userId("blocky")).get("id").asText();
        Mailbox.Mail mail = mailbox.awaitMail(mailOf("blocky"), eventId);
        assertEquals("Notify Realm: a sign-in to your account was blocked", mail.subject());
        assertTrue(mail.text().contains("we blocked a sign-in"), mail.text());
        assertTrue(mail.html().contains("we blocked a sign-in"), mail.html());
    }

    @Test
    void aUserGetsOneMailOfAKindPerHourHoweverOftenSomeoneTries() throws Exception {
        realm.saveSettings(limited("ENFORCED", "BLOCK", true));
        String userId = realm.userId("flooded");

        assertFalse(signIn("flooded", TestRealm.PASSWORD).signedIn());
        String first = realm.latestUserEvent(userId).get("id").asText();
        for (int i = 0; i < 4; i++) {
            assertFalse(signIn("flooded", TestRealm.PASSWORD).signedIn());
            JsonNode skipped = realm.latestUserEvent(userId);
            assertEquals("SKIPPED", skipped.at("/notification/status").asText(), skipped.toString());
            assertEquals("BLOCKED", skipped.at("/notification/kind").asText());
            assertTrue(skipped.at("/notification/detail").asText().contains("notification.repeatAfterMinutes"),
                    skipped.toString());
        }
        mailbox.awaitMail(mailOf("flooded"), first);
        // A mail sent now arriving after the first shows that nothing else was queued for the user.
        realm.saveSettings(settings("ENFORCED", "BLOCK", true));
        assertFalse(signIn("flooded", TestRealm.PASSWORD).signedIn());
        mailbox.awaitMail(mailOf("flooded"), realm.latestUserEvent(userId).get("id").asText());
        assertEquals(2, mailbox.count(mailOf("flooded")), "five blocked sign-ins in a row mailed the user once");
    }

    @Test
    void anMfaChallengeSendsTheMfaMail() throws Exception {
        realm.saveSettings(settings("ENFORCED", "MFA_IF_CONFIGURED", true));

        Browser.Result challenge = signIn("otto", TestRealm.PASSWORD);
        assertTrue(challenge.page().contains("kc-otp-login-form"), "asked for OTP: " + challenge.page());

        String eventId = realm.latestUserEvent(realm.userId("otto")).get("id").asText();
        Mailbox.Mail mail = mailbox.awaitMail(mailOf("otto"), eventId);
        assertEquals("Notify Realm: a sign-in to your account asked for your second factor", mail.subject());
        assertTrue(mail.html().contains("was asked for your second factor"), mail.html());
    }

    @Test
    void aWrongPasswordAndAuditModeSendNothing() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));
        assertFalse(signIn("quiet", "not the password").signedIn());
        realm.saveSettings(settings("AUDIT", "BLOCK", true));
        assertTrue(signIn("auditee", TestRealm.PASSWORD).signedIn());
        assertTrue(realm.latestUserEvent(realm.userId("auditee")).get("notification").isNull());

        // Mails go out in order, so one sent now arriving alone shows nothing was queued before it.
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));
        assertTrue(signIn("quiet", TestRealm.PASSWORD).signedIn());
        assertTrue(signIn("auditee", TestRealm.PASSWORD).signedIn());
        mailbox.awaitMail(mailOf("quiet"), realm.latestUserEvent(realm.userId("quiet")).get("id").asText());
        mailbox.awaitMail(mailOf("auditee"), realm.latestUserEvent(realm.userId("auditee")).get("id").asText());
        assertEquals(1, mailbox.count(mailOf("quiet")), "no mail for the wrong password");
        assertEquals(1, mailbox.count(mailOf("auditee")), "no mail in AUDIT mode");
    }

    @Test
    void anUnrecognisedUserAgentIsAnUnknownDeviceInTheMailAndOnTheFeedbackPage() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));
        String lure = "Call +1 555 0100 to unlock your account";

        assertTrue(new Browser(baseUrl, ADDRESS).userAgent(lure)
                .signIn(realm.name(), TestRealm.CLIENT, "phished", TestRealm.PASSWORD).signedIn());
        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "fox", TestRealm.PASSWORD)
                .signedIn());

        JsonNode event = realm.latestUserEvent(realm.userId("phished"));
        assertEquals(lure, event.at("/context/deviceName").asText(), "admins see what the client claimed");
        Mailbox.Mail mail = mailbox.awaitMail(mailOf("phished"), event.get("id").asText());
        assertTrue(mail.text().contains("Device: Unknown device"), mail.text());
        assertTrue(mail.html().contains("Unknown device"), mail.html());
        for (String part : List.of(mail.subject(), mail.text(), mail.html())) {
            // Fragments that random event ids and link tokens cannot contain
            for (String piece : List.of("Call +1", "+1 555", "555 0100", "to unlock", "unlock your account")) {
                assertFalse(part.contains(piece), piece + " reached the mail:\n" + part);
            }
        }
        Browser.Result feedbackPage = new Browser(baseUrl, ADDRESS).open(Mailbox.firstLink(mail.text(),
                "feedback?key="));
        assertEquals(200, feedbackPage.status());
        assertTrue(feedbackPage.page().contains("Unknown device"), feedbackPage.page());
        assertFalse(feedbackPage.page().contains("555 0100"), feedbackPage.page());

        Mailbox.Mail recognised = mailbox.awaitMail(mailOf("fox"),
                realm.latestUserEvent(realm.userId("fox")).get("id").asText());
        assertTrue(recognised.text().contains("Device: Firefox on Linux"), recognised.text());
    }

    @Test
    void theMailIsInTheUsersLanguageNotTheRequests() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));

        assertTrue(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "greta", TestRealm.PASSWORD)
                .signedIn());

        Mailbox.Mail mail = mailbox.awaitMail(mailOf("greta"),
                realm.latestUserEvent(realm.userId("greta")).get("id").asText());
        assertEquals("Notify Realm: Eine neue Anmeldung an Ihrem Konto", mail.subject());
        assertTrue(mail.text().contains("Vereinigtes K\u00f6nigreich"), mail.text());
    }

    @Test
    void customTextWithPlaceholdersIsUsedAndAnUnknownPlaceholderIsRefused() throws Exception {
        ObjectNode document = settings("ENFORCED", "NO_ACTION", true);
        ObjectNode notification = document.putObject("notification")
                .put("from", "security@example.com")
                .put("replyTo", "help@example.com");
        notification.putObject("noActionEmail")
                .put("subject", "Sign-in to {realm-name} from {ip-address}")
                .put("htmlBody", "<p>Hi {username}, was {device-name} you? <a href=\"{one-click-link-invalid}\">No</a></p>")
                .put("textBody", "Event {event-id} at {login-time} in {city}, {country}");
        realm.saveSettings(document);

        ObjectNode unknown = document.deepCopy();
        ((ObjectNode) unknown.at("/notification/noActionEmail")).put("subject", "Hi {first-name}");
        HttpResponse<String> refused = realm.putSettings(unknown);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("notification.noActionEmail.subject"), refused.body());
        assertTrue(refused.body().contains("{first-name}"), refused.body());
        assertEquals("Sign-in to {realm-name} from {ip-address}",
                realm.settings().at("/notification/noActionEmail/subject").asText(), "old settings kept");

        assertTrue(signIn("custom", TestRealm.PASSWORD).signedIn());

        String eventId = realm.latestUserEvent(realm.userId("custom")).get("id").asText();
        Mailbox.Mail mail = mailbox.awaitMail(mailOf("custom"), eventId);
        assertEquals("Sign-in to Notify Realm from " + ADDRESS, mail.subject());
        assertTrue(mail.text().startsWith("Event " + eventId + " at "), mail.text());
        assertTrue(mail.text().contains("in London, United Kingdom"), mail.text());
        assertTrue(mail.html().startsWith("<p>Hi custom, was Unknown device you?"), mail.html());
        assertTrue(mail.html().contains("/threat-protection/feedback?key="), mail.html());
        assertEquals("security@example.com", mail.from());
        assertEquals("help@example.com", mail.replyTo());
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));
    }

    @Test
    void anSmtpOutageCostsTheSignInNothingAndTheMailArrivesLater() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));
        for (int i = 0; i < 3; i++) {
            timedSignIn("outage");
        }
        // Paired rounds, so drift in the machine's load hits both sides alike.
        List<Long> up = new ArrayList<>();
        List<Long> down = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            up.add(timedSignIn("outage"));
            mailbox.stop();
            try {
                down.add(timedSignIn("outage"));
            } finally {
                mailbox.restart();
            }
        }
        up.sort(Long::compare);
        down.sort(Long::compare);
        System.out.printf("Sign-in with a notification, median of 7 paired rounds: SMTP up %.1f ms, SMTP down"
                + " %.1f ms (down/up %.2f)%n", up.get(3) / 1e6, down.get(3) / 1e6, (double) down.get(3) / up.get(3));

        mailbox.stop();
        try {
            timedSignIn("outage");
            JsonNode pending = awaitNotification("outage", n -> n.path("attempts").asInt() >= 1);
            assertEquals("PENDING", pending.at("/notification/status").asText());
            assertTrue(pending.at("/notification/detail").asText().startsWith("SMTP"), pending.toString());
        } finally {
            mailbox.restart();
        }
        String lastEvent = realm.latestUserEvent(realm.userId("outage")).get("id").asText();
        mailbox.awaitMail(mailOf("outage"), lastEvent);
        assertEquals("SENT", awaitNotification("outage", n -> "SENT".equals(n.path("status").asText()))
                .at("/notification/status").asText());
    }

    private static long timedSignIn(String username) {
        long started = System.nanoTime();
        assertTrue(signIn(username, TestRealm.PASSWORD).signedIn());
        return System.nanoTime() - started;
    }

    @Test
    void thisWasNotMeEndsSessionsForcesAResetAndForgetsTheDevice() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));
        String userId = realm.userId("victim");
        String refreshToken = realm.admin().passwordGrant(realm.name(), TestRealm.CLIENT, "victim",
                TestRealm.PASSWORD).get("refresh_token").asText();
        Browser attacker = new Browser(baseUrl, ADDRESS).userAgent(SCRIPT_AGENT);
        assertTrue(attacker.signIn(realm.name(), TestRealm.CLIENT, "victim", TestRealm.PASSWORD).signedIn());
        String eventId = realm.latestUserEvent(userId).get("id").asText();
        String mailText = mailbox.awaitMail(mailOf("victim"), eventId).text();
        List<String> links = Mailbox.links(mailText, "feedback?key=");
        assertEquals(2, links.size(), links.toString());
        String notMe = links.get(1);

        Browser owner = new Browser(baseUrl, ADDRESS);
        Browser.Result confirm = owner.open(notMe);
        assertEquals(200, confirm.status());
        assertTrue(confirm.page().contains("feedback-form"), confirm.page());
        // The browser tab names the page and the realm by its display name, not "Sign in to notify".
        assertTrue(confirm.page().contains("<title>Was this sign-in you? - Notify Realm</title>"), confirm.page());
        // Time and place as the mail wrote them: "Dec 4, 2026, 8:42:18 AM (UTC)", "United Kingdom", not ISO or "GB".
        String mailTime = mailText.lines().filter(line -> line.startsWith("Time: ")).findFirst()
                .orElseThrow().substring("Time: ".length());
        assertTrue(mailTime.endsWith("(UTC)"), mailTime);
        assertTrue(confirm.page().contains(mailTime), mailTime + " in\n" + confirm.page());
        assertTrue(confirm.page().contains("London, United Kingdom"), confirm.page());
        assertTrue(realm.latestUserEvent(userId).get("feedback").isNull(), "opening the link changes nothing");
        assertEquals(200, realm.admin().refreshGrantResponse(realm.name(), TestRealm.CLIENT, refreshToken)
                .statusCode());

        Browser.Result done = owner.submitForm(confirm.page(), "feedback-form", Map.of("key", keyOf(confirm.page())));
        assertEquals(200, done.status());
        assertTrue(done.page().contains("feedback-recorded"), done.page());
        assertTrue(done.page().contains("Thank you for your answer"), "the heading no longer asks");
        assertTrue(done.page().contains("<title>Thank you for your answer - Notify Realm</title>"), done.page());
        assertFalse(done.page().contains("Was this sign-in you?"), done.page());
        JsonNode event = realm.latestUserEvent(userId);
        assertEquals("INVALID", event.at("/feedback/value").asText());
        assertEquals("USER", event.at("/feedback/provider").asText());
        assertEquals(400, realm.admin().refreshGrantResponse(realm.name(), TestRealm.CLIENT, refreshToken)
                .statusCode(), "sessions ended");
        JsonNode answer = realm.keycloakEvents("CUSTOM_REQUIRED_ACTION").get(0);
        assertEquals(userId, answer.get("userId").asText());
        assertEquals("threat-protection-feedback", answer.at("/details/custom_required_action").asText());
        assertEquals("INVALID", answer.at("/details/threat_protection_feedback").asText());
        assertEquals(eventId, answer.at("/details/risk_event_id").asText());
        JsonNode lock = realm.keycloakEvents("USER_DISABLED_BY_PERMANENT_LOCKOUT").get(0);
        assertEquals(userId, lock.get("userId").asText());
        assertEquals("DISOWNED_BY_USER", lock.at("/details/threat_protection_lock").asText());
        assertFalse(new Browser(baseUrl, ADDRESS).signIn(realm.name(), TestRealm.CLIENT, "victim",
                TestRealm.PASSWORD).signedIn(), "the old password no longer signs in");

        Browser.Result replay = owner.submitForm(confirm.page(), "feedback-form", Map.of("key", keyOf(confirm.page())));
        assertEquals(400, replay.status());
        assertTrue(replay.page().contains("already reported as not yours on "), replay.page());
        // The other link of the answered event says what was answered, and when, rather than "already used".
        Browser.Result other = owner.open(links.get(0));
        assertEquals(400, other.status());
        assertTrue(other.page().contains("already reported as not yours on "), other.page());
        assertTrue(other.page().contains("(UTC)"), other.page());

        // After the reset (here by an admin), the attacker's browser is still no known device.
        AdminApi.ok(realm.resetPassword(userId, TestRealm.PASSWORD + " 2"));
        realm.saveSettings(settings("AUDIT", "NO_ACTION", false));
        assertTrue(attacker.signIn(realm.name(), TestRealm.CLIENT, "victim", TestRealm.PASSWORD + " 2").signedIn());
        assertTrue(realm.latestUserEvent(userId).at("/risk/reasons").toString().contains("disowned"),
                realm.latestUserEvent(userId).toString());
    }

    @Test
    void thisWasMeRecordsValidOnceAndBadLinksChangeNothing() throws Exception {
        realm.saveSettings(settings("ENFORCED", "NO_ACTION", true));
        assertTrue(signIn("owner", TestRealm.PASSWORD).signedIn());
        String eventId = realm.latestUserEvent(realm.userId("owner")).get("id").asText();
        String valid = Mailbox.firstLink(mailbox.awaitMail(mailOf("owner"), eventId).text(), "feedback?key=");

        Browser browser = new Browser(baseUrl, ADDRESS);
        String key = valid.substring(valid.indexOf("key=") + 4);
        String tampered = valid.substring(0, valid.length() - 3) + (valid.endsWith("AAA") ? "BBB" : "AAA");
        // The owner's token rewritten to name another user's event: the signature no longer fits.
        assertTrue(signIn("replayer", TestRealm.PASSWORD).signedIn());
        JsonNode othersEvent = realm.latestUserEvent(realm.userId("replayer"));
        String[] parts = key.split("\\.");
        ObjectNode claims = (ObjectNode) AdminApi.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        claims.put("sub", realm.userId("replayer")).put("tp_event", othersEvent.get("id").asText());
        String forged = baseUrl + "/realms/notify/threat-protection/feedback?key=" + parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(AdminApi.write(claims)
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        for (String bad : List.of(tampered, forged, baseUrl + "/realms/notify/threat-protection/feedback?key=nonsense",
                baseUrl + "/realms/master/threat-protection/feedback?key=" + key)) {
            Browser.Result refused = browser.open(bad);
            assertEquals(400, refused.status(), bad);
            assertTrue(refused.page().contains("not valid or has expired"), refused.page());
        }
        assertTrue(realm.latestUserEvent(realm.userId("owner")).get("feedback").isNull());
        assertTrue(realm.latestUserEvent(realm.userId("replayer")).get("feedback").isNull());

        Browser.Result confirm = browser.open(valid);
        Browser.Result done = browser.submitForm(confirm.page(), "feedback-form", Map.of("key", keyOf(confirm.page())));
        assertEquals(200, done.status());
        JsonNode event = realm.latestUserEvent(realm.userId("owner"));
        assertEquals("VALID", event.at("/feedback/value").asText());
        assertEquals("USER", event.at("/feedback/provider").asText());
        assertTrue(signIn("owner", TestRealm.PASSWORD).signedIn(), "VALID does not lock");
        assertEquals(400, browser.open(valid).status(), "a used link stays used");
    }

    private static String keyOf(String page) {
        Matcher key = Pattern.compile("name=\"key\" value=\"([^\"]+)\"").matcher(page);
        if (!key.find()) {
            throw new AssertionError("no key field in:\n" + page);
        }
        return key.group(1);
    }
}
