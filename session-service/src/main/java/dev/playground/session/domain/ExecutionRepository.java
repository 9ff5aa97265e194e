package dev.playground.session.domain;

import dev.playground.contract.execution.ExecutionStatus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<ExecutionRecord, String> {

    /** A status's place in an execution's life (the enum's order), in SQL. */
    private static final String RANK = Arrays.stream(ExecutionStatus.values())
            .map(s -> "WHEN '" + s.name() + "' THEN " + s.ordinal())
            .collect(Collectors.joining(" ", "CASE %s ", " END"));

    /**
     * One event into its execution's row, in one statement: inserted when new, else moved forward only (a later
     * status, or the same status with a higher seq); a COMPLETED event's result replaces language, verdict, result
     * and summary. The owner of a row never changes, and an event naming another owner changes nothing.
     */
    private static final String ADVANCE = """
            INSERT INTO execution AS e (id, owner, session_id, language, status, verdict, result, summary, last_seq,
                                        created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10::timestamptz, $11::timestamptz), $11::timestamptz)
            ON CONFLICT (id) DO UPDATE SET
                session_id = COALESCE(EXCLUDED.session_id, e.session_id),
                status = EXCLUDED.status,
                last_seq = EXCLUDED.last_seq,
                updated_at = EXCLUDED.updated_at,
                language = CASE WHEN EXCLUDED.result IS NULL THEN e.language ELSE EXCLUDED.language END,
                verdict = CASE WHEN EXCLUDED.result IS NULL THEN e.verdict ELSE EXCLUDED.verdict END,
                result = COALESCE(EXCLUDED.result, e.result),
                summary = COALESCE(EXCLUDED.summary, e.summary),
                created_at = COALESCE($10::timestamptz, e.created_at)
            WHERE e.owner = EXCLUDED.owner
              AND (%s < %s OR (e.status = EXCLUDED.status AND e.last_seq < EXCLUDED.last_seq))
            """.formatted(RANK.formatted("e.status"), RANK.formatted("EXCLUDED.status"));

    private final Pool pool;

    ExecutionRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records one event of an execution (see {@link #ADVANCE}) on a connection of its own, no transaction around it:
     * the history takes an event per statement. {@code row.createdAt} is the run's own start when the event carries
     * it (the COMPLETED result's), else null and the event's time is used for a new row. True when the row changed
     * (a stale or redelivered event changes nothing).
     */
    public Uni<Boolean> advance(ExecutionRecord row) {
        Tuple values = Tuple.tuple(Arrays.asList(row.id, row.owner, row.sessionId, row.language, row.status.name(),
                row.verdict == null ? null : row.verdict.name(), row.result, row.summary, row.lastSeq, utc(row.createdAt),
                utc(row.updatedAt)));
        return pool.preparedQuery(ADVANCE).execute(values).map(rows -> rows.rowCount() == 1);
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    public Uni<ExecutionRecord> findOwned(String id, String owner) {
        return find("id = ?1 and owner = ?2", id, owner).firstResult();
    }

    /** The length of the owner's execution's stored result; null when there is none (yet) or it is not theirs. */
    public Uni<Integer> resultLength(String id, String owner) {
        return getSession().flatMap(s -> s.createSelectionQuery(
                        "select length(result) from ExecutionRecord where id = :id and owner = :owner", Integer.class)
                .setParameter("id", id).setParameter("owner", owner).getSingleResultOrNull());
    }

    /** The owner's newest executions (of one session, or all), without their results' output. */
    public Uni<List<HistoryEntry>> latest(String owner, String sessionId, int limit) {
        var query = sessionId == null
                ? find("owner = ?1", Sort.descending("createdAt"), owner)
                : find("owner = ?1 and sessionId = ?2", Sort.descending("createdAt"), owner, sessionId);
        return query.project(HistoryEntry.class).page(Page.ofSize(limit)).list();
    }
}
