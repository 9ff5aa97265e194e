package dev.playground.executor.service;

import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.runtime.RuntimeCatalog;
import dev.playground.executor.sandbox.SandboxRunner;
import dev.playground.executor.sandbox.WarmPool;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps the warm pools of every runtime image on every sandbox host that answers at their target: on a thread of its
 * own, one sandbox at a time, right after a run ended and every {@code refill-interval} otherwise, yielding
 * whenever runs wait for a slot; drains them when the executor stops.
 */
@ApplicationScoped
public class PoolKeeper {

    private static final Logger LOG = Logger.getLogger(PoolKeeper.class);

    private final WarmPool pool;
    private final SandboxRunner sandboxes;
    private final ExecutionService executions;
    private final RuntimeCatalog catalog;
    private final ExecutorConfig config;
    private Thread keeper;

    PoolKeeper(WarmPool pool, SandboxRunner sandboxes, ExecutionService executions, RuntimeCatalog catalog,
            ExecutorConfig config) {
        this.pool = pool;
        this.sandboxes = sandboxes;
        this.executions = executions;
        this.catalog = catalog;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.pool().enabled()) {
            keeper = Thread.ofPlatform().name("warm-pool").daemon().start(this::keep);
        }
    }

    private void keep() {
        List<String> images = catalog.all().stream().map(catalog::image).distinct().toList();
        while (!pool.stopped()) {
            try {
                for (String host : sandboxes.upHosts()) {
                    pool.maintain(host, images, executions::runsWaiting);
                }
                pool.awaitTake(config.pool().refillInterval());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("warm pool upkeep failed (next round in %s): %s", config.pool().refillInterval(), e.getMessage());
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        pool.drain();
        if (keeper != null) {
            keeper.interrupt();
        }
    }
}
