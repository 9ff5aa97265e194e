--liquibase formatted sql

--changeset session-service:006-execution-summary
-- The result without its output, for lists: a list of 100 runs read their whole results (up to tens of MB each)
-- and ran session-service out of memory. Filled for the rows that exist, in the database.
ALTER TABLE execution ADD COLUMN summary TEXT;
UPDATE execution
   SET summary = (result::jsonb #- '{run,stdout}' #- '{run,stderr}' #- '{compile,stdout}' #- '{compile,stderr}')::text
 WHERE result IS NOT NULL;
--rollback ALTER TABLE execution DROP COLUMN summary;
