package io.github.threatprotection.it.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/**
 * A real SMTP server (GreenMail) for one test class, and the realm settings that send mail to it. It can be
 * stopped and started again on the same port, as an SMTP outage.
 */
public final class Mailbox implements AutoCloseable {

    /** A received message, its parts decoded. */
    public record Mail(String subject, String from, String replyTo, String text, String html) {
    }

    private GreenMail greenMail;
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
        return smtpSettings(port);
    }

    /** A realm's {@code smtpServer} settings for an SMTP server on this machine's loopback address. */
    public static Map<String, String> smtpSettings(int port) {
        return Map.of("host", "127.0.0.1", "port", String.valueOf(port), "from", "keycloak@example.org");
    }

    /**
     * Waits for the next message to an address whose plain text contains {@code containing} and that no earlier
     * call returned, and gives its plain-text part.
     */
    public String awaitText(String to, String containing) throws MessagingException, IOException,
            InterruptedException {
        return awaitMail(to, containing).text();
    }

    /** Waits for the next message to an address, with text containing {@code containing}, no call returned. */
    public synchronized Mail awaitMail(String to, String containing) throws MessagingException, IOException,
            InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            MimeMessage[] received = greenMail.getReceivedMessages();
            for (int i = 0; i < received.length; i++) {
                if (!consumed.contains(i) && received[i].getAllRecipients()[0].toString().equalsIgnoreCase(to)) {
                    Mail mail = mailOf(received[i]);
                    if (mail.text().contains(containing)) {
                        consumed.add(i);
                        return mail;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no mail to " + to + " containing '" + containing + "' within 30 s");
    }

    /** How many messages to the address arrived since the server last started. */
    public synchronized int count(String to) throws MessagingException {
        int count = 0;
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            if (message.getAllRecipients()[0].toString().equalsIgnoreCase(to)) {
                count++;
            }
        }
        return count;
    }

    /** Stops accepting connections, as an SMTP outage. */
    public synchronized void stop() {
        greenMail.stop();
    }

    /** Starts again on the same port, with an empty mailbox. */
    public synchronized void restart() {
        consumed.clear();
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    public static String firstLink(String text, String containing) {
        List<String> links = links(text, containing);
        if (links.isEmpty()) {
            throw new AssertionError("no link containing " + containing + " in:\n" + text);
        }
        return links.get(0);
    }

    /** The links in a text that contain {@code containing}, in order. */
    public static List<String> links(String text, String containing) {
        List<String> links = new ArrayList<>();
        Matcher link = Pattern.compile("https?://\\S+").matcher(text);
        while (link.find()) {
            if (link.group().contains(containing)) {
                links.add(link.group());
            }
        }
        return links;
    }

    private static Mail mailOf(MimeMessage message) throws MessagingException, IOException {
        String text = null;
        String html = null;
        Object content = message.getContent();
        if (content instanceof String single) {
            text = single;
        } else {
            Multipart parts = (Multipart) content;
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart part = parts.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    html = (String) part.getContent();
                }
            }
        }
        if (text == null) {
            throw new AssertionError("no text part");
        }
        String replyTo = message.getReplyTo() == null || message.getReplyTo().length == 0 ? null
                : message.getReplyTo()[0].toString();
        return new Mail(message.getSubject(), message.getFrom()[0].toString(), replyTo, text, html);
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
