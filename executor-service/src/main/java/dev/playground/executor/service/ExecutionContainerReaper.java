package dev.playground.executor.service;

import dev.playground.executor.events.OrphanedExecutionCloser;
import dev.playground.executor.sandbox.SandboxRunner;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Removes this instance's execution sandboxes that no running execution owns: at start (everything labelled is a
 * leftover of a previous process, e.g. one killed mid-run) and periodically. Touches only containers labelled
 * with this instance and kind execution, or kind pool: a warm sandbox a run claimed (its name says which), or one an
 * earlier process warmed and never handed out. A leftover of an execution this process never ran is first closed on
 * the topic (COMPLETED, INTERNAL_ERROR) and removed only once Kafka acknowledged that, so the evidence that a
 * run needs closing is never lost while Kafka is down.
 */
@ApplicationScoped
public class ExecutionContainerReaper {

    private static final Logger LOG = Logger.getLogger(ExecutionContainerReaper.class);

    private final SandboxRunner sandboxes;
    private final ExecutionService executions;
    private final OrphanedExecutionCloser closer;

    ExecutionContainerReaper(SandboxRunner sandboxes, ExecutionService executions, OrphanedExecutionCloser closer) {
        this.sandboxes = sandboxes;
        this.executions = executions;
        this.closer = closer;
    }

    void onStart(@Observes StartupEvent event) {
        // Off the main thread: closing orphans waits on Kafka, and a slow broker must not delay serving.
        Thread.ofPlatform().name("reaper-start").daemon().start(this::reap);
    }

    @Scheduled(every = "${playground.executor.reaper-interval:60s}", delayed = "${playground.executor.reaper-interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodically() {
        reap();
    }

    /**
     * Closes and removes leftovers; returns how many were removed. Synchronized: two passes at once (start,
     * periodic, a caller) would read the same history and close one execution twice.
     */
    public synchronized int reap() {
        int removed = 0;
        for (String host : sandboxes.upHosts()) {
            removed += reap(host);
        }
        return removed;
    }

    private int reap(String host) {
        List<SandboxRunner.Sandbox> found;
        try {
            found = sandboxes.sandboxesToCheck(host);
        } catch (RuntimeException e) {
            LOG.warnf("reaper could not list sandboxes on host %s: %s", host, e.getMessage());
            return 0;
        }
        // Taken after the listing: a sandbox listed was created (or claimed) by an execution already registered
        // here, so a run admitted between the two steps is never mistaken for a leftover.
        Set<String> active = executions.activeIds();
        boolean kafkaAnswers = true;
        int removed = 0;
        for (SandboxRunner.Sandbox c : found) {
            String id = c.executionId();
            if (id != null && active.contains(id)) {
                continue;
            }
            MDC.put("executionId", id == null ? "-" : id);
            try {
                if (id != null && !executions.knows(id)) {
                    if (!kafkaAnswers) {
                        continue; // Kafka just failed for another orphan; this one waits for the next pass too
                    }
                    var closing = closer.close(new OrphanedExecutionCloser.Orphan(id, c.owner(), c.language(),
                            c.version(), c.created()));
                    if (closing == OrphanedExecutionCloser.Closing.RETRY) {
                        kafkaAnswers = false;
                        continue;
                    }
                }
                if (id == null) {
                    LOG.infof("reaping warm sandbox %s, which an earlier process left", c.containerId());
                } else {
                    LOG.infof("reaping leftover sandbox %s of execution %s", c.containerId(), id);
                }
                sandboxes.remove(host, c.containerId());
                removed++;
            } catch (RuntimeException e) {
                LOG.warnf("reaper could not handle sandbox %s of execution %s: %s", c.containerId(), id, e.getMessage());
            } finally {
                MDC.remove("executionId");
            }
        }
        return removed;
    }
}
