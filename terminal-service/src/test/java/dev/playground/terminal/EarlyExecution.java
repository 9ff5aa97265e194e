package dev.playground.terminal;

import dev.playground.contract.execution.ExecutionEventType;
import java.util.UUID;

/** An execution whose first events were published before terminal-service started. */
final class EarlyExecution {

    /** Config key under which the stand-in hands the id to the tests. */
    static final String ID_KEY = "test.early-execution-id";
    /** Config key of an execution that completed 20 minutes before the service started (past retain-completed). */
    static final String LONG_DONE_KEY = "test.long-done-execution-id";
    /** Config key of an execution that completed a minute before the service started (within retain-completed). */
    static final String JUST_DONE_KEY = "test.just-done-execution-id";

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

    /** A whole run, QUEUED to COMPLETED, whose records carry the time {@code ago} before now. */
    static String publishCompletedBeforeStart(String prefix, java.time.Duration ago) {
        String id = prefix + "-" + UUID.randomUUID();
        String owner = SessionServiceStandIn.OWNER;
        long at = System.currentTimeMillis() - ago.toMillis();
        try (TestEvents events = new TestEvents()) {
            events.publishAt(at,
                    TestEvents.event(id, owner, 1, ExecutionEventType.QUEUED, null),
                    TestEvents.event(id, owner, 2, ExecutionEventType.STARTED, null),
                    TestEvents.event(id, owner, 3, ExecutionEventType.STDOUT, "done " + ago + " ago\n"),
                    TestEvents.event(id, owner, 4, ExecutionEventType.EXITED, null),
                    TestEvents.completed(id, owner, 5, null));
        }
        return id;
    }
}
