package io.github.threatprotection.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An HTTP proxy that only tunnels (CONNECT), on 127.0.0.1, counting the tunnels it opens and to where. */
final class ConnectProxy implements AutoCloseable {

    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<String> targets = new CopyOnWriteArrayList<>();

    ConnectProxy() throws IOException {
        Thread acceptor = new Thread(this::accept, "connect-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    int tunnels() {
        return targets.size();
    }

    List<String> targets() {
        return targets;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread tunnel = new Thread(() -> tunnel(client), "connect-proxy-tunnel");
                tunnel.setDaemon(true);
                tunnel.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            String[] request = head.split("\r\n")[0].split(" ");
            if (request.length < 2 || !request[0].equals("CONNECT")) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            targets.add(request[1]);
            int colon = request[1].lastIndexOf(':');
            // Only to this machine: the test's range server.
            try (Socket server = new Socket(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(request[1].substring(colon + 1)))) {
                client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                Thread up = new Thread(() -> pipe(in, outputOf(server)), "connect-proxy-up");
                up.setDaemon(true);
                up.start();
                pipe(server.getInputStream(), client.getOutputStream());
            }
        } catch (IOException e) {
            // the client or server went away
        }
    }

    private static OutputStream outputOf(Socket socket) {
        try {
            return socket.getOutputStream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192 && !(head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n"))) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static void pipe(InputStream from, OutputStream to) {
        byte[] buffer = new byte[16384];
        try {
            for (int read; (read = from.read(buffer)) > 0; ) {
                to.write(buffer, 0, read);
                to.flush();
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
