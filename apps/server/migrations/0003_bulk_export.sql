-- CareLoop schema 0003: Bulk Data exports ($export). One row per kick-off; the NDJSON files live under
-- CARELOOP_EXPORT_DIR/<id>/<run_id>/. Forward-only: never edit once merged.

CREATE TABLE bulk_export (
  id text PRIMARY KEY,
  -- accepted (queued) → in-progress → completed | failed; a cancelled export's row is deleted.
  status text NOT NULL CHECK (status IN ('accepted', 'in-progress', 'completed', 'failed')),
  -- the kick-off: URL, level (system, patient, group), group id, _type, _since
  request jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  -- the attempt that owns the export: a retry that starts while an expired attempt still runs takes it over, and
  -- the old attempt, finding its run_id replaced, stops and removes only its own folder
  run_id text,
  -- the manifest's transactionTime: resources changed after it are left to the next export
  transaction_time timestamptz,
  completed_at timestamptz,
  -- what the status endpoint shows in X-Progress while the export runs
  progress text,
  -- [{type, file, count}] once completed
  output jsonb,
  error text
);
