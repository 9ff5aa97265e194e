package dev.playground.terminal.pty;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.playground.terminal.client.SessionClient;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.sandbox.SandboxUser;
import dev.playground.contract.session.InternalSession;
import dev.playground.terminal.config.TerminalConfig;
import dev.playground.terminal.engine.TtyStream;
import dev.playground.terminal.socket.LiveSocket;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * One shell: a {@code docker exec} with a TTY in a session's container, driven by at most one client socket at a time
 * ({@link TerminalAttachment}). Its stream ({@link TtyStream}) is read and written on the event loop of the socket
 * that opened it, so a keystroke and its echo never wait for another thread. While attached, output goes to the
 * socket as it comes, but only while the client's outbound budget has room: when it is full the stream is not read,
 * so the PTY fills and the program writing to it blocks, as it would on a slow ssh link. While detached (its socket was lost), the shell keeps running and its
 * newest output is kept in a {@link ResumeBuffer} for the client that resumes it with the shell's token.
 */
public final class TerminalShell {

    private static final Logger LOG = Logger.getLogger(TerminalShell.class);
    /** Close code for a socket whose shell a newer connection with its token took over: do not reconnect. */
    static final int TAKEN_OVER = 4001;
    /** How long the engine may take to switch a started exec to its stream. */
    private static final Duration STREAM_START = Duration.ofSeconds(10);

    private final String sessionId;
    private final String principal;
    private final String token;
    private final String terminalId = UUID.randomUUID().toString();
    private final TtyStream stream;
    private final SandboxHosts hosts;
    private final TerminalRegistry registry;
    private volatile DockerClient docker;
    private final SandboxUser user;
    private final TerminalConfig config;
    private final SessionClient sessions;
    private final ReentrantLock sizeLock = new ReentrantLock();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final ResumeBuffer resumeBuffer;
    private volatile int cols;
    private volatile int rows;
    private volatile String containerId;
    private volatile String execId;
    private volatile boolean exited;
    private volatile Thread hangup;
    /** The socket it drives, or null while detached; guarded by this object's monitor, as is the resume buffer. */
    private TerminalAttachment attachment;
    private volatile long detachedAt;

    TerminalShell(String sessionId, String principal, String token, int cols, int rows, SandboxHosts hosts,
            SandboxUser user, TerminalConfig config, SessionClient sessions, TerminalRegistry registry, EventLoop loop) {
        this.sessionId = sessionId;
        this.principal = principal;
        this.token = token;
        this.cols = cols;
        this.rows = rows;
        this.hosts = hosts;
        this.registry = registry;
        this.user = user;
        this.config = config;
        this.sessions = sessions;
        this.stream = new TtyStream(loop, config.pty().maxPendingInputBytes());
        this.resumeBuffer = new ResumeBuffer(config.pty().resumeBuffer());
    }

    public String sessionId() {
        return sessionId;
    }

    /** The principal whose shell it is. */
    String principal() {
        return principal;
    }

    /** The name a client resumes it by: {@code <replica>.<random>}. */
    String token() {
        return token;
    }

    /** When it was detached (System.nanoTime); meaningful while it is. */
    long detachedAt() {
        return detachedAt;
    }

    public boolean isEnded() {
        return ended.get();
    }

    /** Attaches the first client, before {@link #start}. */
    synchronized void attach(TerminalAttachment client) {
        attachment = client;
    }

    /**
     * Attaches a client to this detached shell (the registry handed it over): sends it {@code attached}, then the
     * output kept meanwhile, then live output. False when the shell has ended meanwhile.
     */
    synchronized boolean resume(TerminalAttachment client) {
        if (isEnded() || exited || attachment != null) {
            return false;
        }
        attachment = client;
        client.attached(token, true);
        client.queue(resumeBuffer.drain());
        LOG.infof("%s: resumed", describe());
        return true;
    }

    /**
     * Moves this attached shell to {@code client}, a newer connection of the same principal with the shell's token
     * (the old one died without a close this server has seen yet: a network that vanished is noticed only when pings
     * go unanswered). The old socket is closed with {@link #TAKEN_OVER}; the shell goes on. False when it is not
     * attached (a detached one is resumed instead) or has ended.
     */
    boolean takeOver(TerminalAttachment client) {
        TerminalAttachment old;
        synchronized (this) {
            if (isEnded() || exited || attachment == null || attachment == client) {
                return false;
            }
            old = attachment;
            attachment = client;
            client.attached(token, true);
        }
        old.close(TAKEN_OVER, "this terminal was resumed by a newer connection");
        LOG.infof("%s: taken over by a newer connection", describe());
        return true;
    }

