package dev.playground.contract.execution;

/** Event types on {@code playground.execution.events}, in the order a run produces them. */
public enum ExecutionEventType {
    QUEUED, STARTED, COMPILE_OUTPUT, STDOUT, STDERR, INPUT_REQUIRED, EXITED, COMPLETED
}
