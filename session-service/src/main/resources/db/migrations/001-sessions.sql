--liquibase formatted sql

--changeset session-service:001-sessions
CREATE TABLE session (
    id                   VARCHAR(64)  PRIMARY KEY,
    owner                VARCHAR(255) NOT NULL,
    template             VARCHAR(32)  NOT NULL,
    image                VARCHAR(255) NOT NULL,
    container_id         VARCHAR(128),
    volume_name          VARCHAR(255) NOT NULL,
    state                VARCHAR(16)  NOT NULL,
    -- [{port, host, targetPort}]: the container's address on the preview network, refreshed at each start
    ports                TEXT         NOT NULL DEFAULT '[]',
    memory_mb            INTEGER      NOT NULL,
    cpus                 DOUBLE PRECISION NOT NULL,
    pids                 INTEGER      NOT NULL,
    disk_mb              INTEGER      NOT NULL,
    idle_timeout_seconds INTEGER      NOT NULL,
    created_at           TIMESTAMPTZ  NOT NULL,
    last_active_at       TIMESTAMPTZ  NOT NULL,
    stopped_at           TIMESTAMPTZ,
    version              BIGINT       NOT NULL DEFAULT 0
);
CREATE INDEX session_owner_state ON session (owner, state);
CREATE INDEX session_state_last_active ON session (state, last_active_at);
--rollback DROP TABLE session;
