package dev.playground.executor.service;

import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.StepResult;
import dev.playground.executor.events.ExecutionEventPublisher;
import dev.playground.executor.sandbox.SandboxControl;
import dev.playground.executor.sandbox.SandboxListener;
import dev.playground.executor.sandbox.StepReport;
import dev.playground.executor.sandbox.SupervisorFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import dev.playground.contract.execution.Artifact;
import dev.playground.contract.execution.ContentTypes;
import dev.playground.contract.execution.ExecutionArtifact;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One execution while the executor remembers it: its plan, its events (seq handed out under this object's lock,
 * so the topic sees them gap-free and in order), the output collected for the result, and its outcome.
 */
public final class Execution implements SandboxListener {

    private final String id;
    private final String owner;
    private final ExecutionPlan plan;
    private final Instant createdAt = Instant.now();
    private final ExecutionEventPublisher events;
    private final SandboxControl control = new SandboxControl();
    private final CompletableFuture<ExecutionResult> completion = new CompletableFuture<>();

    private long seq;
    private volatile ExecutionStatus status = ExecutionStatus.QUEUED;
    /** Output per stream, kept up to the job's limit: the executor holds the limit even if a supervisor does not. */
    private final Map<SupervisorFrame, Captured> output = new EnumMap<>(SupervisorFrame.class);
    private boolean outputOverrun;
    /** The overrun was of a stream's size as JSON, not of its bytes. */
    private boolean jsonOverrun;
    /** Files the run wrote to its output paths, kept within the job's caps (the executor holds them too). */
    private final Map<String, ByteArrayOutputStream> artifacts = new java.util.LinkedHashMap<>();
    private long artifactBytes;
    private StepReport compiled;
    private StepReport ran;

    Execution(String id, String owner, ExecutionPlan plan, ExecutionEventPublisher events) {
        this.id = id;
        this.owner = owner;
        this.plan = plan;
        this.events = events;
    }

    private volatile String host;

    /** The sandbox host a fresh run was placed on (null for a run in a session, which lives on the session's). */
    public String host() {
        return host;
    }

    @Override
    public void placedOn(String host) {
        this.host = host;
    }

    public String id() {
        return id;
    }

    public String owner() {
        return owner;
    }

    public ExecutionPlan plan() {
        return plan;
    }

    public SandboxControl control() {
        return control;
    }

    public CompletableFuture<ExecutionResult> completion() {
        return completion;
    }

    public boolean isDone() {
        return completion.isDone();
    }

    /** The result as of now: the final one once completed, otherwise the status so far. */
    public ExecutionResult snapshot() {
        ExecutionResult done = completion.getNow(null);
        return done != null ? done
                : new ExecutionResult(id, plan.sessionId(), plan.runtime().language(), plan.runtime().version(), status,
                        null, null, null, null, null, createdAt, null);
    }

    synchronized void emit(ExecutionEventType type, String stream, String data, Integer exitCode, String signal,
            ExecutionResult result) {
        events.publish(new ExecutionEvent(id, plan.sessionId(), owner, ++seq, type, Instant.now(), stream, data, null,
                exitCode, signal, result));
    }

    void queued() {
        emit(ExecutionEventType.QUEUED, null, null, null, null, null);
    }

    @Override
    public synchronized void started() {
        status = ExecutionStatus.RUNNING;
        emit(ExecutionEventType.STARTED, null, null, null, null, null);
    }

    @Override
    public synchronized void output(SupervisorFrame stream, byte[] data) {
        Captured captured = output.computeIfAbsent(stream, s -> new Captured());
        if (captured.closed) {
            return;
        }
        long room = plan.job().outputBytes() - captured.bytes.size();
        if (data.length > room) {
            // More than the supervisor may send: keep the limit, stop the program, never hold the rest.
            data = java.util.Arrays.copyOf(data, (int) Math.max(0, room));
            captured.truncated = true;
            overrun();
        }
        String text = captured.text.next(data);
        long cost = JsonTextSize.of(text);
        if (captured.jsonBytes + cost > maxJsonBytes(plan.job().outputBytes())) {
            // Text that is mostly escapes (control characters are six bytes each in JSON, invalid UTF-8 three) would
            // make the result far larger than its byte count: this chunk and the rest of the stream are dropped.
            captured.truncated = true;
            captured.closed = true;
            jsonOverrun |= !outputOverrun;
            overrun();
            return;
        }
        captured.jsonBytes += cost;
        captured.bytes.writeBytes(data);
        switch (stream) {
            case COMPILE_STDOUT -> emitText(ExecutionEventType.COMPILE_OUTPUT, "stdout", text);
            case COMPILE_STDERR -> emitText(ExecutionEventType.COMPILE_OUTPUT, "stderr", text);
            case RUN_STDOUT -> emitText(ExecutionEventType.STDOUT, null, text);
            case RUN_STDERR -> emitText(ExecutionEventType.STDERR, null, text);
            default -> {
            }
        }
    }

    /**
     * The most a stream's text may take in JSON: one and a half times its byte limit. Plain text (and UTF-8 in any
     * script) takes about its byte count, a newline two bytes; so every result the limits allow fits the topic's
     * largest message (four streams at the largest limit) and the memory {@link OutputMemory} reserves for it.
     */
    static long maxJsonBytes(long outputBytes) {
        return outputBytes + outputBytes / 2;
    }

    private void overrun() {
        if (!outputOverrun) {
            outputOverrun = true;
            control.stop();
        }
    }

