package dev.playground.contract;

/**
 * Kafka topic names of the architecture contract. Messaging channels repeat them in application.properties (checked
 * by each service's tests with the test-jar's TopicNames).
 */
public final class Topics {
    /** Execution events, key = executionId. */
    public static final String EXECUTION_EVENTS = "playground.execution.events";
    /** Interactive stdin for running executions, key = executionId. */
    public static final String EXECUTION_STDIN = "playground.execution.stdin";
    /** Session lifecycle events, key = sessionId. */
    public static final String SESSION_EVENTS = "playground.session.events";
    /** Files runs wrote to their output folder, key = executionId: session-service keeps them with the history. */
    public static final String EXECUTION_ARTIFACTS = "playground.execution.artifacts";
    /** Control of running executions (cancel), key = executionId: whichever executor instance runs it acts. */
    public static final String EXECUTION_CONTROL = "playground.execution.control";

    private Topics() {
    }
}
