package dev.playground.terminal.pty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.Principal;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.contract.session.InternalSession;
import dev.playground.terminal.client.SessionClient;
import dev.playground.terminal.config.TerminalConfig;
import dev.playground.terminal.socket.LiveSocket;
import dev.playground.terminal.socket.LiveSockets;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code /api/v1/sessions/{id}/terminal?cols=&rows=&resume=}: a PTY shell in the session's container. Binary frames
 * carry raw bytes both ways (the client decodes UTF-8, so a character split across frames stays whole); text
 * frames carry control JSON: {@code {"type":"resize","cols":..,"rows":..}} in; {@code {"type":"attached",
 * "terminal":token,"resumed":..}} and {@code {"type":"exit","code":..}} out. {@code resume=token} reattaches to the
 * caller's shell of that session that lost its socket (see {@link TerminalRegistry}); any other token gets a new
 * shell. Refusals are close frames with a reason: 1008 (no principal, not found, bad input), 1013 (not running, too
 * many terminals).
 */
@WebSocket(path = "/api/v1/sessions/{id}/terminal")
public class TerminalSocket {

    private static final Logger LOG = Logger.getLogger(TerminalSocket.class);
    private static final int MAX_DIMENSION = 1000;

    private final SandboxHosts hosts;
    private final SandboxConfig sandbox;
    private final SessionClient sessions;
    private final TerminalRegistry registry;
    private final LiveSockets sockets;
    private final TerminalConfig config;
    private final ObjectMapper json;
    private final Vertx vertx;

    TerminalSocket(SandboxHosts hosts, SessionClient sessions, TerminalRegistry registry, LiveSockets sockets,
            TerminalConfig config, SandboxConfig sandbox, ObjectMapper json, Vertx vertx) {
        this.vertx = vertx;
        this.sandbox = sandbox;
        this.hosts = hosts;
        this.sessions = sessions;
        this.registry = registry;
        this.sockets = sockets;
        this.config = config;
        this.json = json;
    }

    @OnOpen
    Uni<Void> open(WebSocketConnection connection) {
        String sessionId = connection.pathParam("id");
        String principal = connection.handshakeRequest().header(Principal.HEADER);
        var query = new QueryStringDecoder(connection.handshakeRequest().query() == null ? ""
                : connection.handshakeRequest().query(), false).parameters();
        Integer cols = dimension(query.get("cols"), config.pty().defaultCols());
        Integer rows = dimension(query.get("rows"), config.pty().defaultRows());
        List<String> resume = query.getOrDefault("resume", List.of());
        TerminalAttachment client = new TerminalAttachment(connection, sessionId,
                config.sockets().maxPendingOutputBytes(), config.pty().maxPendingInputBytes(), context(),
                a -> sockets.remove(a.connectionId()));
        sockets.add(client);
        if (cols == null || rows == null) {
            client.close(LiveSocket.POLICY, "cols and rows must be whole numbers from 1 to " + MAX_DIMENSION);
            return Uni.createFrom().voidItem();
        }
        return sessions.find(sessionId, principal)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .invoke(found -> {
                    if (client.isEnded()) {
                        return;
                    }
                    if (found.isEmpty()) {
                        client.close(LiveSocket.POLICY, "session " + sessionId + " not found");
                    } else if (!found.get().isRunning()) {
                        client.close(LiveSocket.TRY_LATER, "session " + sessionId + " is " + found.get().state()
                                + ", not RUNNING: start it first");
                    } else if (!resumed(client, resume.isEmpty() ? null : resume.get(0), principal, sessionId, cols,
                            rows)) {
                        startShell(client, found.get(), sessionId, principal, cols, rows);
                    }
                })
                .onFailure().invoke(e -> {
                    LOG.warnf("session %s: could not open a terminal: %s", sessionId, e.getMessage());
                    client.close(1011, "could not open a terminal, try again: " + e.getMessage());
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Reattaches the client to the shell its token names, if that is its own in this session: a detached one, or one
     * still attached to a socket that died unseen (taken over: the old socket is closed).
     */
    private boolean resumed(TerminalAttachment client, String token, String principal, String sessionId, int cols,
            int rows) {
        TerminalShell shell = registry.claim(token, principal, sessionId).orElse(null);
        if (shell == null || !shell.resume(client)) {
            shell = registry.attachedByToken(token, principal, sessionId).orElse(null);
            if (shell == null || !shell.takeOver(client)) {
                return false;
            }
        }
        if (!client.bind(shell)) {
            shell.detach(client, true); // lost again already: kept as it was
            return true;
        }
        shell.resize(cols, rows);
        return true;
    }

    private void startShell(TerminalAttachment client, InternalSession session, String sessionId, String principal,
            int cols, int rows) {
        TerminalShell shell = new TerminalShell(sessionId, principal, registry.newToken(), cols, rows, hosts,
                sandbox.sandboxUser(), config, sessions, registry, client.eventLoop());
        if (!registry.tryAdd(shell, config.pty().maxPerSession())) {
            client.close(LiveSocket.TRY_LATER, "session " + sessionId + " already has "
                    + config.pty().maxPerSession() + " terminals open: close one first");
            return;
        }
        shell.attach(client);
        if (client.bind(shell)) {
            shell.start(session);
        } else {
            shell.close(1000, "the client left");
        }
    }

    @OnBinaryMessage
    @NonBlocking
    void input(Buffer bytes, WebSocketConnection connection) {
        if (sockets.get(connection.id()) instanceof TerminalAttachment client) {
            client.seen();
            if (!client.input(bytes.getBytes())) {
                client.close(LiveSocket.TOO_BIG, "input arrives faster than the shell reads it");
            }
        }
    }

    @OnTextMessage
    void control(String message, WebSocketConnection connection) {
        if (!(sockets.get(connection.id()) instanceof TerminalAttachment client)) {
            return;
        }
        client.seen();
        JsonNode node;
        try {
            node = json.readTree(message);
        } catch (Exception e) {
            client.close(LiveSocket.POLICY, "text frames carry JSON control such as {\"type\":\"resize\",\"cols\":80,\"rows\":24}; "
                    + "keys go in binary frames");
            return;
        }
        String type = node.path("type").asText("");
        if (!"resize".equals(type)) {
            client.close(LiveSocket.POLICY, "unknown control message type '" + type + "': only resize is accepted");
            return;
        }
        int cols = node.path("cols").asInt(0);
        int rows = node.path("rows").asInt(0);
        if (cols < 1 || rows < 1 || cols > MAX_DIMENSION || rows > MAX_DIMENSION) {
            client.close(LiveSocket.POLICY, "resize needs cols and rows from 1 to " + MAX_DIMENSION);
            return;
        }
        client.resize(cols, rows);
    }

    @OnPongMessage
    void pong(Buffer data, WebSocketConnection connection) {
        LiveSocket socket = sockets.get(connection.id());
        if (socket != null) {
            socket.seen();
        }
    }

    @OnClose
    void closed(WebSocketConnection connection) {
        LiveSocket socket = sockets.remove(connection.id());
        if (socket != null) {
            socket.closedByClient(LiveSocket.clientCloseCode(connection));
        }
    }

    /** The connection's event-loop context (open runs on it), where its output is coalesced and sent. */
    private Context context() {
        Context current = Vertx.currentContext();
        return current != null ? current : vertx.getOrCreateContext();
    }

    /** A cols/rows query value, the default when absent, or null when not a sane whole number. */
    private static Integer dimension(List<String> values, int fallback) {
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(values.get(0).trim());
            return n >= 1 && n <= MAX_DIMENSION ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
