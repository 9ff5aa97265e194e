package dev.playground.contract;

/** Kafka topic names of the architecture contract. */
public final class Topics {
    /** Execution events, key = executionId. */
    public static final String EXECUTION_EVENTS = "playground.execution.events";
    /** Interactive stdin for running executions, key = executionId. */
    public static final String EXECUTION_STDIN = "playground.execution.stdin";
    /** Session lifecycle events, key = sessionId. */
    public static final String SESSION_EVENTS = "playground.session.events";

    private Topics() {
    }
}
