package dev.playground.executor.sandbox;

import java.nio.charset.StandardCharsets;

/** The way in to a running sandbox: stdin, EOF and stop requests travel as frames to its supervisor. */
public final class SandboxControl {
    private final FrameInput input = new FrameInput();
    private volatile boolean cancelled;
    private volatile boolean stopped;

    FrameInput input() {
        return input;
    }

    public void stdin(String data) {
        input.send(SupervisorFrame.STDIN.encode(data.getBytes(StandardCharsets.UTF_8)));
    }

    public void eof() {
        input.send(SupervisorFrame.STDIN_EOF.encode());
    }

    /** Asks the supervisor to kill the program at once, on the user's request; it still reports what the program printed. */
    public void cancel() {
        cancelled = true;
        stop();
    }

    /** Asks the supervisor to kill the program at once (a limit the executor enforces itself). */
    public void stop() {
        stopped = true;
        input.send(SupervisorFrame.CANCEL.encode());
    }

    public boolean cancelled() {
        return cancelled;
    }

    public boolean stopped() {
        return stopped;
    }

    void send(byte[] frame) {
        input.send(frame);
    }

    void close() {
        input.close();
    }
}
