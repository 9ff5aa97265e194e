package dev.playground.terminal.stream;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code /api/v1/executions/stream}: the first message {@code {"type":"run", ...request}} starts an execution
 * (through executor-service, as {@code POST /api/v1/executions} would) and the socket then streams it exactly
 * as {@code /api/v1/executions/{id}/stream} does ({@code after=} included).
 */
@WebSocket(path = "/api/v1/executions/stream")
public class RunStreamSocket extends StreamEndpoint {

    RunStreamSocket(StreamSockets streams) {
        super(streams);
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        streams.open(connection);
    }

    @OnTextMessage
    @NonBlocking
    void message(String text, WebSocketConnection connection) {
        streams.message(connection, text, true);
    }
}
