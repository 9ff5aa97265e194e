package dev.playground.terminal;

import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not part of the default test run (the name does not match surefire's includes):
 * {@code ./mvnw -B -pl terminal-service verify -Dtest=TerminalBenchmark}. Prints keystroke echo round-trip
 * latency (p50/p99) through the terminal socket, and sustained output throughput to one client.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class TerminalBenchmark {

    private static final int KEYSTROKES = Integer.getInteger("bench.keystrokes", 1000);
    private static final long OUTPUT_BYTES = Long.getLong("bench.output-bytes", 200_000_000L);

    private volatile boolean counting;

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void keystrokeEchoRoundTripAndOutputThroughput() throws Exception {
        LinkedBlockingQueue<Buffer> frames = new LinkedBlockingQueue<>();
        AtomicLong bytes = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] marker = "BENCH-DONE".getBytes(StandardCharsets.US_ASCII);
        var options = new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                .setURI("/api/v1/sessions/" + SessionServiceStandIn.RUNNING + "/terminal?cols=200&rows=50")
                .addHeader(Principal.HEADER, SessionServiceStandIn.OWNER)
                .addHeader(Principal.SIGNATURE_HEADER, TestSecrets.sign(SessionServiceStandIn.OWNER));

        WebSocket ws = vertx.createWebSocketClient().connect(options).map(socket -> {
            socket.binaryMessageHandler(b -> {
                if (counting) {
                    bytes.addAndGet(b.length());
                    if (contains(b.getBytes(), marker)) {
                        done.complete(null);
                    }
                } else {
                    frames.add(b);
                }
            });
            return socket;
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        try {
            measure(ws, frames, bytes, done);
        } finally {
            ws.close();
        }
    }

    private void measure(WebSocket ws, LinkedBlockingQueue<Buffer> frames, AtomicLong bytes,
            CompletableFuture<Void> done) throws Exception {
        awaitText(ws, frames, null, "$ ");
        // Warm up, then time each keystroke until readline has echoed it.
        long[] nanos = new long[KEYSTROKES];
        for (int i = -100; i < KEYSTROKES; i++) {
            if ((i + 100) % 50 == 0) {
                ws.writeBinaryMessage(Buffer.buffer(new byte[] {0x15})); // Ctrl-U: start a fresh line
                Thread.sleep(20);
                frames.clear();
            }
            long start = System.nanoTime();
            ws.writeBinaryMessage(Buffer.buffer("x"));
            awaitText(ws, frames, null, "x");
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("BENCH keystroke echo round-trip over %d keys: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                KEYSTROKES, nanos[KEYSTROKES / 2] / 1e6, nanos[(int) (KEYSTROKES * 0.99)] / 1e6,
                nanos[KEYSTROKES - 1] / 1e6);

        ws.writeBinaryMessage(Buffer.buffer(new byte[] {0x15}));
        Thread.sleep(100);
        frames.clear();
        counting = true;
        long start = System.nanoTime();
        ws.writeBinaryMessage(Buffer.buffer(("head -c " + OUTPUT_BYTES + " /dev/zero | tr '\\0' x; echo BENCH-DO''NE\r")
                .getBytes(StandardCharsets.US_ASCII)));
        done.get(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH sustained output to one client: %d bytes in %.2f s = %.1f MB/s%n",
                bytes.get(), seconds, bytes.get() / 1e6 / seconds);
    }

    private static void awaitText(WebSocket ws, LinkedBlockingQueue<Buffer> frames, StringBuilder unused, String text)
            throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (seen.indexOf(text) < 0) {
            Buffer b = frames.poll(100, TimeUnit.MILLISECONDS);
            if (b != null) {
                seen.append(b.toString(StandardCharsets.UTF_8));
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("never saw " + text + " in " + seen);
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
