-- Up Migration

-- Daily reconciliations with Oceanpayment (src/reconciliation): one row per run, its outcome per
-- terminal as the API shows it (`terminals`, json). A run is for one day of one zone.
CREATE TABLE reconciliation_runs (
  id           text PRIMARY KEY,
  date         date NOT NULL,
  time_zone    text NOT NULL,
  status       text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  partial      boolean NOT NULL,
  -- Why a run failed (a page that did not answer, parse or verify; the ledger that ran it stopped).
  error        text,
  -- 'schedule', or the operator who asked (the audit log takes it from here).
  requested_by text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  -- Renewed while a run works: a run whose ledger died stops blocking its day once this is old.
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  terminals    json NOT NULL DEFAULT '[]'
);

-- One running run per day and zone, whatever the number of ledgers: a second one is a 409.
CREATE UNIQUE INDEX reconciliation_runs_running ON reconciliation_runs (date, time_zone) WHERE status = 'running';
-- The daily schedule starts one run per day and zone across every ledger replica.
CREATE UNIQUE INDEX reconciliation_runs_scheduled ON reconciliation_runs (date, time_zone) WHERE requested_by = 'schedule';
CREATE INDEX reconciliation_runs_date ON reconciliation_runs (date, started_at);
-- The metrics' latest completed run of a whole day.
CREATE INDEX reconciliation_runs_completed ON reconciliation_runs (completed_at) WHERE status = 'completed' AND NOT partial;

-- Down Migration
DROP TABLE reconciliation_runs;
