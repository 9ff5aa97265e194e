package dev.playground.e2e.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A terminal WebSocket driven from one thread with blocking reads and writes (RFC 6455 framing by hand), the way
 * {@link EngineEcho} drives the engine's stream: the keystroke echo then measures the path through the gateway and
 * terminal-service, not the hand-offs between the JDK WebSocket client's selector and executor threads.
 */
final class RawTerminal implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();
    private final StringBuilder seen = new StringBuilder();

    private RawTerminal(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Opens {@code path} on the gateway at {@code baseUrl} (http://host:port) with {@code apiKey}. */
    static RawTerminal open(String baseUrl, String path, String apiKey) throws IOException {
        URI uri = URI.create(baseUrl);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        RawTerminal t = new RawTerminal(new Socket(uri.getHost(), port));
        byte[] nonce = new byte[16];
        t.random.nextBytes(nonce);
        String head = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Authorization: Bearer " + apiKey + "\r\n\r\n";
        t.out.write(head.getBytes(StandardCharsets.US_ASCII));
        t.out.flush();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        while (!answer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = t.in.read();
            if (b < 0) {
                throw new IOException("the gateway closed the connection: " + answer);
            }
            answer.write(b);
        }
        String status = answer.toString(StandardCharsets.ISO_8859_1);
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("the terminal was refused: " + status.lines().findFirst().orElse(status));
        }
        return t;
    }

    /** Sends {@code bytes} as one binary frame (masked, as every client frame must be). */
    void send(byte[] bytes) throws IOException {
        frame(0x2, bytes);
    }

    /** Reads frames until the binary output since the last call contains {@code text}; answers pings. */
    void readUntil(String text) throws IOException {
        while (seen.indexOf(text) < 0) {
            int first = readByte();
            int second = readByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            switch (first & 0x0f) {
                case 0x2, 0x0 -> seen.append(new String(payload, StandardCharsets.UTF_8));
                case 0x9 -> frame(0xA, payload);
                case 0x8 -> throw new IOException("the terminal closed before " + text + ": "
                        + new String(payload, StandardCharsets.UTF_8));
                default -> { } // text control frames ("attached") and pongs
            }
        }
        seen.setLength(0);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("the terminal's connection ended");
        }
        return b;
    }

    private void frame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            frame(0x8, new byte[] {0x03, (byte) 0xe8}); // 1000
        } finally {
            socket.close();
        }
    }
}
