package dev.playground.session.service;

import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.session.config.SessionConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The blocking work a principal asks of a session (commands, installs, archives, file transfers) runs on a bounded
 * pool, and each principal gets a share of it: past {@code shares.per-principal} operations at once the principal is
 * refused with 429 and Retry-After, while everyone else is served; past {@code shares.total} the service itself is
 * busy (503 with Retry-After). Work comes back on the caller's Vert.x context (Hibernate Reactive needs it).
 */
@ApplicationScoped
public class PrincipalShares {

    private final Map<String, Integer> inUse = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final SessionConfig.Shares config;
    private final WorkerExecutor workers;

    PrincipalShares(SessionConfig config, Vertx vertx) {
        this.config = config.shares();
        this.workers = vertx.createSharedWorkerExecutor("workspace-work", this.config.total(), 1, TimeUnit.HOURS);
    }

    /** Runs {@code work} on the pool within {@code owner}'s share, or refuses at once. */
    public <T> Uni<T> run(String owner, Supplier<T> work) {
        return Uni.createFrom().deferred(() -> {
            if (inUse.merge(owner, 1, Integer::sum) > config.perPrincipal()) {
                release(owner, false);
                return Uni.createFrom().failure(ApiProblem.of(ProblemType.SHARE_EXCEEDED, "You already have "
                        + config.perPrincipal() + " commands, installs or file transfers running; wait for one to "
                        + "finish.").retryAfter(1));
            }
            if (total.incrementAndGet() > config.total()) {
                release(owner, true);
                return Uni.createFrom().failure(ApiProblem.of(ProblemType.BUSY, "All " + config.total()
                        + " workers of this session service are busy; retry in a moment.").retryAfter(1));
            }
            return workers.executeBlocking(Uni.createFrom().item(work), false)
                    .eventually(() -> release(owner, true));
        });
    }

    /** Operations {@code owner} has running now. */
    public int inUse(String owner) {
        return inUse.getOrDefault(owner, 0);
    }

    private void release(String owner, boolean countedInTotal) {
        if (countedInTotal) {
            total.decrementAndGet();
        }
        inUse.computeIfPresent(owner, (o, n) -> n <= 1 ? null : n - 1);
    }

    @PreDestroy
    void close() {
        workers.closeAndAwait();
    }
}
