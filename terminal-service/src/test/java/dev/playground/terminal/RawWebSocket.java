package dev.playground.terminal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client written by hand on a plain socket, for what a library client does for you and a test must not
 * have done: never answering pings, or going away without a close frame (a TCP reset). It reads frames; it sends
 * nothing after the handshake.
 */
final class RawWebSocket implements AutoCloseable {

    static final int TEXT = 0x1, CLOSE = 0x8, PING = 0x9;

    /** One frame as it came: its opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        /** The code of a close frame. */
        int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws Exception {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens {@code path} as {@code principal} (signed as the gateway would) and checks the answer is 101. */
    static RawWebSocket open(URI base, String path, String principal, Duration readTimeout) throws Exception {
        RawWebSocket ws = new RawWebSocket(new Socket(base.getHost(), base.getPort()));
        OutputStream out = ws.socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)) + "\r\n"
                + Principal.HEADER + ": " + principal + "\r\n" + Principal.SIGNATURE_HEADER + ": "
                + TestSecrets.sign(principal) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ws.socket.setSoTimeout((int) readTimeout.toMillis());
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            headers.append((char) ws.in.readUnsignedByte());
        }
        assertTrue(headers.toString().startsWith("HTTP/1.1 101"), headers.toString());
        return ws;
    }

    /** The next frame the server sent (unmasked, as servers send them). */
    Frame next() throws Exception {
        int opcode = in.readUnsignedByte() & 0x0f;
        int length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = (int) in.readLong();
        }
        return new Frame(opcode, in.readNBytes(length));
    }

    /** Goes away without a close frame: a TCP reset, as a dropped network looks to the server. */
    void reset() throws Exception {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
