package dev.playground.contract.execution;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** The public result of an execution; also the payload of the COMPLETED event. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionResult(
        String id,
        String sessionId,
        String language,
        String version,
        ExecutionStatus status,
        Verdict verdict,
        /** A sentence for a person when the verdict needs one (INTERNAL_ERROR, limits hit). */
        String message,
        StepResult compile,
        StepResult run,
        Instant createdAt,
        Instant finishedAt) {
}
