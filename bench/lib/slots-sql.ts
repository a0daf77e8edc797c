import type { RunSql } from './search-sql.ts';
import { allBookings, VISIT, type World } from './slots-data.ts';

/**
 * The hand-written baseline of `bench:slots`: the slot finder an engineer would build for this one clinic network in
 * plain SQL, with no access control and no audit, on plain tables filled from the population's own definition (not
 * from CareLoop's tables):
 *
 * - `bench_slot_resource` — every practitioner, room and interpreter: kind, site, time zone, languages, networks;
 * - `bench_slot_site` — the sites and where they are; `bench_slot_patient` — language, home (ZIP centroid), payers;
 * - `bench_slot_hours` / `bench_slot_exception` / `bench_slot_timeoff` — weekly hours, dated exceptions, leave;
 * - `bench_slot_open` — those expanded to one range per resource per working day over the span (in SQL, with
 *   `AT TIME ZONE`), time off cut out; `bench_slot_busy` — every booking's busy period (with its buffer) per resource.
 *
 * The answer to one request, in one statement: for the practitioners allowed (network, distance), free time = open
 * hours minus bookings, as multiranges; the start times at which 30 minutes plus 10 fit in it; intersected with "some
 * room of the site" (the union of the rooms' start times), with "some interpreter" when the practitioner does not
 * speak the patient's language, with the patient's windows and the horizon; then the first points of the 15-minute
 * grid (epoch-aligned, as `$find`'s). Like `$find`, it looks two weeks ahead first and to the horizon only when that
 * found fewer than N.
 */
