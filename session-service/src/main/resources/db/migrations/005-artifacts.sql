--liquibase formatted sql

--changeset session-service:005-artifacts
-- Files a run wrote to its output folder, kept with the history (from playground.execution.artifacts).
CREATE TABLE execution_artifact (
    execution_id  VARCHAR(64)  NOT NULL,
    name          VARCHAR(512) NOT NULL,
    owner         VARCHAR(255) NOT NULL,
    content_type  VARCHAR(128) NOT NULL,
    size          BIGINT       NOT NULL,
    data          BYTEA        NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (execution_id, name)
);
--rollback DROP TABLE execution_artifact;
