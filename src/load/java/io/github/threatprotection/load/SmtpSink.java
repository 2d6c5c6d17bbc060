package io.github.threatprotection.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.github.threatprotection.it.support.Mailbox;


/**
 * An SMTP server that accepts every message and keeps none: enough of RFC 5321 for Keycloak's sender (EHLO or
 * HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), counting what it received. The load driver uses it instead of the
 * tests' GreenMail, which parses and keeps every message: on a machine whose cores the SMTP server shares with
 * Keycloak, that would charge the mail server's work to the sign-ins (docs/benchmarks.md). Every reply goes out
 * in one write with Nagle's algorithm off, so no reply waits for the client's delayed acknowledgement.
 */
final class SmtpSink implements AutoCloseable {

    private final ServerSocket listener;
    private final AtomicLong received = new AtomicLong();
    private final ExecutorService connections = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger created = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "smtp-sink-" + created.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    private SmtpSink(ServerSocket listener) {
        this.listener = listener;
    }

    static SmtpSink start() throws IOException {
        SmtpSink sink = new SmtpSink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        sink.connections.execute(sink::accept);
        return sink;
    }

    /** The realm's {@code smtpServer} settings for this sink. */
    Map<String, String> smtpSettings() {
        return Mailbox.smtpSettings(listener.getLocalPort());
    }

    /** Messages accepted so far. */
    long received() {
        return received.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.execute(() -> serve(socket));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                System.err.println("SMTP sink: accepting a connection failed: " + e);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            // ISO-8859-1 passes any byte through unchanged; only line ends matter here.
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 load-sink ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = (line.length() > 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-load-sink\r\n250 8BITMIME");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "DATA" -> {
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            // dropped: the sink keeps nothing
                        }
                        received.incrementAndGet();
                        reply(out, "250 OK");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } catch (IOException e) {
            System.err.println("SMTP sink: a connection failed: " + e);
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        connections.shutdownNow();
    }
}
