package dev.playground.executor.service;

import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.execution.ExecutionControl;
import dev.playground.contract.execution.StdinMessage;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.contract.session.InternalSession;
import dev.playground.executor.client.SessionClient;
import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.events.ExecutionEventPublisher;
import dev.playground.executor.sandbox.SandboxRunner;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Admits, runs and remembers executions. {@code max-parallel} workers run sandboxes; runs wait in a {@link FairQueue}
 * that gives each principal its share (runs at once, runs waiting), so load never turns into an unbounded pile of
 * containers and one principal never starves the others. Finished executions stay answerable while they fit in
 * {@code recent-capacity} and {@code recent-bytes}: session-service's history is the durable record.
 */
@ApplicationScoped
public class ExecutionService {

    private static final Logger LOG = Logger.getLogger(ExecutionService.class);

    private final ExecutorConfig config;
    private final ExecutionPlanner planner;
    private final SandboxRunner sandboxes;
    private final SessionClient sessions;
    private final ExecutionEventPublisher events;
    private final FairQueue queue;
    private final OutputMemory outputMemory;
    private final Thread[] workers;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final ArrayDeque<Finished> finished = new ArrayDeque<>();
    private long finishedBytes;

    private record Finished(String id, long bytes) {
    }

    ExecutionService(ExecutorConfig config, ExecutionPlanner planner, SandboxRunner sandboxes, SessionClient sessions,
            ExecutionEventPublisher events) {
        this.config = config;
        this.planner = planner;
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.events = events;
        this.queue = new FairQueue(config.maxParallelPerPrincipal(), config.queuePerPrincipal(), config.queueCapacity(),
                config.retryAfterSeconds());
        this.outputMemory = new OutputMemory(config.outputMemory());
        this.workers = new Thread[config.maxParallel()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().name("sandbox-" + i).daemon().start(this::work);
        }
    }

    /** Validates, admits and queues a run; the returned execution completes when its sandbox is done. */
    public Execution submit(String owner, ExecutionRequest request) {
        ExecutionPlan plan = planner.plan(request);
        InternalSession session = plan.sessionId() == null ? null : sessions.runningSession(plan.sessionId(), owner);
        if (session == null) {
            sandboxes.pickHost(); // no host answers: a 503 now rather than a failed run later (the run picks again)
        }
        queue.reserve(owner);
        Execution execution;
        try {
            execution = new Execution(UUID.randomUUID().toString(), owner, plan, events);
            executions.put(execution.id(), execution);
            execution.queued();
        } catch (RuntimeException e) {
            queue.unreserve(owner);
            throw e;
        }
        queue.enqueue(owner, () -> run(execution, session));
        return execution;
    }

