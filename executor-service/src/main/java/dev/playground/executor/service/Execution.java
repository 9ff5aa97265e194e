package dev.playground.executor.service;

import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.StepResult;
import dev.playground.executor.events.ExecutionEventPublisher;
import dev.playground.executor.sandbox.SandboxControl;
import dev.playground.executor.sandbox.SandboxListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
    private final ByteArrayOutputStream compileOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream compileErr = new ByteArrayOutputStream();
    private final ByteArrayOutputStream runOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream runErr = new ByteArrayOutputStream();
    private final Utf8Chunker compileOutText = new Utf8Chunker();
    private final Utf8Chunker compileErrText = new Utf8Chunker();
    private final Utf8Chunker runOutText = new Utf8Chunker();
    private final Utf8Chunker runErrText = new Utf8Chunker();
    private Map<String, String> compileMeasured;
    private Map<String, String> runMeasured;

    Execution(String id, String owner, ExecutionPlan plan, ExecutionEventPublisher events) {
        this.id = id;
        this.owner = owner;
        this.plan = plan;
        this.events = events;
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
                        null, null, null, null, createdAt, null);
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
    public synchronized void output(char type, byte[] data) {
        switch (type) {
            case 'c' -> {
                compileOut.writeBytes(data);
                emitText(ExecutionEventType.COMPILE_OUTPUT, "stdout", compileOutText.next(data));
            }
            case 'd' -> {
                compileErr.writeBytes(data);
                emitText(ExecutionEventType.COMPILE_OUTPUT, "stderr", compileErrText.next(data));
            }
            case 'o' -> {
                runOut.writeBytes(data);
                emitText(ExecutionEventType.STDOUT, null, runOutText.next(data));
            }
            case 'e' -> {
                runErr.writeBytes(data);
                emitText(ExecutionEventType.STDERR, null, runErrText.next(data));
            }
            default -> {
            }
        }
    }

    private void emitText(ExecutionEventType type, String stream, String text) {
        if (!text.isEmpty()) {
            emit(type, stream, text, null, null, null);
        }
    }

    @Override
    public synchronized void waitingForInput() {
        emit(ExecutionEventType.INPUT_REQUIRED, null, null, null, null, null);
    }

    @Override
    public synchronized void stepFinished(char type, Map<String, String> measured) {
        if (type == 'k') {
            compileMeasured = measured;
            emitText(ExecutionEventType.COMPILE_OUTPUT, "stdout", compileOutText.rest());
            emitText(ExecutionEventType.COMPILE_OUTPUT, "stderr", compileErrText.rest());
        } else {
            runMeasured = measured;
            emitText(ExecutionEventType.STDOUT, null, runOutText.rest());
            emitText(ExecutionEventType.STDERR, null, runErrText.rest());
            emit(ExecutionEventType.EXITED, null, null, intOrNull(measured.get("exit")), blankToNull(measured.get("signal")),
                    null);
        }
    }

    /** Decides the verdict, emits COMPLETED with the whole result, and releases whoever waits. */
    synchronized ExecutionResult complete(boolean reported, boolean engineOomKilled, String error) {
        boolean cancelled = control.cancelled();
        if (status == ExecutionStatus.QUEUED && !cancelled) {
            started();
        }
        var judgement = VerdictJudge.judge(cancelled, reported, engineOomKilled, error,
                compileMeasured, runMeasured, plan);
        StepResult compile = compileMeasured == null ? null : new StepResult(text(compileOut), text(compileErr),
                intOrNull(compileMeasured.get("exit")), blankToNull(compileMeasured.get("signal")),
                longOrNull(compileMeasured.get("wall")), null, null, null, null);
        StepResult run = runMeasured == null ? null : new StepResult(text(runOut), text(runErr),
                intOrNull(runMeasured.get("exit")), blankToNull(runMeasured.get("signal")),
                longOrNull(runMeasured.get("wall")), longOrNull(runMeasured.get("cpu")), longOrNull(runMeasured.get("rss")),
                "1".equals(runMeasured.get("outTrunc")), "1".equals(runMeasured.get("errTrunc")));
        status = ExecutionStatus.COMPLETED;
        ExecutionResult result = new ExecutionResult(id, plan.sessionId(), plan.runtime().language(),
                plan.runtime().version(), ExecutionStatus.COMPLETED, judgement.verdict(), judgement.message(), compile, run,
                createdAt, Instant.now());
        emit(ExecutionEventType.COMPLETED, null, null, null, null, result);
        completion.complete(result);
        return result;
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private static Integer intOrNull(String s) {
        return s == null || s.isEmpty() ? null : Integer.valueOf(s);
    }

    private static Long longOrNull(String s) {
        return s == null || s.isEmpty() ? null : Long.valueOf(s);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
