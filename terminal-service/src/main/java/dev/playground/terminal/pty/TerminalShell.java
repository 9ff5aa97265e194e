package dev.playground.terminal.pty;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.playground.terminal.client.SessionClient;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.sandbox.SandboxUser;
import dev.playground.contract.session.InternalSession;
import dev.playground.terminal.config.TerminalConfig;
import dev.playground.terminal.socket.LiveSocket;
import dev.playground.terminal.socket.StdinPipe;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One terminal: a WebSocket bridged to a {@code docker exec} with a TTY in a session's container. Output frames
 * are sent as they come, but only while the client's outbound budget has room: when it is full the docker
 * stream is not read, so the PTY fills and the program writing to it blocks, as it would on a slow ssh link.
 */
public final class TerminalShell extends LiveSocket {

    private static final Logger LOG = Logger.getLogger(TerminalShell.class);
    private static final int MAX_FRAME = 32 * 1024;

    private final String sessionId;
    private final String principal;
    private final String terminalId = UUID.randomUUID().toString();
    private final StdinPipe stdin;
    private final SandboxHosts hosts;
    private final TerminalRegistry registry;
    private volatile DockerClient docker;
    private final SandboxUser user;
    private final TerminalConfig config;
    private final SessionClient sessions;
    private final Consumer<TerminalShell> onEnd;
    private final ReentrantLock sizeLock = new ReentrantLock();
    private volatile int cols;
    private volatile int rows;
    private volatile String containerId;
    private volatile String execId;
    private volatile Closeable stream;
    private final Context context;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream();
    private boolean flushScheduled;

    TerminalShell(WebSocketConnection connection, String sessionId, String principal, int cols, int rows,
            SandboxHosts hosts, SandboxUser user, TerminalConfig config, SessionClient sessions,
            TerminalRegistry registry, Consumer<TerminalShell> onEnd, Context context) {
        super(connection, config.sockets().maxPendingOutputBytes());
        this.context = context;
        this.sessionId = sessionId;
        this.principal = principal;
        this.cols = cols;
        this.rows = rows;
        this.hosts = hosts;
        this.registry = registry;
        this.user = user;
        this.config = config;
        this.sessions = sessions;
        this.onEnd = onEnd;
        this.stdin = new StdinPipe(config.pty().maxPendingInputBytes());
    }

    public String sessionId() {
        return sessionId;
    }

