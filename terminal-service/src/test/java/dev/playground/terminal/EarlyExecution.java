package dev.playground.terminal;

import dev.playground.contract.execution.ExecutionEventType;
import java.util.UUID;

/** An execution whose first events were published before terminal-service started. */
final class EarlyExecution {

    /** Config key under which the stand-in hands the id to the tests. */
    static final String ID_KEY = "test.early-execution-id";

    private EarlyExecution() {
    }

    static String publishBeforeStart() {
        String id = "early-" + UUID.randomUUID();
        try (TestEvents events = new TestEvents()) {
            events.publish(
                    TestEvents.event(id, SessionServiceStandIn.OWNER, 1, ExecutionEventType.QUEUED, null),
                    TestEvents.event(id, SessionServiceStandIn.OWNER, 2, ExecutionEventType.STARTED, null),
                    TestEvents.event(id, SessionServiceStandIn.OWNER, 3, ExecutionEventType.STDOUT, "before the service started\n"));
        }
        return id;
    }
}
