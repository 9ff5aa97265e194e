package dev.playground.session.domain;

import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.Verdict;
import jakarta.persistence.Column;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One execution as the history knows it from {@code playground.execution.events}. */
@Entity
@Table(name = "execution")
public class ExecutionRecord {
    @Id
    public String id;
    public String owner;
    @Column(name = "session_id")
    public String sessionId;
    public String language;
    @Enumerated(EnumType.STRING)
    public ExecutionStatus status;
    /** Stored by name (the column holds the enum's name, as it always has), null until the run completes. */
    @Enumerated(EnumType.STRING)
    public Verdict verdict;
    /** The COMPLETED event's result, as JSON. */
    public String result;
    /** That result without its output (JSON), what lists show (see {@link HistoryEntry}). */
    public String summary;
    @Column(name = "last_seq")
    public long lastSeq;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
