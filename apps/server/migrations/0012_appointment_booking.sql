-- The time each Appointment takes from the practitioners, locations and devices taking part (issue #5), kept by a
-- trigger on `resource` in the writing transaction, so the database itself refuses two bookings of one resource at
-- overlapping times: two concurrent requests for one slot can never both succeed, whoever writes them.
--
-- A row per (appointment, resource taking part, not declined, not information-only — the site a visit is at is
-- named information-only, so it is not booked as a whole): the busy period (the appointment widened by its buffers, extension busy-period,
-- else start–end), and for a hold (status pending) when it lapses. Appointments booked in another system and
-- mirrored here (meta.tag source|hl7v2) are busy time too, but that system decides about conflicts: they are not
-- exclusive. A lapsed hold's rows are removed by the booking that needs its time (store.releaseLapsedHolds) and the
-- hold itself is cancelled by a job.

CREATE TABLE appointment_booking (
  rid bigint NOT NULL,
  actor text NOT NULL,
  during tstzrange NOT NULL,
  hold_until timestamptz,
  exclusive boolean NOT NULL,
  CONSTRAINT appointment_booking_no_overlap EXCLUDE USING gist (actor WITH =, during WITH &&) WHERE (exclusive)
);
CREATE INDEX appointment_booking_rid ON appointment_booking (rid);
CREATE INDEX appointment_booking_actor ON appointment_booking USING gist (actor, during);

CREATE FUNCTION careloop_appointment_booking_rows(rid bigint, content jsonb)
RETURNS SETOF appointment_booking
LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT rid, p->'actor'->>'reference',
    tstzrange(
      coalesce(careloop_instant(busy->>'start'), careloop_instant(content->>'start')),
      coalesce(careloop_instant(busy->>'end'), careloop_instant(content->>'end')), '[)'),
    CASE WHEN content->>'status' = 'pending' THEN careloop_instant((
      SELECT e->>'valueInstant' FROM jsonb_array_elements(coalesce(content->'extension', '[]')) e
      WHERE e->>'url' = 'https://careloop.dev/fhir/StructureDefinition/hold-expires' LIMIT 1)) END,
    NOT coalesce(content->'meta'->'tag', '[]') @> '[{"system": "https://careloop.dev/fhir/CodeSystem/source", "code": "hl7v2"}]'
  FROM jsonb_array_elements(coalesce(content->'participant', '[]')) p,
    (SELECT (SELECT e->'valuePeriod' FROM jsonb_array_elements(coalesce(content->'extension', '[]')) e
             WHERE e->>'url' = 'https://careloop.dev/fhir/StructureDefinition/busy-period' LIMIT 1) AS busy) b
  WHERE content->>'status' IN ('pending', 'booked', 'arrived', 'checked-in')
    AND p->'actor'->>'reference' ~ '^(Practitioner|Location|Device)/[A-Za-z0-9.-]{1,64}$'
    AND coalesce(p->>'status', '') <> 'declined' AND coalesce(p->>'required', '') <> 'information-only'
    AND careloop_instant(content->>'start') IS NOT NULL AND careloop_instant(content->>'end') IS NOT NULL
    AND coalesce(careloop_instant(busy->>'start'), careloop_instant(content->>'start'))
      < coalesce(careloop_instant(busy->>'end'), careloop_instant(content->>'end'))
$$;

CREATE FUNCTION careloop_appointment_booking() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM appointment_booking WHERE rid = OLD.rid;
  END IF;
  IF NOT NEW.deleted AND NEW.content IS NOT NULL THEN
    INSERT INTO appointment_booking SELECT * FROM careloop_appointment_booking_rows(NEW.rid, NEW.content);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER resource_appointment_booking AFTER INSERT OR UPDATE ON resource
FOR EACH ROW WHEN (NEW.resource_type = 'Appointment')
EXECUTE FUNCTION careloop_appointment_booking();

-- Appointments stored before this migration are busy time, but none of them is refused now: they are not exclusive.
INSERT INTO appointment_booking
SELECT x.rid, x.actor, x.during, x.hold_until, false
FROM resource r, careloop_appointment_booking_rows(r.rid, r.content) x
WHERE r.resource_type = 'Appointment' AND NOT r.deleted AND r.content IS NOT NULL;
