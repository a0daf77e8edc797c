-- Two search-index tables shaped for the hottest questions, kept by triggers on `resource` so that every writer
-- (API, import, seed, jobs) keeps them exact in its own transaction, and filled here from what is already stored.
--
-- care_relationship: which patients a practitioner reaches through active care relationships (issue #3's access
-- rule): active CareTeams they are a member of, encounters in progress and open appointments they take part in.
-- Every request of a clinician or coordinator asks it once; reading it is one index-only scan.
--
-- task_queue: the open worklist Tasks (issue #4), one row each with what the queue filters and orders on, so a
-- coordinator's queue is read from one index instead of probing every Task of the owner in the generic index.
--
-- patient_risk: final risk assessments with a probability, by subject, newest first: the worklist ranks a patient's
-- tasks by their latest one.

-- A FHIR dateTime with a time and an offset as an instant; anything less precise (a date, a month) is no instant.
CREATE FUNCTION careloop_instant(value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF value IS NULL OR value !~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$' THEN
    RETURN NULL;
  END IF;
  RETURN value::timestamptz;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

-- The first instant a FHIR date or dateTime covers (a date from its midnight UTC, a month from its first day, a year
-- from 1 January), so partial dates still sort; null when it is none of those.
CREATE FUNCTION careloop_date_start(value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF value ~ '^\d{4}$' THEN
    RETURN (value || '-01-01T00:00:00Z')::timestamptz;
  ELSIF value ~ '^\d{4}-\d{2}$' THEN
    RETURN (value || '-01T00:00:00Z')::timestamptz;
  ELSIF value ~ '^\d{4}-\d{2}-\d{2}$' THEN
    RETURN (value || 'T00:00:00Z')::timestamptz;
  END IF;
  RETURN careloop_instant(value);
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

-- The practitioner references of a resource's participants while the relationship is active (statuses as in issue
-- #3: an active CareTeam; an encounter arrived, triaged, in progress or on leave; an appointment not yet fulfilled,
-- cancelled or missed).
CREATE FUNCTION careloop_relationship_refs(resource_type text, content jsonb) RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
  SELECT ref #>> '{}' FROM jsonb_path_query(content, CASE resource_type
      WHEN 'CareTeam' THEN '$.participant[*].member.reference'
      WHEN 'Encounter' THEN '$.participant[*].individual.reference'
      ELSE '$.participant[*].actor.reference' END::jsonpath) AS ref
  WHERE CASE resource_type
      WHEN 'CareTeam' THEN content->>'status' = 'active'
      WHEN 'Encounter' THEN content->>'status' IN ('arrived', 'triaged', 'in-progress', 'onleave')
      WHEN 'Appointment' THEN content->>'status' IN ('proposed', 'pending', 'booked', 'arrived', 'checked-in', 'waitlist')
      ELSE false END
$$;

CREATE TABLE care_relationship (
  rid bigint NOT NULL,
  practitioner text NOT NULL,
  patient text NOT NULL
);
CREATE INDEX care_relationship_practitioner ON care_relationship (practitioner, patient);
CREATE INDEX care_relationship_rid ON care_relationship (rid);

CREATE FUNCTION careloop_care_relationship_rows(rid bigint, resource_type text, content jsonb, patients text[])
RETURNS TABLE (rid bigint, practitioner text, patient text)
LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT rid, substring(ref FROM '^Practitioner/([A-Za-z0-9.-]{1,64})$'), p
  FROM careloop_relationship_refs(resource_type, content) AS ref, unnest(patients) AS p
  WHERE ref ~ '^Practitioner/[A-Za-z0-9.-]{1,64}$'
$$;

CREATE FUNCTION careloop_care_relationship() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM care_relationship WHERE rid = OLD.rid;
  END IF;
  IF NOT NEW.deleted AND NEW.content IS NOT NULL THEN
    INSERT INTO care_relationship (rid, practitioner, patient)
    SELECT * FROM careloop_care_relationship_rows(NEW.rid, NEW.resource_type, NEW.content, NEW.patients);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER resource_care_relationship AFTER INSERT OR UPDATE ON resource
FOR EACH ROW WHEN (NEW.resource_type IN ('CareTeam', 'Encounter', 'Appointment'))
EXECUTE FUNCTION careloop_care_relationship();

INSERT INTO care_relationship (rid, practitioner, patient)
SELECT x.* FROM resource r, careloop_care_relationship_rows(r.rid, r.resource_type, r.content, r.patients) x
WHERE r.resource_type IN ('CareTeam', 'Encounter', 'Appointment') AND NOT r.deleted AND r.content IS NOT NULL;

-- Open worklist Tasks: a CareLoop task type (Task.code) and a status of work still to do.
CREATE TABLE task_queue (
  rid bigint PRIMARY KEY,
  id text NOT NULL,
  -- Task.owner and Task.for references as written (relative: Practitioner/…, Patient/…)
  owner text,
  patient text,
  status text NOT NULL,
  -- Task.priority as written, and its order (routine 0 … stat 3, R4 request-priority); null when absent
  priority text,
  priority_rank smallint,
  task_type text NOT NULL,
  -- restriction.period.end, and the snoozed-until extension of an on-hold task, when they are instants
  due timestamptz,
  snoozed_until timestamptz,
  -- access: the Task's compartment patients and security label codes, as on the resource row
  patients text[] NOT NULL,
  labels text[] NOT NULL
);
CREATE INDEX task_queue_owner ON task_queue (owner, priority_rank DESC NULLS FIRST, due ASC NULLS LAST, rid);
-- Unassigned work by patient ('' when it has none): a coordinator's queue takes only that of the patients they reach.
CREATE INDEX task_queue_unassigned ON task_queue ((coalesce(patients[1], ''))) WHERE owner IS NULL;
-- All work by patient: a supervisor's whole view of the patients they reach.
CREATE INDEX task_queue_patient ON task_queue ((coalesce(patients[1], '')));

CREATE FUNCTION careloop_task_queue_row(rid bigint, id text, content jsonb, patients text[])
RETURNS SETOF task_queue
LANGUAGE sql IMMUTABLE AS $$
  SELECT rid, id, content->'owner'->>'reference', content->'for'->>'reference', content->>'status',
    content->>'priority',
    CASE content->>'priority' WHEN 'routine' THEN 0 WHEN 'urgent' THEN 1 WHEN 'asap' THEN 2 WHEN 'stat' THEN 3 END::smallint,
    kind,
    careloop_instant(content->'restriction'->'period'->>'end'),
    CASE WHEN content->>'status' = 'on-hold' THEN careloop_instant((
      SELECT e->>'valueDateTime' FROM jsonb_array_elements(coalesce(content->'extension', '[]')) e
      WHERE e->>'url' = 'https://careloop.dev/fhir/StructureDefinition/snoozed-until' LIMIT 1)) END,
    patients,
    ARRAY(SELECT s->>'code' FROM jsonb_array_elements(coalesce(content->'meta'->'security', '[]')) s WHERE s ? 'code')
  FROM (SELECT (SELECT c->>'code' FROM jsonb_array_elements(coalesce(content->'code'->'coding', '[]')) c
                WHERE c->>'system' = 'https://careloop.dev/fhir/CodeSystem/task-type' AND c ? 'code' LIMIT 1) AS kind) k
  WHERE kind IS NOT NULL
    AND content->>'status' IN ('requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold')
$$;

CREATE FUNCTION careloop_task_queue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM task_queue WHERE rid = OLD.rid;
  END IF;
  IF NOT NEW.deleted AND NEW.content IS NOT NULL THEN
    INSERT INTO task_queue SELECT * FROM careloop_task_queue_row(NEW.rid, NEW.id, NEW.content, NEW.patients);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER resource_task_queue AFTER INSERT OR UPDATE ON resource
FOR EACH ROW WHEN (NEW.resource_type = 'Task')
EXECUTE FUNCTION careloop_task_queue();

INSERT INTO task_queue
SELECT x.* FROM resource r, careloop_task_queue_row(r.rid, r.id, r.content, r.patients) x
WHERE r.resource_type = 'Task' AND NOT r.deleted AND r.content IS NOT NULL;

CREATE TABLE patient_risk (
  rid bigint PRIMARY KEY,
  id text NOT NULL,
  -- RiskAssessment.subject reference as written (Patient/…), when the assessment is final and gives a probability
  subject text NOT NULL,
  occurrence timestamptz,
  probability float8 NOT NULL,
  patients text[] NOT NULL,
  labels text[] NOT NULL
);
CREATE INDEX patient_risk_subject ON patient_risk (subject, occurrence DESC NULLS LAST, rid DESC);

CREATE FUNCTION careloop_patient_risk_row(rid bigint, id text, content jsonb, patients text[])
RETURNS SETOF patient_risk
LANGUAGE sql IMMUTABLE AS $$
  SELECT rid, id, content->'subject'->>'reference', careloop_date_start(content->>'occurrenceDateTime'), probability,
    patients,
    ARRAY(SELECT s->>'code' FROM jsonb_array_elements(coalesce(content->'meta'->'security', '[]')) s WHERE s ? 'code')
  FROM (SELECT (SELECT (p->>'probabilityDecimal')::float8 FROM jsonb_array_elements(coalesce(content->'prediction', '[]')) p
                WHERE jsonb_typeof(p->'probabilityDecimal') = 'number' LIMIT 1) AS probability) x
  WHERE probability IS NOT NULL AND content->'subject'->>'reference' IS NOT NULL
    AND content->>'status' IN ('final', 'amended', 'corrected')
$$;

CREATE FUNCTION careloop_patient_risk() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM patient_risk WHERE rid = OLD.rid;
  END IF;
  IF NOT NEW.deleted AND NEW.content IS NOT NULL THEN
    INSERT INTO patient_risk SELECT * FROM careloop_patient_risk_row(NEW.rid, NEW.id, NEW.content, NEW.patients);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER resource_patient_risk AFTER INSERT OR UPDATE ON resource
FOR EACH ROW WHEN (NEW.resource_type = 'RiskAssessment')
EXECUTE FUNCTION careloop_patient_risk();

INSERT INTO patient_risk
SELECT x.* FROM resource r, careloop_patient_risk_row(r.rid, r.id, r.content, r.patients) x
WHERE r.resource_type = 'RiskAssessment' AND NOT r.deleted AND r.content IS NOT NULL;
