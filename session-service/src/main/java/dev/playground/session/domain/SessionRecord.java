package dev.playground.session.domain;

import dev.playground.contract.ContainerLabels;
import dev.playground.contract.session.SessionState;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;

/** A session as PostgreSQL keeps it; Docker is brought to agree with it, never the other way round. */
@Entity
@Table(name = "session")
public class SessionRecord {
    /**
     * The owner of a pooled session (made ahead of demand, service/SessionPool) until a new session takes it: the
     * owner label of what no principal owns yet; no principal may have this name (the gateway's key names start with a
     * letter or digit, and every service refuses it as a caller).
     */
    public static final String POOLED = ContainerLabels.NO_OWNER;

    @Id
    public String id;
    public String owner;
    public String template;
    public String image;
    /** The sandbox host (Docker engine) the container and the workspace volume live on. */
    public String host;
    @Column(name = "container_id")
    public String containerId;
    @Column(name = "volume_name")
    public String volumeName;
    @Enumerated(EnumType.STRING)
    public SessionState state;
    /** Preview ports the session declared. */
    @Convert(converter = PortsConverter.class)
    public List<Integer> ports;
    @Column(name = "memory_mb")
    public int memoryMb;
    public double cpus;
    public int pids;
    @Column(name = "disk_mb")
    public int diskMb;
    @Column(name = "idle_timeout_seconds")
    public int idleTimeoutSeconds;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "last_active_at")
    public Instant lastActiveAt;
    @Column(name = "stopped_at")
    public Instant stoppedAt;
    /** Why the service stopped the session itself (its workspace outgrew its disk limit); null otherwise. */
    @Column(name = "stop_reason")
    public String stopReason;
    /** When the package install running in this session began; null when none runs. */
    @Column(name = "install_started_at")
    public Instant installStartedAt;
    @Version
    public long version;
}
