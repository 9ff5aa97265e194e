package dev.playground.executor.service;

import dev.playground.contract.execution.StdinMessage;
import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.events.ExecutionEventPublisher;
import dev.playground.executor.sandbox.SandboxRunner;
import dev.playground.executor.session.SessionClient;
import dev.playground.executor.session.SessionInfo;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Admits, runs and remembers executions. At most {@code max-parallel} sandboxes run at once; up to
 * {@code queue-capacity} more wait; past that a request is refused with 503 and Retry-After, so load never turns
 * into an unbounded pile of containers. Finished executions stay answerable until {@code recent-capacity} newer
 * ones push them out.
 */
@ApplicationScoped
public class ExecutionService {

    private static final Logger LOG = Logger.getLogger(ExecutionService.class);

    private final ExecutorConfig config;
    private final ExecutionPlanner planner;
    private final SandboxRunner sandboxes;
    private final SessionClient sessions;
    private final ExecutionEventPublisher events;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final ArrayDeque<String> finished = new ArrayDeque<>();

    ExecutionService(ExecutorConfig config, ExecutionPlanner planner, SandboxRunner sandboxes, SessionClient sessions,
            ExecutionEventPublisher events) {
        this.config = config;
        this.planner = planner;
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.events = events;
        this.workers = Executors.newFixedThreadPool(config.maxParallel(), Thread.ofPlatform().name("sandbox-", 0).factory());
    }

    /** Validates, admits and queues a run; the returned execution completes when its sandbox is done. */
    public Execution submit(String owner, ExecutionRequest request) {
        ExecutionPlan plan = planner.plan(request);
        SessionInfo session = plan.sessionId() == null ? null : sessions.runningSession(plan.sessionId(), owner);
        if (admitted.incrementAndGet() > config.maxParallel() + config.queueCapacity()) {
            admitted.decrementAndGet();
            throw new ProblemException(503, "executor-busy", "Executor busy",
                    "All " + config.maxParallel() + " sandboxes are busy and " + config.queueCapacity()
                            + " runs are waiting; retry after " + config.retryAfterSeconds() + " s.",
                    config.retryAfterSeconds());
        }
        Execution execution = new Execution(UUID.randomUUID().toString(), owner, plan, events);
        executions.put(execution.id(), execution);
        execution.queued();
        try {
            workers.execute(() -> run(execution, session));
        } catch (RuntimeException e) {
            admitted.decrementAndGet();
            execution.complete(false, false, "the executor is shutting down");
            remember(execution);
        }
        return execution;
    }

    private void run(Execution execution, SessionInfo session) {
        MDC.put("executionId", execution.id());
        try {
            if (execution.control().cancelled()) {
                execution.complete(false, false, null);
                return;
            }
            java.util.function.Consumer<SandboxRunner.Outcome> done = outcome -> {
                var result = execution.complete(outcome.supervisorReported(), outcome.oomKilled(), outcome.error());
                LOG.infof("execution %s (%s) completed: %s", execution.id(), execution.plan().runtime().language(),
                        result.verdict());
            };
            if (session == null) {
                sandboxes.runFresh(execution.id(), execution.owner(), execution.plan(), execution.control(), execution, done);
            } else {
                done.accept(sandboxes.runInSession(execution.id(), execution.plan(),
                        new SandboxRunner.SessionTarget(session.containerId(), session.workdir()), execution.control(),
                        execution));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "execution %s failed", execution.id());
            if (!execution.isDone()) {
                execution.complete(false, false, "the executor failed: " + e.getMessage());
            }
        } finally {
            admitted.decrementAndGet();
            remember(execution);
            MDC.remove("executionId");
        }
    }

    private void remember(Execution execution) {
        synchronized (finished) {
            finished.addLast(execution.id());
            while (finished.size() > config.recentCapacity()) {
                executions.remove(finished.removeFirst());
            }
        }
    }

    /** The principal's execution, or 404 (also for another principal's id: ids do not leak). */
    public Execution get(String owner, String id) {
        Execution e = executions.get(id);
        if (e == null || !e.owner().equals(owner)) {
            throw ProblemException.notFound("Execution " + id + " is not known here (it may have finished long ago: "
                    + "session-service keeps the history).");
        }
        return e;
    }

    /** Stops a queued or running execution within a second: the supervisor kills the program, the engine backs it up. */
    public Execution cancel(String owner, String id) {
        Execution e = get(owner, id);
        if (e.isDone()) {
            throw new ProblemException(409, "already-completed", "Already completed",
                    "Execution " + id + " already completed with verdict " + e.snapshot().verdict() + ".");
        }
        e.control().cancel();
        LOG.infof("execution %s: cancel requested", id);
        if (e.plan().sessionId() == null) {
            timers.schedule(() -> {
                if (!e.isDone()) {
                    sandboxes.kill("playground-exec-" + id);
                }
            }, 800, TimeUnit.MILLISECONDS);
        }
        return e;
    }

    /** Interactive stdin from Kafka: kept only for executions this instance runs. */
    public void feedStdin(StdinMessage msg) {
        Execution e = executions.get(msg.executionId());
        if (e == null || e.isDone() || !e.plan().interactive()) {
            return;
        }
        if (msg.data() != null && !msg.data().isEmpty()) {
            e.control().stdin(msg.data());
        }
        if (msg.isEof()) {
            e.control().eof();
        }
    }

    /** Ids of executions not yet finished: their sandboxes are not leftovers. */
    public Set<String> activeIds() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        executions.forEach((id, e) -> {
            if (!e.isDone()) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** True for an execution this process admitted and still remembers: it publishes that one's COMPLETED itself. */
    public boolean knows(String id) {
        return executions.containsKey(id);
    }

    @PreDestroy
    void shutdown() {
        executions.values().forEach(e -> e.control().cancel());
        workers.shutdown();
        timers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
