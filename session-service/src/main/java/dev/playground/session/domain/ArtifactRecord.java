package dev.playground.session.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** A file a run wrote to its output folder, as the history keeps it. */
@Entity
@Table(name = "execution_artifact")
@IdClass(ArtifactRecord.Key.class)
public class ArtifactRecord {

    /** Primary key: the execution and the file's name. */
    public record Key(String executionId, String name) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "execution_id")
    public String executionId;
    @Id
    public String name;
    public String owner;
    @Column(name = "content_type")
    public String contentType;
    public long size;
    public byte[] data;
    @Column(name = "created_at")
    public Instant createdAt;
}
