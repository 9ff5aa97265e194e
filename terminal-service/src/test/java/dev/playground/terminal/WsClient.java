package dev.playground.terminal;

import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** A real WebSocket client as a browser would use it: raw bytes in binary frames, JSON in text frames. */
final class WsClient implements AutoCloseable {

    /** How the server closed the socket. */
    record Closed(int code, String reason) {
    }

    static final int RECEIVE_BUFFER = 256 * 1024;
    /** Output held for the test at most; past it the client stops reading, as a terminal that cannot draw faster. */
    private static final int HELD = 8 << 20;

    private final WebSocketClient client;
    private final WebSocket socket;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile long binaryBytes;
    /** Guarded by output: the test stopped reading ({@link #stopReading}), or the held output is full. */
    private boolean stopped;
    private boolean full;

    private WsClient(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.binaryMessageHandler(b -> {
            synchronized (output) {
                binaryBytes += b.length();
                output.writeBytes(b.getBytes());
                if (output.size() >= HELD && !stopped) {
                    // what the test has not looked at yet is held, not dropped: stop reading until it takes some
                    socket.pause();
                    full = true;
                }
                output.notifyAll();
            }
        });
        socket.textMessageHandler(texts::add);
        socket.closeHandler(v -> closed.complete(new Closed(
                socket.closeStatusCode() == null ? -1 : socket.closeStatusCode(), socket.closeReason())));
    }

    static WsClient connect(Vertx vertx, URI base, String path, String principal) throws Exception {
        var options = new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(path);
        if (principal != null) {
            options.addHeader(Principal.HEADER, principal).addHeader(Principal.SIGNATURE_HEADER, TestSecrets.sign(principal));
        }
        return connect(vertx, options);
    }

    /** As a request made by hand inside the network would: the principal's name, no signature. */
    static WsClient connectUnsigned(Vertx vertx, URI base, String path, String principal) throws Exception {
        return connect(vertx, new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(path)
                .addHeader(Principal.HEADER, principal));
    }

    private static WsClient connect(Vertx vertx, WebSocketConnectOptions options) throws Exception {
        // A fixed receive buffer, as a browser's socket has: left to the kernel's autotuning, what a client that stops
        // reading holds depends on the machine (tcp_rmem's maximum is 6 MiB on some, 32 MiB on others).
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(RECEIVE_BUFFER));
        // Handlers are set on the event loop as the socket opens, so an immediate close frame is not missed.
        return client.connect(options).map(ws -> new WsClient(client, ws))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    void type(String keys) {
        socket.writeBinaryMessage(Buffer.buffer(keys.getBytes(StandardCharsets.UTF_8)));
    }

    void send(String json) {
        socket.writeTextMessage(json);
    }

    /** Waits until the output so far, decoded as UTF-8, satisfies {@code until}; returns it. */
    String awaitOutput(Predicate<String> until, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                String text = output.toString(StandardCharsets.UTF_8);
                if (until.test(text)) {
                    return text;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("output never matched; got: " + text);
                }
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** As {@link #awaitOutput}, and forgets what it returns in the same step (nothing that arrives between is lost). */
    String takeOutput(Predicate<String> until, Duration timeout) throws InterruptedException, TimeoutException {
        synchronized (output) {
            String text = awaitOutput(until, timeout);
            reset();
            return text;
        }
    }

    String awaitOutputContaining(String text) throws InterruptedException, TimeoutException {
        return awaitOutput(s -> s.contains(text), Duration.ofSeconds(15));
    }

    /** Forgets the output so far (to look only at what a next command prints). */
    void clearOutput() {
        synchronized (output) {
            reset();
        }
    }

    private void reset() {
        output.reset();
        if (full && !stopped) {
            socket.resume();
        }
        full = false;
    }

    String nextText(Duration timeout) throws InterruptedException {
        return texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    Closed awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long binaryBytes() {
        return binaryBytes;
    }

    /**
     * Closes with {@code code} without waiting for the server's answer: 1001 as a reloaded page does, or any code but
     * 1000 as a page that lost its connection would; the server keeps the shell for a resume.
     */
    void goAway(int code) {
        socket.close((short) code);
    }

    /** Stops reading from the socket, as a stalled browser tab would. */
    void stopReading() {
        synchronized (output) {
            stopped = true;
            socket.pause();
        }
    }

    void resumeReading() {
        synchronized (output) {
            stopped = false;
            if (!full) {
                socket.resume();
            }
        }
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
        client.close();
    }
}
