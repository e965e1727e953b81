-- Up Migration

-- The audit log: every operator action (who, role, when, what, target, reason), drained from the
-- Redis audit stream by the ledger's audit drain. Append-only: nothing updates or deletes a row
-- (the drain inserts, and an entry written again changes nothing). (stream_ms, stream_seq) is the
-- stream id, the order entries were written in and the key `GET /v1/audit?after=` pages by.
CREATE TABLE audit (
  stream_ms   bigint NOT NULL,
  stream_seq  bigint NOT NULL,
  at          timestamptz NOT NULL,
  operator    text NOT NULL,
  role        text NOT NULL,
  action      text NOT NULL,
  target      text NOT NULL,
  reason      text,
  details     json,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_ms, stream_seq)
);

-- Down Migration

DROP TABLE audit;