    /**
     * Its client socket ended: kept running, detached, when the connection was {@code lost} (for
     * {@code pty.resume-grace}, see {@link TerminalRegistry}), otherwise hung up.
     */
    void detach(TerminalAttachment client, boolean lost) {
        boolean keep;
        synchronized (this) {
            if (attachment != client) {
                return;
            }
            attachment = null;
            keep = lost && execId != null && !exited && !isEnded();
            if (keep) {
                detachedAt = System.nanoTime();
            }
        }
        if (keep) {
            LOG.infof("%s: connection lost; shell kept for %s", describe(), config.pty().resumeGrace());
            registry.detached(this);
        } else {
            end();
        }
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
        String id = create.exec().getId();
        registry.execStarted(id);
        synchronized (this) {
            this.execId = id;
            if (attachment != null) {
                attachment.attached(token, false);
            }
        }
        if (isEnded()) {
            return;
        }
        try {
            stream.start(hosts.reachableEngine(session.host()), id, new TtyStream.Listener() {
                @Override
                public void output(byte[] bytes) {
                    forward(bytes);
                }

                @Override
                public void ended(Throwable failure) {
                    registry.execEnded(id);
                    if (failure != null && !isEnded()) {
                        LOG.warnf("%s: stream failed: %s", describe(), failure.getMessage());
                    }
                    Thread.ofVirtual().name("pty-exit-" + terminalId).start(TerminalShell.this::exited);
                }
            }, STREAM_START);
        } catch (IOException e) {
            registry.execEnded(id);
            LOG.warnf("%s: could not attach to the shell: %s", describe(), e.getMessage());
            close(1011, "could not attach to the shell, try again"); // the engine's address stays in the log
            return;
        }
        // Docker answers a resize once the exec runs; keystrokes wait for the size (held by the stream meanwhile).
        Thread.ofVirtual().name("pty-size-" + terminalId).start(() -> {
            applySize();
            stream.openInput();
        });
        if (isEnded()) {
            // The client left while the shell was starting; end() may have run before execId was set.
            hangUp();
            stream.close();
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

    /**
     * Output of the shell (on its stream's event loop): to its client, or into the resume buffer while it has none.
     * When the client's budget is full, the stream stops being read until there is room again, or the socket is gone
     * (then the output goes to whichever client the shell has by then, or into the resume buffer).
     */
    private void forward(byte[] bytes) {
        TerminalAttachment client;
        synchronized (this) {
            client = attachment;
            if (client == null) {
                if (!isEnded()) {
                    resumeBuffer.write(bytes);
                }
                return;
            }
        }
        client.send(bytes, stream::pauseOutput, stream::resumeOutput);
        sessions.reportActivity(sessionId, principal);
    }

    /** Keystrokes from the client; false when the shell is not keeping up with them. */
    boolean input(byte[] bytes) {
        sessions.reportActivity(sessionId, principal);
        return !isEnded() && stream.write(bytes);
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

    /** The shell ended on its own (or the container stopped): tell its client the exit code and close. */
    private void exited() {
        if (isEnded()) {
            return;
        }
        exited = true;
        Long code = null;
        try {
            code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        } catch (RuntimeException e) {
            LOG.debugf("%s: exec inspect failed: %s", describe(), e.getMessage());
        }
        long exitCode = code == null ? -1 : code;
        LOG.infof("%s: shell exited with %d", describe(), exitCode);
        TerminalAttachment client;
        synchronized (this) {
            client = attachment;
        }
        if (client != null) {
            client.exited(exitCode); // which closes the socket with 1000 and so ends this shell
        } else {
            end();
        }
    }

    /**
     * Ends the shell for good: closes its client's socket (if it has one) with {@code code} and {@code reason}, and
     * hangs the shell up.
     */
    public void close(int code, String reason) {
        TerminalAttachment client;
        synchronized (this) {
            client = attachment;
            attachment = null;
        }
        if (client != null) {
            client.close(code, reason);
        }
        end();
    }

    /** Waits up to {@code timeout} for the hangup that {@link #close} started. */
    void awaitHangup(Duration timeout) throws InterruptedException {
        Thread t = hangup;
        if (t != null) {
            t.join(timeout);
        }
    }

    /** Hangs the shell up (Docker would leave it running) and forgets it. Idempotent. */
    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        registry.remove(this);
        synchronized (this) {
            resumeBuffer.clear();
        }
        if (execId == null) {
            stream.close();
            return;
        }
        hangup = Thread.ofVirtual().name("hangup-" + terminalId).start(() -> {
            try {
                hangUp();
            } finally {
                stream.close();
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
            String hangupExec = user.exec(docker, containerId)
                    .withAttachStdout(true).withAttachStderr(true)
                    .withCmd(ShellHangup.command(terminalId, graceTenths).toArray(String[]::new))
                    .exec().getId();
            docker.execStartCmd(hangupExec).exec(new ResultCallback.Adapter<Frame>())
                    .awaitCompletion(config.pty().hangupGrace().toMillis() + 5000, TimeUnit.MILLISECONDS);
            LOG.infof("%s: shell hung up", describe());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("%s: hangup failed: %s", describe(), e.getMessage());
        }
    }

    /** For logs: which session and terminal. */
    public String describe() {
        return "session " + sessionId + " terminal " + terminalId;
    }
}
