package dev.playground.session.domain;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ArtifactRepository implements PanacheRepositoryBase<ArtifactRecord, ArtifactRecord.Key> {

    public Uni<ArtifactRecord> findOwned(String executionId, String name, String owner) {
        return find("executionId = ?1 and name = ?2 and owner = ?3", executionId, name, owner).firstResult();
    }
}
