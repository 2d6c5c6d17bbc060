package io.github.threatprotection.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/** A real SMTP server (GreenMail) for one test class, and the realm settings that send mail to it. */
public final class Mailbox implements AutoCloseable {

    private final GreenMail greenMail;
    private final int port;
    private final Set<Integer> consumed = new HashSet<>();

    private Mailbox(GreenMail greenMail, int port) {
        this.greenMail = greenMail;
        this.port = port;
    }

    public static Mailbox start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new Mailbox(greenMail, port);
    }

    /** The realm's {@code smtpServer} settings for this mailbox. */
    public Map<String, String> smtpSettings() {
        return Map.of("host", "127.0.0.1", "port", String.valueOf(port), "from", "keycloak@example.org");
    }

    /** Waits for the next message to an address that no earlier call returned, and gives its plain-text part. */
    public synchronized String awaitText(String to) throws MessagingException, IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            MimeMessage[] received = greenMail.getReceivedMessages();
            for (int i = 0; i < received.length; i++) {
                if (!consumed.contains(i) && received[i].getAllRecipients()[0].toString().equalsIgnoreCase(to)) {
                    consumed.add(i);
                    return textOf(received[i]);
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no mail to " + to + " within 20 s");
    }

    public static String firstLink(String text, String containing) {
        Matcher link = Pattern.compile("https?://\\S+").matcher(text);
        while (link.find()) {
            if (link.group().contains(containing)) {
                return link.group();
            }
        }
        throw new AssertionError("no link containing " + containing + " in:\n" + text);
    }

    private static String textOf(MimeMessage message) throws MessagingException, IOException {
        Object content = message.getContent();
        if (content instanceof String text) {
            return text;
        }
        Multipart parts = (Multipart) content;
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                return (String) part.getContent();
            }
        }
        throw new AssertionError("no text part");
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