export async function createSlotsBaseline(run: RunSql, world: World): Promise<{ open: number; busy: number }> {
  const p = world.population;
  for (const t of ['resource', 'site', 'patient', 'hours', 'exception', 'timeoff', 'open', 'busy'])
    await run(`DROP TABLE IF EXISTS bench_slot_${t}`, []);
  await run(
    `CREATE TABLE bench_slot_resource (resource text PRIMARY KEY, kind text NOT NULL, site text, zone text NOT NULL,
       languages text[] NOT NULL, networks text[] NOT NULL)`,
    [],
  );
  await run(
    'CREATE TABLE bench_slot_site (site text PRIMARY KEY, zone text NOT NULL, lat float8 NOT NULL, lon float8 NOT NULL)',
    [],
  );
  await run(
    `CREATE TABLE bench_slot_patient (patient text PRIMARY KEY, language text, lat float8, lon float8,
       payers text[] NOT NULL)`,
    [],
  );
  await run('CREATE TABLE bench_slot_hours (resource text NOT NULL, isodow int NOT NULL, starts time, ends time)', []);
  await run(
    'CREATE TABLE bench_slot_exception (resource text NOT NULL, day date NOT NULL, starts time, ends time)',
    [],
  );
  await run('CREATE TABLE bench_slot_timeoff (resource text NOT NULL, during tstzrange NOT NULL)', []);
  await run('CREATE TABLE bench_slot_open (resource text NOT NULL, during tstzrange NOT NULL)', []);
  await run('CREATE TABLE bench_slot_busy (resource text NOT NULL, during tstzrange NOT NULL)', []);

  const insert = async (table: string, columns: string, rows: readonly object[]) => {
    for (let i = 0; i < rows.length; i += 5000)
      await run(`INSERT INTO ${table} SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${columns})`, [
        JSON.stringify(rows.slice(i, i + 5000)),
      ]);
  };
  const bookables = [...world.practitioners, ...world.rooms, ...world.interpreters];
  await insert(
    'bench_slot_resource',
    'resource text, kind text, site text, zone text, languages text[], networks text[]',
    bookables.map((b) => ({
      resource: b.actor,
      kind: b.kind,
      site: b.site ?? null,
      zone: b.zone,
      languages: b.languages,
      networks: b.networks,
    })),
  );
  await insert(
    'bench_slot_site',
    'site text, zone text, lat float8, lon float8',
    world.sites.map((s) => ({ site: s.id, zone: s.zone, lat: s.latitude, lon: s.longitude })),
  );
  await insert(
    'bench_slot_patient',
    'patient text, language text, lat float8, lon float8, payers text[]',
    world.patients.map((x) => ({
      patient: x.id,
      language: x.language ?? null,
      lat: x.latitude,
      lon: x.longitude,
      payers: x.payer ? [x.payer] : [],
    })),
  );
  await insert(
    'bench_slot_hours',
    'resource text, isodow int, starts time, ends time',
    bookables.flatMap((b) => b.rules.flatMap((r) => r.days.map((d) => ({ resource: b.actor, isodow: d, ...hm(r) })))),
  );
  await insert(
    'bench_slot_exception',
    'resource text, day date, starts time, ends time',
    bookables.flatMap((b) =>
      b.exceptions.flatMap((e): object[] =>
        e.hours.length
          ? e.hours.map((h) => ({ resource: b.actor, day: e.date, ...hm(h) }))
          : [{ resource: b.actor, day: e.date, starts: null, ends: null }],
      ),
    ),
  );
  await insert(
    'bench_slot_timeoff',
    'resource text, during tstzrange',
    bookables.flatMap((b) => b.timeOff.map((t) => ({ resource: b.actor, during: range(t.start, t.end) }))),
  );
  // The span's working days, each resource's hours (or that date's exception) in its zone, time off cut out.
  await run(
    `INSERT INTO bench_slot_open
     WITH days AS (SELECT d::date AS day FROM generate_series($1::date - 1, $1::date + $2::int, interval '1 day') d),
     hours AS (
       SELECT h.resource, tstzrange((dd.day + h.starts) AT TIME ZONE r.zone, (dd.day + h.ends) AT TIME ZONE r.zone) AS during
       FROM bench_slot_hours h JOIN bench_slot_resource r USING (resource)
       JOIN days dd ON extract(isodow FROM dd.day) = h.isodow
       WHERE NOT EXISTS (SELECT 1 FROM bench_slot_exception e WHERE e.resource = h.resource AND e.day = dd.day)
       UNION ALL
       SELECT e.resource, tstzrange((e.day + e.starts) AT TIME ZONE r.zone, (e.day + e.ends) AT TIME ZONE r.zone)
       FROM bench_slot_exception e JOIN bench_slot_resource r USING (resource) WHERE e.starts IS NOT NULL)
     SELECT h.resource, x
     FROM hours h, unnest(tstzmultirange(h.during) - coalesce(
       (SELECT range_agg(t.during) FROM bench_slot_timeoff t WHERE t.resource = h.resource AND t.during && h.during),
       '{}'::tstzmultirange)) x`,
    [p.firstDay, p.days],
  );
  let busy = 0;
  let rows: object[] = [];
  const flush = async () => {
    await insert('bench_slot_busy', 'resource text, during tstzrange', rows);
    busy += rows.length;
    rows = [];
  };
  for (const day of allBookings(world)) {
    for (const b of day)
      for (const who of [b.practitioner, b.room, ...(b.interpreter ? [b.interpreter] : [])])
        rows.push({ resource: who.actor, during: range(b.start, b.busyEnd) });
    if (rows.length >= 20_000) await flush();
  }
  await flush();
  await run('CREATE INDEX bench_slot_open_resource ON bench_slot_open USING gist (resource, during)', []);
  await run('CREATE INDEX bench_slot_busy_resource ON bench_slot_busy USING gist (resource, during)', []);
  // VACUUM too: fresh tables have no visibility map, and index-only scans would read every heap page.
  for (const t of ['resource', 'site', 'patient', 'open', 'busy']) await run(`VACUUM ANALYZE bench_slot_${t}`, []);
  const [open] = await run<{ n: string }>('SELECT count(*) AS n FROM bench_slot_open', []);
  return { open: Number(open?.n), busy };
}