    private void work() {
        while (true) {
            FairQueue.Taken taken;
            try {
                taken = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (taken == null) {
                return;
            }
            try {
                taken.run().run();
            } finally {
                queue.done(taken.owner());
            }
        }
    }

    private void run(Execution execution, InternalSession session) {
        MDC.put("executionId", execution.id());
        int reserved = outputMemory.reservationKib(execution.plan().job().outputBytes());
        try {
            outputMemory.acquire(reserved);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            execution.control().cancel();
            reserved = 0;
        }
        try {
            if (execution.control().cancelled()) {
                execution.complete(false, null);
                return;
            }
            if (session == null) {
                sandboxes.runFresh(sandboxes.pickHost(), execution.id(), execution.owner(),
                        execution.plan().runtime().language(), execution.plan().runtime().version(),
                        execution.plan().job(), execution.control(), execution, outcome -> complete(execution, outcome));
            } else {
                complete(execution, sandboxes.runInSession(execution.id(), execution.plan().job(),
                        new SandboxRunner.SessionTarget(session.host(), session.containerId(), session.workdir()),
                        execution.control(),
                        execution));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "execution %s failed", execution.id());
            if (!execution.isDone()) {
                execution.complete(false, "the executor failed: " + e.getMessage());
            }
        } finally {
            outputMemory.release(reserved);
            remember(execution);
            MDC.remove("executionId");
        }
    }

    private void complete(Execution execution, SandboxRunner.Outcome outcome) {
        var result = execution.complete(outcome.oomKilled(), outcome.supervisorReported() ? null : outcome.error());
        LOG.infof("execution %s (%s) completed: %s", execution.id(), execution.plan().runtime().language(),
                result.verdict());
    }

    /** Keeps a finished execution answerable until newer ones push it out by count or by the bytes of their output. */
    private void remember(Execution execution) {
        long bytes = size(execution.completion().getNow(null)) + execution.artifactBytes();
        synchronized (finished) {
            finished.addLast(new Finished(execution.id(), bytes));
            finishedBytes += bytes;
            while (finished.size() > config.recentCapacity()
                    || (finishedBytes > config.recentBytes() && finished.size() > 1)) {
                Finished old = finished.removeFirst();
                finishedBytes -= old.bytes();
                executions.remove(old.id());
            }
        }
    }

    /** The bytes of an artifact of the principal's execution, or 404. */
    public byte[] artifact(String owner, String id, String name) {
        byte[] bytes = get(owner, id).artifact(name);
        if (bytes == null) {
            throw ApiProblem.notFound("Execution " + id + " has no artifact '" + name + "' here (session-service keeps"
                    + " the history's).");
        }
        return bytes;
    }

    private static long size(ExecutionResult r) {
        if (r == null) {
            return 0;
        }
        long chars = 0;
        for (var step : new dev.playground.contract.execution.StepResult[] {r.compile(), r.run()}) {
            if (step != null) {
                chars += (step.stdout() == null ? 0 : step.stdout().length())
                        + (step.stderr() == null ? 0 : step.stderr().length());
            }
        }
        return 2 * chars + 512;
    }

    /** The principal's execution, or 404 (also for another principal's id: ids do not leak). */
    public Execution get(String owner, String id) {
        Execution e = executions.get(id);
        if (e == null || !e.owner().equals(owner)) {
            throw ApiProblem.notFound("Execution " + id + " is not known here (it may have finished long ago: "
                    + "session-service keeps the history).");
        }
        return e;
    }

    /**
     * Stops a queued or running execution within a second: the supervisor kills the program, the engine backs it up.
     * An execution this instance does not run may run on another: the cancel goes there over the control topic, and
     * the answer is empty (the caller follows the stream or the history for the CANCELLED verdict).
     */
    public Optional<Execution> cancel(String owner, String id) {
        Execution e = executions.get(id);
        if (e == null) {
            events.publishControl(new ExecutionControl(id, owner, ExecutionControl.Type.CANCEL, Instant.now()));
            LOG.infof("execution %s: not run here, cancel sent on the control topic", id);
            return Optional.empty();
        }
        e = get(owner, id);
        if (e.isDone()) {
            throw ApiProblem.of(ProblemType.ALREADY_COMPLETED, "Execution " + id + " already completed with verdict "
                    + e.snapshot().verdict() + ".");
        }
        cancel(e);
        return Optional.of(e);
    }

    /** A cancel from the control topic: acted on only for an execution of {@code owner} that runs here. */
    public void cancelHere(String owner, String id) {
        Execution e = executions.get(id);
        if (e != null && !e.isDone() && e.owner().equals(owner)) {
            cancel(e);
        }
    }

    private void cancel(Execution e) {
        e.control().cancel();
        LOG.infof("execution %s: cancel requested", e.id());
        if (e.plan().sessionId() == null) {
            timers.schedule(() -> {
                if (!e.isDone() && e.host() != null) {
                    sandboxes.killSandboxOf(e.host(), e.id());
                }
            }, 800, TimeUnit.MILLISECONDS);
        }
    }

    /** Interactive stdin from Kafka: kept only for executions this instance runs. */
    public void feedStdin(StdinMessage msg) {
        Execution e = executions.get(msg.executionId());
        if (e == null || e.isDone() || !e.plan().job().interactive()) {
            return;
        }
        if (msg.data() != null && !msg.data().isEmpty()) {
            e.control().stdin(msg.data());
        }
        if (msg.isEof()) {
            e.control().eof();
        }
    }

    /** True when runs wait that a free sandbox slot would start (background work such as pool refills yields then). */
    public boolean runsWaiting() {
        return queue.hasStartableWaiting();
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
        for (Runnable waiting : queue.close()) {
            waiting.run(); // each completes at once as CANCELLED: its execution was cancelled just above
        }
        timers.shutdownNow();
        for (Thread worker : workers) {
            try {
                worker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
