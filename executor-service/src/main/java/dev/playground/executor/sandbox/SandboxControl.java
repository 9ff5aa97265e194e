package dev.playground.executor.sandbox;

import java.nio.charset.StandardCharsets;

/** The way in to a running sandbox: stdin, EOF and cancel travel as frames to its supervisor. */
public final class SandboxControl {
    private final FrameInput input = new FrameInput();
    private volatile boolean cancelled;

    FrameInput input() {
        return input;
    }

    public void stdin(String data) {
        input.send(SupervisorFrames.frame('I', data.getBytes(StandardCharsets.UTF_8)));
    }

    public void eof() {
        input.send(SupervisorFrames.frame('E', new byte[0]));
    }

    /** Asks the supervisor to kill the program at once; it still reports what the program printed. */
    public void cancel() {
        cancelled = true;
        input.send(SupervisorFrames.frame('X', new byte[0]));
    }

    public boolean cancelled() {
        return cancelled;
    }

    void send(byte[] frame) {
        input.send(frame);
    }

    void close() {
        input.close();
    }
}
