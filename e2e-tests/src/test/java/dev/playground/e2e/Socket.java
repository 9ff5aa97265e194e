package dev.playground.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client that queues what the server sends: text frames, binary frames (as bytes) and the close. */
public final class Socket implements AutoCloseable {

    /** One thing the server sent. {@code text} is set for text frames, {@code bytes} for binary ones. */
    public record Frame(String text, byte[] bytes, Integer closeCode, String closeReason) {
        public boolean isClose() {
            return closeCode != null;
        }
    }

    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private WebSocket ws;

    static Socket open(String url, String apiKey) {
        Socket s = new Socket();
        var builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        s.ws = builder.buildAsync(URI.create(url), s.new Listener()).orTimeout(30, TimeUnit.SECONDS).join();
        return s;
    }

    public void sendText(String text) {
        ws.sendText(text, true).join();
    }

    public void sendBytes(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next frame within the timeout, or an AssertionError saying what was awaited. */
    public Frame next(Duration timeout) {
        try {
            Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + timeout);
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads binary frames until their decoded text (all of it so far) matches; returns that text. */
    public String readUntil(Predicate<String> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        var seen = new java.io.ByteArrayOutputStream();
        while (true) {
            String text = seen.toString(StandardCharsets.UTF_8);
            if (done.test(text)) {
                return text;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("terminal output never matched; got: " + text);
            }
            Frame f = next(Duration.ofNanos(left));
            if (f.bytes() != null) {
                seen.writeBytes(f.bytes());
            } else if (f.isClose()) {
                throw new AssertionError("closed (" + f.closeCode() + " " + f.closeReason() + ") before match; got: " + text);
            }
        }
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frames.add(new Frame(text.toString(), null, null, null));
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                frames.add(new Frame(null, binary.toByteArray(), null, null));
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            frames.add(new Frame(null, null, statusCode, reason));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            frames.add(new Frame(null, null, 1006, String.valueOf(error)));
        }
    }
}
