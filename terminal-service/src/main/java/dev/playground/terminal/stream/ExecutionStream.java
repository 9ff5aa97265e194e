package dev.playground.terminal.stream;

import dev.playground.contract.execution.StdinMessage;
import dev.playground.terminal.config.TerminalConfig;
import dev.playground.terminal.socket.LiveSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One client following one execution: sends its events in seq order from the first (or from the one after the seq
 * the client says it has already), pulling from the replay
 * buffer only while the client's outbound budget has room; forwards the client's stdin once the execution is
 * known to be the client's. Another principal's execution looks exactly like one that does not exist.
 */
public final class ExecutionStream extends LiveSocket implements ExecutionReplay.Listener {

    private static final Logger LOG = Logger.getLogger(ExecutionStream.class);
    private static final int MAX_EARLY_STDIN = 64;

    private final String principal;
    private final ExecutionReplay replay;
    private final StdinPublisher stdin;
    private final Vertx vertx;
    private final TerminalConfig config;
    private final List<StdinMessage> earlyStdin = new ArrayList<>();
    private volatile String executionId;
    private volatile ExecutionReplay.Run run;
    private long lastSent;
    private boolean owned;
    private boolean finished;
    private boolean pumping;
    private boolean pumpAgain;
    private long unknownTimer = -1;

    ExecutionStream(WebSocketConnection connection, String principal, long after, ExecutionReplay replay,
            StdinPublisher stdin, Vertx vertx, TerminalConfig config) {
        super(connection, config.sockets().maxPendingOutputBytes());
        this.principal = principal;
        this.lastSent = after;
        this.replay = replay;
        this.stdin = stdin;
        this.vertx = vertx;
        this.config = config;
    }

    /**
     * Starts following an execution; refused as not found if nothing of it arrives in time, unless this socket
     * started it (the executor accepted it for this principal, so its first event may simply be slow).
     */
    void follow(String id, boolean startedHere) {
        this.executionId = id;
        this.run = replay.subscribe(id, this);
        if (!startedHere) {
            long wait = config.stream().unknownExecutionWait().toMillis();
            synchronized (this) {
                unknownTimer = vertx.setTimer(wait, t -> {
                    if (run.owner() == null) {
                        close(POLICY, "execution " + id + " not found");
                    }
                });
            }
        }
        changed();
    }

    boolean following() {
        return run != null;
    }

    /** New events or a known owner: send what the budget allows. Runs on any thread; serialised here. */
    @Override
    public void changed() {
        List<StdinMessage> flush = List.of();
        synchronized (this) {
            if (isEnded() || finished || run == null) {
                return;
            }
            String owner = run.owner();
            if (owner == null) {
                return;
            }
            if (!owned) {
                if (!owner.equals(principal)) {
                    LOG.infof("execution %s: stream refused to a principal that does not own it", executionId);
                    close(POLICY, "execution " + executionId + " not found");
                    return;
                }
                owned = true;
                vertx.cancelTimer(unknownTimer);
                flush = List.copyOf(earlyStdin);
                earlyStdin.clear();
            }
            pump();
        }
        flush.forEach(this::publish);
    }

    /**
     * Sends what the budget allows. A write may complete at once, on this very thread, and its callback calls
     * {@link #changed()} again: that nested call only asks this loop to go round once more, so a fast client
     * costs a loop, not a stack frame per event (deep recursion overflowed the stack inside Netty's frame
     * encoder and corrupted frames on the wire). Called holding this object's monitor.
     */
    private void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                while (!finished && budget.hasRoom()) {
                    ExecutionReplay.Entry next = run.next(lastSent);
                    if (next == null) {
                        if (run.completedBy(lastSent)) {
                            // the client had every event already (after= its last seq)
                            finished = true;
                            close(1000, "execution completed");
                        }
                        break;
                    }
                    lastSent = next.seq();
                    if (next.terminal()) {
                        finished = true;
                        sendText(next.json(), () -> close(1000, "execution completed"));
                        break;
                    }
                    sendText(next.json(), this::changed);
                }
            } while (pumpAgain && !finished && !isEnded());
        } finally {
            pumping = false;
        }
    }

    /** Text for the program; null data means end of input. */
    void stdin(String data) {
        StdinMessage message = new StdinMessage(executionId, run.nextStdinSeq(), data, data == null ? Boolean.TRUE : null);
        synchronized (this) {
            if (!owned) {
                if (earlyStdin.size() >= MAX_EARLY_STDIN) {
                    close(POLICY, "stdin sent before the execution started; wait for its first event");
                } else {
                    earlyStdin.add(message);
                }
                return;
            }
        }
        publish(message);
    }

    private void publish(StdinMessage message) {
        stdin.publish(message).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.warnf("execution %s: stdin not delivered: %s", executionId, e.getMessage());
                close(1011, "stdin could not be delivered, try again");
            }
        });
    }

    @Override
    protected void end() {
        if (run != null) {
            replay.unsubscribe(run, this);
        }
        synchronized (this) {
            if (unknownTimer >= 0) {
                vertx.cancelTimer(unknownTimer);
            }
        }
    }

    @Override
    public String describe() {
        return "execution " + executionId + " stream";
    }
}
