package dev.playground.session.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.ExecutionArtifact;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.domain.ArtifactRecord;
import dev.playground.session.domain.ArtifactRepository;
import dev.playground.session.domain.ExecutionRecord;
import dev.playground.session.domain.ExecutionRepository;
import dev.playground.session.domain.HistoryEntry;
import dev.playground.session.domain.SessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The durable execution history, filled from {@code playground.execution.events}: status moves forward only
 * (a redelivered old event changes nothing), and COMPLETED stores the whole result. An event naming a session
 * counts as activity of that session.
 */
@ApplicationScoped
public class ExecutionHistory {
    private static final Logger LOG = Logger.getLogger(ExecutionHistory.class);

    private final ExecutionRepository executions;
    private final ArtifactRepository artifacts;
    private final SessionRepository sessions;
    private final ObjectMapper json;

    /** Heap of results being read whole now ({@code shares.result-read-bytes}). */
    private final ReadBudget reading;

    ExecutionHistory(ExecutionRepository executions, ArtifactRepository artifacts, SessionRepository sessions,
                     ObjectMapper json, SessionConfig config) {
        this.executions = executions;
        this.artifacts = artifacts;
        this.sessions = sessions;
        this.json = json;
        this.reading = new ReadBudget(config.shares().resultReadBytes());
    }

    @Incoming("execution-events")
    @Retry(maxRetries = 20, delay = 1000, jitter = 200)
    public Uni<Void> record(ExecutionEvent event) {
        if (event == null || event.executionId() == null || event.owner() == null) {
            return Uni.createFrom().voidItem(); // unreadable: nothing to record
        }
        ExecutionStatus status = switch (event.type()) {
            case QUEUED -> ExecutionStatus.QUEUED;
            case STARTED -> ExecutionStatus.RUNNING;
            case COMPLETED -> ExecutionStatus.COMPLETED;
            default -> null; // output events are the stream's business, not the history's
        };
        if (status == null) {
            return Uni.createFrom().voidItem();
        }
        ExecutionRecord row = new ExecutionRecord();
        row.id = event.executionId();
        row.owner = event.owner();
        row.sessionId = event.sessionId();
        row.status = status;
        row.lastSeq = event.seq();
        row.updatedAt = event.at() == null ? Instant.now() : event.at();
        if (event.type() == ExecutionEventType.COMPLETED && event.result() != null) {
            row.language = event.result().language();
            row.verdict = event.result().verdict();
            row.createdAt = event.result().createdAt();
            row.result = write(event.result());
            row.summary = write(event.result().summary());
        }
        return executions.advance(row).flatMap(changed -> {
            LOG.debugf("execution %s: %s %s", row.id, status, changed ? "recorded" : "already recorded");
            return changed && event.sessionId() != null
                    ? Panache.withTransaction(() -> sessions.touch(event.sessionId(), Instant.now())).replaceWithVoid()
                    : Uni.createFrom().voidItem();
        });
    }

    /** Keeps a file a run wrote (a redelivered one replaces itself). */
    @Incoming("execution-artifacts")
    @Retry(maxRetries = 20, delay = 1000, jitter = 200)
    public Uni<Void> keep(ExecutionArtifact artifact) {
        if (artifact == null || artifact.executionId() == null || artifact.owner() == null || artifact.name() == null) {
            return Uni.createFrom().voidItem();
        }
        byte[] data = java.util.Base64.getDecoder().decode(artifact.dataBase64() == null ? "" : artifact.dataBase64());
        return Panache.withTransaction(() -> artifacts.findById(new ArtifactRecord.Key(artifact.executionId(),
                artifact.name())).flatMap(found -> {
                    ArtifactRecord r = found != null ? found : new ArtifactRecord();
                    r.executionId = artifact.executionId();
                    r.name = artifact.name();
                    r.owner = artifact.owner();
                    r.contentType = artifact.contentType() == null ? "application/octet-stream" : artifact.contentType();
                    r.data = data;
                    r.size = data.length;
                    r.createdAt = Instant.now();
                    return artifacts.persist(r).replaceWithVoid();
                }));
    }

    /** One of the principal's artifacts, or null when the history does not hold it (yet). */
    public Uni<ArtifactRecord> artifact(String executionId, String name, String owner) {
        return Panache.withSession(() -> artifacts.findOwned(executionId, name, owner));
    }

    /**
     * The principal's execution as the history holds it, whole; null when it does not hold it (yet). A result of an
     * 8 MB output limit is tens of MB of JSON, and reading one takes about three times that of heap: reads at once
     * share {@code shares.result-read-bytes}, past which the caller is told to retry (503), rather than the service
     * running out of memory for everyone.
     */
    public Uni<ExecutionResult> read(String id, String owner) {
        return Panache.withSession(() -> executions.resultLength(id, owner).flatMap(length -> {
            long cost = 3L * (length == null ? 0 : length);
            if (!reading.tryReserve(cost)) {
                return Uni.createFrom().failure(ApiProblem.of(ProblemType.BUSY, "Execution " + id + " has a large "
                        + "result and others are being read right now; retry in a moment.").retryAfter(1));
            }
            return executions.findOwned(id, owner).map(r -> r == null ? null : view(r))
                    .eventually(() -> reading.release(cost));
        }));
    }

    /** The principal's newest executions as a list shows them: results without their output. */
    public Uni<List<ExecutionResult>> latest(String owner, String sessionId, int limit) {
        return Panache.withSession(() -> executions.latest(owner, sessionId, limit))
                .map(entries -> entries.stream().map(this::summary).toList());
    }

    private ExecutionResult summary(HistoryEntry e) {
        if (e.summary() != null) {
            try {
                ExecutionResult stored = json.readValue(e.summary(), ExecutionResult.class);
                return new ExecutionResult(e.id(), e.sessionId(), stored.language(), stored.version(), e.status(),
                        stored.verdict(), stored.message(), stored.compile(), stored.run(), stored.artifacts(),
                        stored.createdAt(), stored.finishedAt());
            } catch (JsonProcessingException ex) {
                LOG.warnf("execution %s: stored summary unreadable", e.id());
            }
        }
        return new ExecutionResult(e.id(), e.sessionId(), e.language(), null, e.status(), e.verdict(), null, null,
                null, null, e.createdAt(), null);
    }

    /** What a caller sees: the whole result once COMPLETED, else what the events said so far. */
    private ExecutionResult view(ExecutionRecord r) {
        if (r.result != null) {
            try {
                ExecutionResult stored = json.readValue(r.result, ExecutionResult.class);
                return new ExecutionResult(r.id, r.sessionId, stored.language(), stored.version(), r.status,
                        stored.verdict(), stored.message(), stored.compile(), stored.run(), stored.artifacts(),
                        stored.createdAt(), stored.finishedAt());
            } catch (JsonProcessingException e) {
                LOG.warnf("execution %s: stored result unreadable", r.id);
            }
        }
        return new ExecutionResult(r.id, r.sessionId, r.language, null, r.status,
                r.verdict, null, null, null, null, r.createdAt, null);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