const hm = (h: { start: string; end: string }) => ({ starts: h.start, ends: h.end });
const range = (start: number, end: number) => `[${new Date(start).toISOString()},${new Date(end).toISOString()})`;

const VISIT_BUFFER = `interval '${VISIT.minutes + VISIT.bufferAfter} minutes'`;
const VISIT_LENGTH = `interval '${VISIT.minutes} minutes'`;
const STEP_SECONDS = VISIT.step * 60;

/**
 * The statement; $1 patient id, $2 start, $3 end, $4 in-network only, $5 max km (or null), $6 weekday mornings only,
 * $7 N. `earliest` answers the N earliest (practitioner, start) pairs, by start then practitioner; `per-practitioner`
 * answers each allowed practitioner's earliest start (the check against `$find`).
 */
function slotsSql(answer: 'earliest' | 'per-practitioner'): string {
  const grid = `SELECT t FROM unnest(ok.starts) x,
      generate_series(to_timestamp(ceil(extract(epoch FROM lower(x)) / ${STEP_SECONDS}) * ${STEP_SECONDS}), upper(x), interval '${VISIT.step} minutes') t
    WHERE t <@ x ORDER BY t`;
  return `
  WITH pat AS (SELECT language, lat, lon, payers FROM bench_slot_patient WHERE patient = $1),
  win AS (SELECT tstzrange($2::timestamptz, $3::timestamptz, '[)') AS w),
  -- the practitioners allowed, and whether the patient needs an interpreter with them
  who AS (
    SELECT r.resource, r.site, r.zone, pat.language IS NOT NULL AND NOT pat.language = ANY (r.languages) AS needs_interpreter
    FROM bench_slot_resource r JOIN bench_slot_site s ON s.site = r.site CROSS JOIN pat
    WHERE r.kind = 'practitioner'
      AND (NOT $4::bool OR r.networks && pat.payers)
      AND ($5::float8 IS NULL OR 2 * 6371.0088 * asin(least(1, sqrt(
        sin(radians(s.lat - pat.lat) / 2) ^ 2 + cos(radians(pat.lat)) * cos(radians(s.lat)) * sin(radians(s.lon - pat.lon) / 2) ^ 2
      ))) <= $5::float8)),
  -- every resource whose free time matters: those practitioners, their sites' rooms, interpreters if needed
  needed AS (
    SELECT resource FROM who
    UNION ALL SELECT r.resource FROM bench_slot_resource r WHERE r.kind = 'room' AND r.site IN (SELECT site FROM who)
    UNION ALL SELECT r.resource FROM bench_slot_resource r, pat
      WHERE r.kind = 'interpreter' AND pat.language = ANY (r.languages) AND EXISTS (SELECT 1 FROM who WHERE needs_interpreter)),
  -- per resource, its open hours and its bookings in the window, then the start times at which the visit and its
  -- buffer fit in its free time (open hours minus bookings)
  open AS (
    SELECT o.resource, range_agg(o.during * win.w) AS open
    FROM bench_slot_open o JOIN needed n USING (resource), win WHERE o.during && win.w GROUP BY o.resource),
  busy AS (
    SELECT b.resource, range_agg(b.during) AS busy
    FROM bench_slot_busy b JOIN needed n USING (resource), win WHERE b.during && win.w GROUP BY b.resource),
  starts AS (
    SELECT o.resource, (
      SELECT range_agg(tstzrange(lower(f), upper(f) - ${VISIT_BUFFER}, '[]'))
      FROM unnest(o.open - coalesce(b.busy, '{}'::tstzmultirange)) f
      WHERE upper(f) - lower(f) >= ${VISIT_BUFFER}) AS starts
    FROM open o LEFT JOIN busy b USING (resource)),
  rooms AS (
    SELECT r.site, range_agg(x) AS starts
    FROM starts s JOIN bench_slot_resource r USING (resource), unnest(s.starts) x WHERE r.kind = 'room' GROUP BY r.site),
  interpreters AS (
    SELECT coalesce(range_agg(x), '{}'::tstzmultirange) AS starts
    FROM starts s JOIN bench_slot_resource r USING (resource), unnest(s.starts) x WHERE r.kind = 'interpreter'),
  -- weekday mornings, 08:00-12:00 at the site, as the starts of a visit inside them
  mornings AS (
    SELECT z.zone, range_agg(tstzrange((d::date + time '08:00') AT TIME ZONE z.zone,
                                       (d::date + time '12:00') AT TIME ZONE z.zone - ${VISIT_LENGTH}, '[]')) AS starts
    FROM (SELECT DISTINCT zone FROM who) z, win,
      generate_series((lower(win.w) AT TIME ZONE z.zone)::date - 1, (upper(win.w) AT TIME ZONE z.zone)::date, interval '1 day') d
    WHERE extract(isodow FROM d) < 6 GROUP BY z.zone),
  ok AS (
    SELECT w.resource,
      s.starts * rm.starts * tstzmultirange(tstzrange(lower(win.w), upper(win.w) - ${VISIT_LENGTH}, '[]'))
        * CASE WHEN w.needs_interpreter THEN (SELECT starts FROM interpreters) ELSE '{(,)}'::tstzmultirange END
        * CASE WHEN $6::bool THEN coalesce((SELECT m.starts FROM mornings m WHERE m.zone = w.zone), '{}'::tstzmultirange)
          ELSE '{(,)}'::tstzmultirange END AS starts
    FROM who w JOIN starts s USING (resource) JOIN rooms rm ON rm.site = w.site, win)
  ${
    answer === 'earliest'
      ? `SELECT ok.resource, g.t FROM ok CROSS JOIN LATERAL (${grid} LIMIT $7) g ORDER BY g.t, ok.resource LIMIT $7`
      : `SELECT resource, t FROM (SELECT ok.resource, (${grid} LIMIT 1) AS t FROM ok) e WHERE t IS NOT NULL AND $7::int > 0`
  }`;
}

