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

    public Uni<List<ExecutionRecord>> latest(String owner, String sessionId, int limit) {
        var query = sessionId == null
                ? find("owner = ?1", Sort.descending("createdAt"), owner)
                : find("owner = ?1 and sessionId = ?2", Sort.descending("createdAt"), owner, sessionId);
        return query.page(Page.ofSize(limit)).list();
    }
}