    /** Creates and starts the shell (blocking Docker calls: run on a worker thread). */
    void start(InternalSession session) {
        this.docker = hosts.reachable(session.host());
        this.containerId = session.containerId();
        // This instance's other live terminals, and the shells other instances run in the container.
        int open = registry.of(sessionId).size() - 1 + otherInstancesTerminals();
        if (open >= config.pty().maxPerSession()) {
            // counted on the engine, so the limit holds across terminal-service instances (two opening at the very
            // same moment may both pass: the limit can be exceeded by the number of instances, never more)
            close(LiveSocket.TRY_LATER, "session " + sessionId + " already has " + open + " terminals open: close one first");
            return;
        }
        List<String> env = new ArrayList<>(List.of("TERM=xterm-256color", "LANG=C.UTF-8",
                ShellHangup.MARKER + "=" + terminalId));
        var create = user.exec(docker, containerId)
                .withTty(true)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withEnv(env)
                .withCmd(config.pty().shell().toArray(String[]::new));
        if (session.workdir() != null && !session.workdir().isBlank()) {
            create.withWorkingDir(session.workdir());
        }
        this.execId = create.exec().getId();
        registry.execStarted(execId);
        if (isEnded()) {
            return;
        }
        this.stream = docker.execStartCmd(execId).withDetach(false).withTty(true).withStdIn(stdin)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onStart(Closeable closeable) {
                        super.onStart(closeable);
                        // Docker answers a resize once the exec runs; keystrokes wait for it (see StdinPipe).
                        Thread.ofVirtual().name("pty-size-" + terminalId).start(() -> {
                            applySize();
                            stdin.open();
                        });
                    }

                    @Override
                    public void onNext(Frame frame) {
                        forward(frame.getPayload());
                    }

                    @Override
                    public void onError(Throwable error) {
                        registry.execEnded(execId);
                        if (!isEnded()) {
                            LOG.warnf("session %s terminal %s: stream failed: %s", sessionId, terminalId,
                                    error.getMessage());
                        }
                        exited();
                    }

                    @Override
                    public void onComplete() {
                        registry.execEnded(execId);
                        exited();
                    }
                });
        if (isEnded()) {
            // The client left while the shell was starting; end() may have run before execId was set.
            hangUp();
            closeQuietly(stream);
            return;
        }
        LOG.infof("session %s terminal %s: shell started (exec %s, %dx%d)", sessionId, terminalId, execId, cols, rows);
    }

    /**
     * The terminals other terminal-service instances have open in the container: running execs with a TTY (only
     * terminals have one; runs, commands and preview relays do not) that are not this instance's shells (counted by
     * the registry; a closed one's shell may still be going away).
     */
    private int otherInstancesTerminals() {
        List<String> execs = docker.inspectContainerCmd(containerId).exec().getExecIds();
        int open = 0;
        for (String id : execs == null ? List.<String>of() : execs) {
            try {
                var exec = docker.inspectExecCmd(id).exec();
                if (!registry.ownsExec(id) && Boolean.TRUE.equals(exec.isRunning()) && exec.getProcessConfig() != null
                        && Boolean.TRUE.equals(exec.getProcessConfig().isTty())) {
                    open++;
                }
            } catch (com.github.dockerjava.api.exception.NotFoundException e) {
                // ended and cleaned up meanwhile
            }
        }
        return open;
    }

    private void forward(byte[] bytes) {
        try {
            if (!budget.awaitRoom()) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        sessions.reportActivity(sessionId, principal);
    }

    /**
     * Sends what accumulated since the last flush as one frame. Docker hands over the PTY in 1 KiB pieces;
     * coalescing them on the connection's event loop costs a keystroke nothing (one hop) and a flood far fewer
     * frames.
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

    /** Keystrokes from the client; false when the shell is not keeping up with them. */
    boolean input(byte[] bytes) {
        sessions.reportActivity(sessionId, principal);
        return stdin.offer(bytes);
    }

    /** Resizes the PTY (blocking Docker call). */
    void resize(int newCols, int newRows) {
        sizeLock.lock();
        try {
            this.cols = newCols;
            this.rows = newRows;
            applySize();
        } finally {
            sizeLock.unlock();
        }
    }

    /**
     * Tells Docker the PTY's size. Resizes come from the stream's start and from the client on worker threads, so
     * they are applied one at a time, each with the latest size: without it an older size sent after a newer one
     * (the page's first size and its fitted one, a moment apart) could be the last Docker hears.
     */
    private void applySize() {
        String id = execId;
        if (id == null) {
            return; // applied when the stream starts
        }
        sizeLock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    docker.resizeExecCmd(id).withSize(rows, cols).exec();
                    return;
                } catch (RuntimeException e) {
                    if (attempt == 20 || isEnded()) {
                        LOG.warnf("session %s terminal %s: resize failed: %s", sessionId, terminalId, e.getMessage());
                        return;
                    }
                }
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            sizeLock.unlock();
        }
    }

    /** The shell ended on its own (or the container stopped): tell the client its exit code and close. */
    private void exited() {
        if (isEnded()) {
            return;
        }
        Long code = null;
        try {
            code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        } catch (RuntimeException e) {
            LOG.debugf("session %s terminal %s: exec inspect failed: %s", sessionId, terminalId, e.getMessage());
        }
        long exitCode = code == null ? -1 : code;
        LOG.infof("session %s terminal %s: shell exited with %d", sessionId, terminalId, exitCode);
        // Queued behind any pending output flush on the same context, so the exit message comes last.
        context.runOnContext(v -> {
            flush();
            sendText("{\"type\":\"exit\",\"code\":" + exitCode + "}", () -> close(1000, "shell exited"));
        });
    }

    @Override
    protected void end() {
        onEnd.accept(this);
        stdin.close();
        Closeable s = stream;
        String id = execId;
        if (id == null) {
            return;
        }
        // The client went away while the shell may still run: hang it up (Docker would leave it running).
        Thread.ofVirtual().name("hangup-" + terminalId).start(() -> {
            try {
                hangUp();
            } finally {
                closeQuietly(s);
            }
        });
    }

    private void hangUp() {
        try {
            Boolean running = docker.inspectExecCmd(execId).exec().isRunning();
            if (!Boolean.TRUE.equals(running)) {
                return;
            }
            long graceTenths = Math.max(1, config.pty().hangupGrace().toMillis() / 100);
            String hangup = user.exec(docker, containerId)
                    .withAttachStdout(true).withAttachStderr(true)
                    .withCmd(ShellHangup.command(terminalId, graceTenths).toArray(String[]::new))
                    .exec().getId();
            docker.execStartCmd(hangup).exec(new ResultCallback.Adapter<Frame>())
                    .awaitCompletion(config.pty().hangupGrace().toMillis() + 5000, TimeUnit.MILLISECONDS);
            LOG.infof("session %s terminal %s: closed by the client; shell hung up", sessionId, terminalId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("session %s terminal %s: hangup failed: %s", sessionId, terminalId, e.getMessage());
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the stream is gone either way
            }
        }
    }

    @Override
    public String describe() {
        return "session " + sessionId + " terminal " + terminalId;
    }
}
