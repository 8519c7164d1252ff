-- Migration 012: the warehouse's compactions. Commits no longer merge row groups as they write (each night's rows
-- stay in row groups of their own; docs/sizing.md says why): a compaction merges them, after the scheduler's weekly
-- digests and on `adoption compact`.
-- Produces: compactions, one row per compaction: when it began, what ran it, how long it took (NULL: it did not
-- finish), and the bytes of the file in use before and after.
CREATE TABLE compactions (
  started_at   TIMESTAMP NOT NULL,
  trigger      VARCHAR NOT NULL,
  seconds      DOUBLE,
  bytes_before BIGINT,
  bytes_after  BIGINT
);
