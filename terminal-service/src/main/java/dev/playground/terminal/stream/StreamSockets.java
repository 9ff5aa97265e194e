package dev.playground.terminal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.Principal;
import dev.playground.terminal.client.ExecutorClient;
import dev.playground.terminal.config.TerminalConfig;
import dev.playground.terminal.socket.LiveSocket;
import dev.playground.terminal.socket.LiveSockets;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/** What both execution-stream endpoints share: opening a stream, and the client's JSON messages. */
@ApplicationScoped
public class StreamSockets {

    private static final Logger LOG = Logger.getLogger(StreamSockets.class);

    private final ExecutionReplay replay;
    private final StdinPublisher stdin;
    private final ExecutorClient executor;
    private final LiveSockets sockets;
    private final TerminalConfig config;
    private final ObjectMapper json;
    private final Vertx vertx;

    StreamSockets(ExecutionReplay replay, StdinPublisher stdin, ExecutorClient executor, LiveSockets sockets,
            TerminalConfig config, ObjectMapper json, Vertx vertx) {
        this.replay = replay;
        this.stdin = stdin;
        this.executor = executor;
        this.sockets = sockets;
        this.config = config;
        this.json = json;
        this.vertx = vertx;
    }

    /**
     * Registers a new client (its principal signed by the gateway: PrincipalVerification let it through); empty when
     * its query is refused ({@code after=} not a seq), the socket then being closed with 1008 and the reason.
     */
    Optional<ExecutionStream> open(WebSocketConnection connection) {
        String principal = connection.handshakeRequest().header(Principal.HEADER);
        List<String> after = new QueryStringDecoder(Objects.requireNonNullElse(connection.handshakeRequest().query(), ""),
                false).parameters().getOrDefault("after", List.of());
        Long lastSeen = after.isEmpty() ? Long.valueOf(0) : seq(after.get(0));
        ExecutionStream stream = new ExecutionStream(connection, principal, lastSeen == null ? 0 : lastSeen, replay,
                stdin, vertx, config);
        sockets.add(stream);
        if (lastSeen == null) {
            stream.close(LiveSocket.POLICY, "after must be the last seq received, a whole number from 0: got '"
                    + after.get(0) + "'");
            return Optional.empty();
        }
        return Optional.of(stream);
    }

    /** A seq from the query (0 or more), or null. */
    private static Long seq(String value) {
        try {
            long n = Long.parseLong(value.trim());
            return n >= 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Handles one client text frame; {@code allowRun} on the endpoint that may start an execution. */
    void message(WebSocketConnection connection, String text, boolean allowRun) {
        if (!(sockets.get(connection.id()) instanceof ExecutionStream stream) || stream.isEnded()) {
            return;
        }
        stream.seen();
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (Exception e) {
            stream.close(LiveSocket.POLICY, "messages must be JSON such as {\"type\":\"stdin\",\"data\":\"...\"}");
            return;
        }
        String type = node.path("type").asText("");
        switch (type) {
            case "stdin" -> {
                if (!stream.following()) {
                    stream.close(LiveSocket.POLICY, "send {\"type\":\"run\",...} before stdin");
                } else if (!node.path("data").isTextual()) {
                    stream.close(LiveSocket.POLICY, "stdin needs a text field 'data'");
                } else {
                    stream.stdin(node.path("data").asText());
                }
            }
            case "stdin-eof" -> {
                if (!stream.following()) {
                    stream.close(LiveSocket.POLICY, "send {\"type\":\"run\",...} before stdin-eof");
                } else {
                    stream.stdin(null);
                }
            }
            case "run" -> {
                if (!allowRun) {
                    stream.close(LiveSocket.POLICY, "run is accepted on /api/v1/executions/stream only");
                } else if (stream.following()) {
                    stream.close(LiveSocket.POLICY, "this socket already follows an execution; open another to run again");
                } else {
                    run(stream, connection, node);
                }
            }
            default -> stream.close(LiveSocket.POLICY,
                    "unknown message type '" + type + "': expected stdin, stdin-eof" + (allowRun ? " or run" : ""));
        }
    }

    private void run(ExecutionStream stream, WebSocketConnection connection, JsonNode node) {
        JsonObject request = new JsonObject(node.toString());
        request.remove("type");
        String principal = connection.handshakeRequest().header(Principal.HEADER);
        executor.start(request, principal).subscribe().with(
                id -> {
                    LOG.infof("execution %s: started from a stream socket", id);
                    stream.follow(id, true);
                },
                e -> stream.close(LiveSocket.POLICY, e instanceof ExecutorClient.RejectedRun
                        ? e.getMessage() : "could not start the execution, try again"));
    }

    void pong(WebSocketConnection connection) {
        LiveSocket socket = sockets.get(connection.id());
        if (socket != null) {
            socket.seen();
        }
    }

    void closed(WebSocketConnection connection) {
        LiveSocket socket = sockets.remove(connection.id());
        if (socket != null) {
            socket.closedByClient(LiveSocket.clientCloseCode(connection));
        }
    }
}
