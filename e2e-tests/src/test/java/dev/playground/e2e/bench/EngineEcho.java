package dev.playground.e2e.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline of the keystroke echo: a shell with a TTY exec'd into a running container through the Docker engine's
 * own API (exec create, then exec start hijacked to a raw stream on the engine's socket), with no service between.
 * What the engine, containerd's shim and the PTY cost a keystroke; the terminal path adds the gateway and
 * terminal-service to it.
 */
final class EngineEcho implements AutoCloseable {
    private static final String SOCKET = "/var/run/docker.sock";
    private static final Pattern ID = Pattern.compile("\"Id\"\\s*:\\s*\"([0-9a-f]+)\"");

    private final SocketChannel stream;
    private final StringBuilder seen = new StringBuilder();

    private EngineEcho(SocketChannel stream) {
        this.stream = stream;
    }

    /** A bash with a TTY in {@code container}, as user 1000, its stream open. */
    static EngineEcho shell(String container) throws IOException {
        String created = request("POST", "/containers/" + container + "/exec", "{\"AttachStdin\":true,"
                + "\"AttachStdout\":true,\"AttachStderr\":true,\"Tty\":true,\"User\":\"1000\",\"Cmd\":[\"bash\"]}", false).body;
        Matcher m = ID.matcher(created);
        if (!m.find()) {
            throw new IOException("exec create answered " + created);
        }
        Answer started = request("POST", "/exec/" + m.group(1) + "/start", "{\"Detach\":false,\"Tty\":true}", true);
        if (!started.head.startsWith("HTTP/1.1 101")) {
            throw new IOException("exec start answered " + started.head);
        }
        EngineEcho echo = new EngineEcho(started.channel);
        echo.seen.append(started.body);
        return echo;
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            stream.write(b);
        }
    }

    /** Reads until what came since the last call contains {@code text}. */
    void readUntil(String text) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (seen.indexOf(text) < 0) {
            buf.clear();
            if (stream.read(buf) < 0) {
                throw new IOException("the shell's stream ended before " + text);
            }
            seen.append(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        }
        seen.setLength(0);
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    private record Answer(String head, String body, SocketChannel channel) {
    }

    /** One HTTP/1.1 request on the engine's socket; kept open (upgraded) or read to its end. */
    private static Answer request(String method, String path, String json, boolean upgrade) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(SOCKET));
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "Connection: close\r\n") + "\r\n";
        ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        ch.write(ByteBuffer.wrap(body));
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int end;
        while ((end = in.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0) {
            buf.clear();
            if (ch.read(buf) < 0) {
                throw new IOException("the engine closed the connection: " + in);
            }
            in.write(buf.array(), 0, buf.position());
        }
        if (!upgrade) {
            while (true) {
                buf.clear();
                if (ch.read(buf) < 0) {
                    break;
                }
                in.write(buf.array(), 0, buf.position());
            }
            ch.close();
        }
        String all = in.toString(StandardCharsets.ISO_8859_1);
        return new Answer(all.substring(0, end), all.substring(end + 4), upgrade ? ch : null);
    }
}
