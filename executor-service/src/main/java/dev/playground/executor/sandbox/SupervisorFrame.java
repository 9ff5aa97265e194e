package dev.playground.executor.sandbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The frame types spoken with the in-sandbox supervisor ({@code src/main/resources/supervisor.pl}, which lists the
 * same codes). A frame is 1 type byte, a 4-byte big-endian payload length, the payload. Framing (rather than raw
 * streams) is what lets one attach connection carry setup, files, stdin, EOF and cancel in, and program output plus
 * measurements out.
 */
public enum SupervisorFrame {
    // executor -> supervisor (the attach connection's stdin)
    /** {@code key=value} lines: limits, work dir, flags. */
    CONFIG('C'),
    /** The compile step's argv, NUL-separated; empty: no compile step. */
    COMPILE_ARGV('K'),
    /** The run step's argv, NUL-separated. */
    RUN_ARGV('R'),
    /** A file to write: {@code name NUL content}. */
    FILE('F'),
    /** Setup complete: write the files, run the steps. */
    SETUP_DONE('S'),
    /** Bytes for the program's stdin. */
    STDIN('I'),
    /** The program's stdin ends. */
    STDIN_EOF('E'),
    /** Go on from the compile step to the run step (sent once the sandbox was resized for the run). */
    GO('G'),
    /** Kill the program now (its output so far is still reported). */
    CANCEL('X'),

    // supervisor -> executor (the container's stdout)
    /** Compile step stdout. */
    COMPILE_STDOUT('c'),
    /** Compile step stderr. */
    COMPILE_STDERR('d'),
    /** Run step stdout. */
    RUN_STDOUT('o'),
    /** Run step stderr. */
    RUN_STDERR('e'),
    /** The program waits for input that has not come yet. */
    WAITING_FOR_INPUT('w'),
    /** A chunk of a file the run wrote to its output paths: {@code name NUL bytes}; a file's chunks come in order. */
    ARTIFACT('a'),
    /** The compile step's {@link StepReport}. */
    COMPILE_REPORT('k'),
    /** The run step's {@link StepReport}. */
    RUN_REPORT('r'),
    /** The supervisor could not go on (a file could not be written, the work dir is missing). */
    FATAL('z');

    /** The longest payload the executor accepts from a supervisor: output comes in 64 KiB reads, reports are tiny. */
    public static final int MAX_PAYLOAD = 1 << 20;

    private final char code;

    SupervisorFrame(char code) {
        this.code = code;
    }

    public char code() {
        return code;
    }

    /** True for the frames a supervisor sends (lower-case codes); the others only go to it. */
    public boolean fromSupervisor() {
        return Character.isLowerCase(code);
    }

    /** The frame type of a code, or null for a code this executor does not know. */
    public static SupervisorFrame of(int code) {
        for (SupervisorFrame f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }

    /** This frame with {@code payload}, ready to send. */
    public byte[] encode(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.put((byte) code).putInt(payload.length).put(payload);
        return b.array();
    }

    public byte[] encode(String payload) {
        return encode(payload.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] encode() {
        return encode(new byte[0]);
    }

    /** An argv frame's payload: NUL-separated, as the supervisor splits it. */
    public static byte[] argv(List<String> argv) {
        return String.join("\0", argv).getBytes(StandardCharsets.UTF_8);
    }
}
