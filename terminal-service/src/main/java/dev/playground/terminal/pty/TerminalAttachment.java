package dev.playground.terminal.pty;

import dev.playground.terminal.socket.LiveSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One client socket of a terminal, attached to a shell ({@link TerminalShell}) once the session is found: a new one,
 * or one that was kept for it after another socket was lost. Output is sent only while the socket's outbound budget
 * has room, coalesced into frames on the connection's event loop. Keystrokes and a resize that come before the shell
 * is bound are held for it.
 *
 * <p>When it ends, its shell is kept for a resume if the connection was lost (the client closed with anything but
 * 1000, or did not answer pings), and hung up otherwise.
 */
final class TerminalAttachment extends LiveSocket {

    private static final int MAX_FRAME = 32 * 1024;
    /** Closed by this server because the client stopped answering: the shell is kept, as for a lost connection. */
    private static final int DEAD = 1001;

    private final String sessionId;
    private final Context context;
    private final int maxEarlyInput;
    private final Consumer<TerminalAttachment> onEnd;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream();
    private boolean flushScheduled;
    private volatile TerminalShell shell;
    private List<byte[]> earlyInput = new ArrayList<>();
    private int earlyBytes;
    private int[] earlySize;

    TerminalAttachment(WebSocketConnection connection, String sessionId, long outboundLimit, int maxEarlyInput,
            Context context, Consumer<TerminalAttachment> onEnd) {
        super(connection, outboundLimit);
        this.sessionId = sessionId;
        this.context = context;
        this.maxEarlyInput = maxEarlyInput;
        this.onEnd = onEnd;
    }

    /**
     * Binds the shell this socket drives, handing it the keystrokes and the size the client sent meanwhile; false when
     * the socket has ended already (the caller then ends or keeps the shell itself).
     */
    boolean bind(TerminalShell target) {
        int[] size;
        synchronized (this) {
            if (isEnded()) {
                return false;
            }
            shell = target;
            earlyInput.forEach(target::input);
            earlyInput = null;
            size = earlySize;
        }
        if (size != null) {
            target.resize(size[0], size[1]);
        }
        return true;
    }

    /** Keystrokes from the client; false when they arrive faster than the shell reads them. */
    boolean input(byte[] bytes) {
        TerminalShell target;
        synchronized (this) {
            target = shell;
            if (target == null) {
                earlyBytes += bytes.length;
                earlyInput.add(bytes);
                return earlyBytes <= maxEarlyInput;
            }
        }
        return target.input(bytes);
    }

    /** Resizes the shell's PTY (blocking Docker call), or remembers the size until a shell is bound. */
    void resize(int cols, int rows) {
        TerminalShell target;
        synchronized (this) {
            target = shell;
            if (target == null) {
                earlySize = new int[] {cols, rows};
                return;
            }
        }
        target.resize(cols, rows);
    }

    /** Tells the client which shell it is attached to, ahead of any output queued after this call. */
    void attached(String token, boolean resumed) {
        String text = new JsonObject().put("type", "attached").put("terminal", token).put("resumed", resumed).encode();
        context.runOnContext(v -> sendText(text, () -> { }));
    }

    /**
     * Sends shell output. When that fills the client's budget, {@code pause} runs now (the shell's stream stops being
     * read) and {@code resume} once there is room again or the socket is gone.
     */
    void send(byte[] bytes, Runnable pause, Runnable resume) {
        queue(bytes);
        if (!budget.hasRoom()) {
            pause.run();
            budget.onRoom(resume);
        }
    }

    /** The event loop this socket's frames are handled on; the shell it opens is driven there too. */
    EventLoop eventLoop() {
        return ((ContextInternal) context).nettyEventLoop();
    }

    /** Queues output without waiting for room (a resumed shell's buffered output, bounded by resume-buffer). */
    void queue(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        budget.charge(bytes.length);
        boolean schedule;
        synchronized (batch) {
            batch.writeBytes(bytes);
            schedule = !flushScheduled;
            flushScheduled = true;
        }
        if (schedule) {
            context.runOnContext(v -> flush());
        }
    }

    /** The shell exited with {@code code}: after the output before it, the exit message, then close 1000. */
    void exited(long code) {
        context.runOnContext(v -> {
            flush();
            sendText("{\"type\":\"exit\",\"code\":" + code + "}", () -> close(1000, "shell exited"));
        });
    }

    /**
     * Sends what accumulated since the last flush as one frame. Docker hands over the PTY in 1 KiB pieces; coalescing
     * them on the connection's event loop costs a keystroke nothing (one hop) and a flood far fewer frames.
     */
    private void flush() {
        byte[] data;
        synchronized (batch) {
            data = batch.toByteArray();
            batch.reset();
            flushScheduled = false;
        }
        // Frames stay at most MAX_FRAME: many clients refuse bigger ones (Vert.x and others default to 64 KiB).
        for (int from = 0; from < data.length; from += MAX_FRAME) {
            int length = Math.min(MAX_FRAME, data.length - from);
            connection.sendBinary(Buffer.buffer().appendBytes(data, from, length)).subscribe().with(
                    ok -> budget.release(length),
                    failure -> budget.release(length));
        }
    }

    @Override
    protected void end() {
        onEnd.accept(this);
        TerminalShell target;
        synchronized (this) {
            target = shell;
        }
        if (target != null) {
            boolean lost = endedByClient() ? endCode() != 1000 : endCode() == DEAD;
            target.detach(this, lost);
        }
    }

    @Override
    public String describe() {
        TerminalShell target = shell;
        return target != null ? target.describe() : "session " + sessionId + " terminal (opening)";
    }
}
