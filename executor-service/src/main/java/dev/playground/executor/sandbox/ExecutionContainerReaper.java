package dev.playground.executor.sandbox;

import com.github.dockerjava.api.model.Container;
import dev.playground.contract.ContainerLabels;
import dev.playground.executor.service.ExecutionService;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Removes this instance's execution sandboxes that no running execution owns: at start (everything labelled is a
 * leftover of a previous process, e.g. one killed mid-run) and periodically. Touches only containers labelled
 * with this instance and kind execution.
 */
@ApplicationScoped
public class ExecutionContainerReaper {

    private static final Logger LOG = Logger.getLogger(ExecutionContainerReaper.class);

    private final SandboxRunner sandboxes;
    private final ExecutionService executions;

    ExecutionContainerReaper(SandboxRunner sandboxes, ExecutionService executions) {
        this.sandboxes = sandboxes;
        this.executions = executions;
    }

    void onStart(@Observes StartupEvent event) {
        reap();
    }

    @Scheduled(every = "${playground.executor.reaper-interval:60s}", delayed = "${playground.executor.reaper-interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodically() {
        reap();
    }

    /** Removes leftovers; returns how many. */
    public int reap() {
        Set<String> active = executions.activeIds();
        int removed = 0;
        try {
            for (Container c : sandboxes.ownContainers()) {
                String id = c.getLabels().get(ContainerLabels.ID);
                if (!active.contains(id)) {
                    LOG.infof("reaping leftover sandbox %s of execution %s", c.getId(), id);
                    sandboxes.remove(c.getId());
                    removed++;
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("reaper could not list sandboxes: %s", e.getMessage());
        }
        return removed;
    }
}
