package dev.playground.contract.execution;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One event on {@code playground.execution.events} (key = executionId). {@code seq} starts at 1 and is
 * gap-free per execution. Output events carry {@code data} (valid UTF-8 text) or {@code dataBase64};
 * COMPILE_OUTPUT carries {@code stream} ("stdout" or "stderr"); EXITED carries {@code exitCode}/{@code signal};
 * COMPLETED carries the whole {@code result}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionEvent(
        String executionId,
        String sessionId,
        String owner,
        long seq,
        ExecutionEventType type,
        Instant at,
        String stream,
        String data,
        String dataBase64,
        Integer exitCode,
        String signal,
        ExecutionResult result) {
}
