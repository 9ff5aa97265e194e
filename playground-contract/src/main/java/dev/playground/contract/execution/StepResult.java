package dev.playground.contract.execution;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Outcome of one step (compile or run). The compile step fills stdout, stderr, exitCode and wallTimeMs;
 * the run step fills everything it measured.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepResult(
        String stdout,
        String stderr,
        Integer exitCode,
        String signal,
        Long wallTimeMs,
        Long cpuTimeMs,
        Long memoryKb,
        Boolean stdoutTruncated,
        Boolean stderrTruncated) {

    /** The same measurements without the output text. */
    public StepResult withoutOutput() {
        return new StepResult(null, null, exitCode, signal, wallTimeMs, cpuTimeMs, memoryKb, stdoutTruncated,
                stderrTruncated);
    }
}