    /** One output stream as far as it came. */
    private static final class Captured {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Utf8Chunker text = new Utf8Chunker();
        long jsonBytes;
        boolean truncated;
        /** Past its size in JSON: nothing more is kept. */
        boolean closed;
    }

    private String rest(SupervisorFrame stream) {
        Captured c = output.get(stream);
        return c == null || c.closed ? "" : c.text.rest();
    }

    private String text(SupervisorFrame stream) {
        Captured c = output.get(stream);
        return c == null ? "" : c.bytes.toString(StandardCharsets.UTF_8);
    }

    private boolean truncated(SupervisorFrame stream) {
        Captured c = output.get(stream);
        return c != null && c.truncated;
    }

    private void emitText(ExecutionEventType type, String stream, String text) {
        if (!text.isEmpty()) {
            emit(type, stream, text, null, null, null);
        }
    }

    @Override
    public synchronized void artifact(String name, byte[] chunk) {
        var caps = plan.job().artifacts();
        ByteArrayOutputStream file = artifacts.get(name);
        if (file == null) {
            if (artifacts.size() >= caps.maxFiles()) {
                return;
            }
            file = new ByteArrayOutputStream();
            artifacts.put(name, file);
        }
        long room = Math.min(caps.maxFileBytes() - file.size(), caps.maxTotalBytes() - artifactBytes);
        int kept = (int) Math.max(0, Math.min(room, chunk.length));
        file.write(chunk, 0, kept);
        artifactBytes += kept;
    }

    /** The bytes of one of the run's artifacts, once it completed; null when it has none of that name. */
    public synchronized byte[] artifact(String name) {
        ByteArrayOutputStream file = isDone() ? artifacts.get(name) : null;
        return file == null ? null : file.toByteArray();
    }

    /** Bytes the execution holds in memory besides its result's text (its artifacts). */
    synchronized long artifactBytes() {
        return artifactBytes;
    }

    @Override
    public synchronized void waitingForInput() {
        emit(ExecutionEventType.INPUT_REQUIRED, null, null, null, null, null);
    }

    @Override
    public synchronized void compiled(StepReport report) {
        compiled = report;
        emitText(ExecutionEventType.COMPILE_OUTPUT, "stdout", rest(SupervisorFrame.COMPILE_STDOUT));
        emitText(ExecutionEventType.COMPILE_OUTPUT, "stderr", rest(SupervisorFrame.COMPILE_STDERR));
    }

    @Override
    public synchronized void ran(StepReport report) {
        ran = report;
        emitText(ExecutionEventType.STDOUT, null, rest(SupervisorFrame.RUN_STDOUT));
        emitText(ExecutionEventType.STDERR, null, rest(SupervisorFrame.RUN_STDERR));
        emit(ExecutionEventType.EXITED, null, null, report.exitCode(), report.signal(), null);
    }

    /** Decides the verdict, emits COMPLETED with the whole result, and releases whoever waits. */
    synchronized ExecutionResult complete(boolean engineOomKilled, String error) {
        boolean cancelled = control.cancelled();
        if (status == ExecutionStatus.QUEUED && !cancelled) {
            started();
        }
        var judgement = VerdictJudge.judge(cancelled, outputOverrun, engineOomKilled, error, compiled, ran, plan.job());
        if (jsonOverrun && judgement.verdict() == dev.playground.contract.execution.Verdict.OUTPUT_LIMIT_EXCEEDED) {
            judgement = new VerdictJudge.Judgement(judgement.verdict(), "The program's output on one stream would take "
                    + "more than " + maxJsonBytes(plan.job().outputBytes()) + " bytes as JSON (control characters take "
                    + "six bytes each there) and it was stopped; print text, or write binary data to a file under out/.");
        }
        StepResult compile = compiled == null ? null : new StepResult(text(SupervisorFrame.COMPILE_STDOUT),
                text(SupervisorFrame.COMPILE_STDERR), compiled.exitCode(), compiled.signal(), compiled.wallMs(), null,
                null, null, null);
        StepResult run = ran == null ? null : new StepResult(text(SupervisorFrame.RUN_STDOUT),
                text(SupervisorFrame.RUN_STDERR), ran.exitCode(), ran.signal(), ran.wallMs(), ran.cpuMs(),
                ran.maxRssKb(), ran.stdoutTruncated() || truncated(SupervisorFrame.RUN_STDOUT),
                ran.stderrTruncated() || truncated(SupervisorFrame.RUN_STDERR));
        output.clear(); // the result holds the text now; the bytes are not kept twice
        status = ExecutionStatus.COMPLETED;
        List<Artifact> listed = new ArrayList<>();
        artifacts.forEach((name, bytes) -> {
            String type = ContentTypes.of(name);
            listed.add(new Artifact(name, bytes.size(), type, "/api/v1/executions/" + id + "/artifacts/" + name));
            // Before COMPLETED: the history keeps the files with the result that lists them.
            events.publishArtifact(new ExecutionArtifact(id, owner, name, type,
                    Base64.getEncoder().encodeToString(bytes.toByteArray())));
        });
        ExecutionResult result = new ExecutionResult(id, plan.sessionId(), plan.runtime().language(),
                plan.runtime().version(), ExecutionStatus.COMPLETED, judgement.verdict(), judgement.message(), compile, run,
                listed.isEmpty() ? null : List.copyOf(listed), createdAt, Instant.now());
        emit(ExecutionEventType.COMPLETED, null, null, null, null, result);
        completion.complete(result);
        return result;
    }
}
