package dev.playground.terminal.stream;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;

/**
 * What the two execution-stream endpoints share: a pong keeps a stream alive, a close ends it. They differ only in
 * how a stream starts (an execution's id in the path, or a {@code run} message) and so in what messages they take.
 */
abstract class StreamEndpoint {

    protected final StreamSockets streams;

    StreamEndpoint(StreamSockets streams) {
        this.streams = streams;
    }

    @OnPongMessage
    void pong(Buffer data, WebSocketConnection connection) {
        streams.pong(connection);
    }

    @OnClose
    void closed(WebSocketConnection connection) {
        streams.closed(connection);
    }
}
