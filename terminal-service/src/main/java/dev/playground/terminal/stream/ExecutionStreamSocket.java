package dev.playground.terminal.stream;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code /api/v1/executions/{id}/stream?after=}: every event of the execution as a JSON text frame, in seq order from
 * the first, or from the one after seq {@code after} (replay, then live), closing with 1000 after COMPLETED. The client may send
 * {@code {"type":"stdin","data":".."}} and {@code {"type":"stdin-eof"}}. Refused with 1008 when the execution
 * is not the caller's or does not exist.
 */
@WebSocket(path = "/api/v1/executions/{id}/stream")
public class ExecutionStreamSocket extends StreamEndpoint {

    ExecutionStreamSocket(StreamSockets streams) {
        super(streams);
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        streams.open(connection).ifPresent(stream -> stream.follow(connection.pathParam("id"), false));
    }

    @OnTextMessage
    @NonBlocking
    void message(String text, WebSocketConnection connection) {
        streams.message(connection, text, false);
    }
}
