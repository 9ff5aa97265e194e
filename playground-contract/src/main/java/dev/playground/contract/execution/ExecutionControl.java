package dev.playground.contract.execution;

import java.time.Instant;

/**
 * A message on {@code playground.execution.control} (key executionId): whichever executor instance runs the execution
 * acts on it, the others ignore it. It acts only when {@code owner} is the execution's owner, so a principal can never
 * stop another's run by guessing its id.
 */
public record ExecutionControl(String executionId, String owner, Type type, Instant at) {

    /** What to do to the execution. */
    public enum Type {
        CANCEL
    }
}
