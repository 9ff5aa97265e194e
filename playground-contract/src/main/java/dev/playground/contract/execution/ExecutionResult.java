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
        /** Files the run wrote to its output folder, each downloadable at its url; absent when there are none. */
        java.util.List<Artifact> artifacts,
        Instant createdAt,
        Instant finishedAt) {

    /** The same result with its stdout and stderr left out (lists of many results). */
    public ExecutionResult summary() {
        return new ExecutionResult(id, sessionId, language, version, status, verdict, message,
                compile == null ? null : compile.withoutOutput(), run == null ? null : run.withoutOutput(), artifacts,
                createdAt, finishedAt);
    }
}
