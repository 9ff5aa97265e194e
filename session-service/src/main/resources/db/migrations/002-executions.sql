--liquibase formatted sql

--changeset session-service:002-executions
CREATE TABLE execution (
    id          VARCHAR(64)  PRIMARY KEY,
    owner       VARCHAR(255) NOT NULL,
    session_id  VARCHAR(64),
    language    VARCHAR(64),
    status      VARCHAR(16)  NOT NULL,
    verdict     VARCHAR(32),
    -- the whole result of the COMPLETED event, as the executor sent it
    result      TEXT,
    last_seq    BIGINT       NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX execution_owner_created ON execution (owner, created_at DESC);
CREATE INDEX execution_owner_session_created ON execution (owner, session_id, created_at DESC);
--rollback DROP TABLE execution;
