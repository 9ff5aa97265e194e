--liquibase formatted sql

--changeset session-service:004-previews-by-exec
-- A preview reaches a port on the session's own loopback (through terminal-service, by an exec in the container), no
-- longer a container address on a shared network: a session's ports are just the numbers it declared.
UPDATE session SET ports = COALESCE(
    (SELECT json_agg((p ->> 'port')::int)::text FROM json_array_elements(ports::json) p), '[]');
-- When a package install began in this session; one at a time per session, whichever instance serves it.
ALTER TABLE session ADD COLUMN install_started_at TIMESTAMPTZ;
-- The sandbox host (Docker engine) the session's container and workspace live on.
ALTER TABLE session ADD COLUMN host VARCHAR(128) NOT NULL DEFAULT 'local';
--rollback ALTER TABLE session DROP COLUMN install_started_at; ALTER TABLE session DROP COLUMN host;
