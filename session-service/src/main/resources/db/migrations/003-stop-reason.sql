--liquibase formatted sql

--changeset session-service:003-stop-reason
-- Why the service itself stopped a session (for now only: its workspace outgrew its disk limit); null otherwise.
ALTER TABLE session ADD COLUMN stop_reason VARCHAR(512);
--rollback ALTER TABLE session DROP COLUMN stop_reason;
