-- CareLoop schema 0004: the tamper-evident audit trail (issue #3). One FHIR AuditEvent per row, hash-chained:
-- hash = SHA-256(prev_hash || seq as 8 bytes big-endian || canonical JSON of event); the first prev_hash is 32 zero
-- bytes (src/platform/audit/canonical.ts). `careloop audit verify` recomputes the chain. Forward-only: never edit.

CREATE TABLE audit_event (
  -- assigned in chain order by appendAuditEvents, with no gaps: a gap is a deleted record
  seq bigint PRIMARY KEY,
  -- the columns below are copies of fields of `event` for search; verify checks they still match it
  recorded timestamptz NOT NULL,
  patient_ids text[] NOT NULL,
  agent text NOT NULL,
  action text NOT NULL,
  subtype text NOT NULL,
  outcome text NOT NULL,
  -- the full FHIR R4 AuditEvent, id = seq
  event jsonb NOT NULL,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);

CREATE INDEX audit_event_patient ON audit_event USING gin (patient_ids);
CREATE INDEX audit_event_agent ON audit_event (agent, recorded);
CREATE INDEX audit_event_recorded ON audit_event (recorded);

-- The chain's head (last seq and hash), updated in the same transaction as the rows it covers. A hash chain cannot
-- show that its last records were removed; the anchor can. Its row lock also serializes appends (one chain, one
-- writer at a time; held only until the appending transaction commits).
CREATE TABLE audit_anchor (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash bytea NOT NULL
);

INSERT INTO audit_anchor (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- Append-only, whoever connects: even the table owner cannot update, delete or truncate audit records (a superuser
-- can disable the trigger, which verify would then catch through the hashes).
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- The anchor only moves forward, and only onto a record that exists with that hash: rolling it back to hide a
-- truncated tail is refused.
CREATE FUNCTION audit_anchor_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' THEN
    RAISE EXCEPTION 'audit_anchor cannot be deleted or truncated' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.seq < OLD.seq OR NOT EXISTS (SELECT 1 FROM audit_event WHERE seq = NEW.seq AND hash = NEW.hash) THEN
    RAISE EXCEPTION 'audit_anchor moves only forward onto an existing record' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_anchor_guard BEFORE UPDATE OR DELETE ON audit_anchor
  FOR EACH ROW EXECUTE FUNCTION audit_anchor_forward_only();

CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
  FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_forward_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON audit_anchor FROM PUBLIC;

-- The application's privileges on the audit trail, as a NOLOGIN group role: insert and read audit records, move the
-- anchor (row lock + update); never update, delete or truncate audit_event. Production runs migrations as the schema
-- owner and the server as a separate login role that is a member of this group:
--   CREATE ROLE careloop_server LOGIN PASSWORD '…';
--   GRANT careloop_app TO careloop_server;
-- (plus that role's privileges on the other tables). Roles are cluster-wide, so the role is created only if missing,
-- and only when the migrating user may create roles; otherwise a NOTICE says what the DBA must run.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careloop_app') THEN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
      BEGIN
        CREATE ROLE careloop_app NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    ELSE
      RAISE NOTICE 'careloop_app role not created (no CREATEROLE): create it and grant INSERT, SELECT ON audit_event and SELECT, UPDATE ON audit_anchor';
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careloop_app') THEN
    GRANT INSERT, SELECT ON audit_event TO careloop_app;
    GRANT SELECT, UPDATE ON audit_anchor TO careloop_app;
  END IF;
END
$$;
