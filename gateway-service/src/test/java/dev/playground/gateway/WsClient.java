package dev.playground.gateway;

import io.restassured.RestAssured;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client toward the gateway under test, with what it received queued for assertions. */
final class WsClient implements AutoCloseable {

    final WebSocket socket;
    final BlockingQueue<String> texts;
    final CompletableFuture<String> closed;
    private final HttpClient client;

    private WsClient(HttpClient client, WebSocket socket, BlockingQueue<String> texts, CompletableFuture<String> closed) {
        this.client = client;
        this.socket = socket;
        this.texts = texts;
        this.closed = closed;
    }

    /** Connects to the gateway; returns the upgrade's HTTP status when the gateway refuses it. */
    static Result connect(String uri, MultiMap headers) {
        return connect("localhost:" + RestAssured.port, uri, headers);
    }

    /** Connects to the gateway with {@code authority} as the Host (a preview origin, say). */
    static Result connect(String authority, String uri, MultiMap headers) {
        HttpClient client = TestBackends.vertx.createHttpClient();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("localhost").setPort(RestAssured.port).setURI(uri)
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers).set("Host", authority));
        try {
            BlockingQueue<String> texts = new LinkedBlockingQueue<>();
            CompletableFuture<String> closed = new CompletableFuture<>();
            // Handlers go on in the completion callback, on the event loop, so a message sent right after the
            // handshake is not missed.
            WebSocket ws = client.webSocket(options).onSuccess(socket -> {
                socket.textMessageHandler(texts::add);
                socket.binaryMessageHandler(b -> texts.add("binary:" + b.toString()));
                socket.closeHandler(v -> closed.complete(socket.closeStatusCode() + " " + socket.closeReason()));
            }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new Result(new WsClient(client, ws, texts, closed), 101);
        } catch (Exception e) {
            client.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof UpgradeRejectedException rejected) {
                return new Result(null, rejected.getStatus());
            }
            throw new AssertionError("WebSocket connect failed", e);
        }
    }

    record Result(WsClient client, int status) {
    }

    String next() throws InterruptedException {
        String text = texts.poll(10, TimeUnit.SECONDS);
        if (text == null) {
            throw new AssertionError("no WebSocket message within 10 s");
        }
        return text;
    }

    void send(String text) {
        socket.writeTextMessage(text);
    }

    @Override
    public void close() {
        socket.close();
        client.close();
    }
}
