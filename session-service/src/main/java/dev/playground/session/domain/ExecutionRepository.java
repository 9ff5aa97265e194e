package dev.playground.session.domain;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<ExecutionRecord, String> {

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
