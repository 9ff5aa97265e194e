package dev.playground.contract.execution;

/** Where an execution is in its life. */
public enum ExecutionStatus {
    QUEUED, RUNNING, COMPLETED
}
