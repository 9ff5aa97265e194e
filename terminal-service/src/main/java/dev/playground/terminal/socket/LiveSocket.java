package dev.playground.terminal.socket;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One open client socket with a bounded outbound budget and a liveness clock. Subclasses say what ends when
 * the socket ends (a shell, a subscription).
 */
public abstract class LiveSocket {

    private static final Logger LOG = Logger.getLogger(LiveSocket.class);

    /** Close code: the client sent or asked for something it may not (RFC 6455 policy violation). */
    public static final int POLICY = 1008;
    /** Close code: try again later (a limit is reached, the target is not running). */
    public static final int TRY_LATER = 1013;
    /** Close code: a message too big to accept. */
    public static final int TOO_BIG = 1009;
    /** Close code: the connection broke without a close frame (never sent, only reported). */
    public static final int ABNORMAL = 1006;

    protected final WebSocketConnection connection;
    protected final OutboundBudget budget;
    private volatile long lastSeen = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile int endCode;
    private volatile boolean endedByClient;

    protected LiveSocket(WebSocketConnection connection, long outboundLimit) {
        this.connection = connection;
        this.budget = new OutboundBudget(outboundLimit);
    }

    public String connectionId() {
        return connection.id();
    }

    /** Something came from the client (a message or a pong): it is alive. */
    public void seen() {
        lastSeen = System.nanoTime();
    }

    public long lastSeenNanos() {
        return lastSeen;
    }

    public OutboundBudget budget() {
        return budget;
    }

    /** Sends a text frame, charging the budget; {@code written} runs once it is written out. */
    protected void sendText(String text, Runnable written) {
        long size = text.length();
        budget.charge(size);
        connection.sendText(text).subscribe().with(
                ok -> {
                    budget.release(size);
                    written.run();
                },
                failure -> budget.release(size));
    }

    /** Closes the socket with a reason the client sees, and ends what it drives. Idempotent. */
    public void close(int code, String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        endCode = code;
        budget.abort();
        LOG.debugf("%s closing %d %s", describe(), code, reason);
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, fitReason(reason))).subscribe().with(ok -> { }, e -> { });
        }
        end();
    }

    /**
     * The client closed with {@code code} (1006 when the connection broke without a close frame): end what it drives.
     * Idempotent.
     */
    public void closedByClient(int code) {
        if (ended.compareAndSet(false, true)) {
            endCode = code;
            endedByClient = true;
            budget.abort();
            end();
        }
    }

    /** The close code that ended this socket, the server's or the client's; meaningful from {@link #end()} on. */
    protected int endCode() {
        return endCode;
    }

    /** Whether the client ended this socket (or its connection broke), rather than this server. */
    protected boolean endedByClient() {
        return endedByClient;
    }

    /** The code the client closed {@code connection} with; 1006 (abnormal) when it sent none. */
    public static int clientCloseCode(WebSocketConnection connection) {
        CloseReason reason = connection.closeReason();
        return reason == null || reason.getCode() <= 0 ? ABNORMAL : reason.getCode();
    }

    /** A close reason must fit in a control frame: at most 123 bytes of UTF-8. */
    static String fitReason(String reason) {
        byte[] utf8 = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (utf8.length <= 123) {
            return reason;
        }
        String cut = reason;
        while (cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 120) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "...";
    }

    public boolean isEnded() {
        return ended.get();
    }

    /** Releases what this socket drives; called once. */
    protected abstract void end();

    /** For logs: which session or execution this socket serves. */
    public abstract String describe();
}