const EARLIEST = slotsSql('earliest');
const PER_PRACTITIONER = slotsSql('per-practitioner');

export type BaselineQuery = Readonly<{
  patient: string;
  start: number;
  end: number;
  inNetwork: boolean;
  maxKm: number | undefined;
  mornings: boolean;
  count: number;
}>;

type Row = { resource: string; t: Date | string };
const DAY = 86_400_000;
const params = (q: BaselineQuery, end: number) => [
  q.patient,
  new Date(q.start).toISOString(),
  new Date(end).toISOString(),
  q.inNetwork,
  q.maxKm ?? null,
  q.mornings,
  q.count,
];
const asPairs = (rows: readonly Row[]) =>
  rows.map((r) => ({ practitioner: r.resource, start: new Date(r.t).getTime() }));

/** The N earliest free starts: two weeks first, then the whole horizon if that found fewer than N. */
export async function earliestSlots(run: RunSql, q: BaselineQuery): Promise<{ practitioner: string; start: number }[]> {
  const first = Math.min(q.end, q.start + 14 * DAY);
  const rows = await run<Row>(EARLIEST, params(q, first));
  if (rows.length >= q.count || first >= q.end) return asPairs(rows);
  return asPairs(await run<Row>(EARLIEST, params(q, q.end)));
}

/** Each allowed practitioner's earliest free start over the whole horizon: practitioner → epoch ms. */
export async function earliestPerPractitioner(run: RunSql, q: BaselineQuery): Promise<Map<string, number>> {
  const rows = await run<Row>(PER_PRACTITIONER, params(q, q.end));
  return new Map(asPairs(rows).map((r) => [r.practitioner, r.start]));
}
