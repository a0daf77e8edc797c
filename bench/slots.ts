/**
 * `npm run bench:slots`: `Appointment/$find` (issue #5) for random patients under typical constraint mixes, 64
 * concurrent clients, over 200 practitioners with 90 days of availability and bookings at realistic density;
 * compared with the same search hand-written in SQL on plain tables, measured in the same run.
 *
 *   npm run bench:slots -- [--engine postgres|pglite|both] [--providers 200] [--days 90] [--patients N]
 *                          [--coordinators N] [--clients 64] [--requests 3000] [--seconds 30] [--count 10]
 *
 * Defaults: 200 practitioners, 90 days, 20,000 patients, 100 coordinators on PostgreSQL; 50, 30 days, 2,000 and 20
 * on PGlite (one connection). The population is bench/lib/slots-data.ts, the baseline bench/lib/slots-sql.ts.
 *
 * Constraint mixes, rotating per request (the i-th request is the same in every variant): plain (service + patient,
 * 30 days), weekday mornings, in-network only, within 15 km, a Spanish-speaking patient (interpreter-aware), the whole
 * horizon (`--days`). Every search starts at day 0 (the day after tomorrow, local midnight) so all variants see
 * the same calendar.
 *
 * Variants: (1) hand-written SQL, the N earliest free starts, no access control, no audit; (2) `findAppointments`
 * in-process acting for the patient's coordinator (access resolved in the store, one AuditEvent per call, written
 * before the answer as the HTTP layer does); (3) HTTP `GET /fhir/R4/Appointment/$find` against the real server, each
 * coordinator signed in with a session cookie (password and TOTP, as a browser).
 *
 * `$find` ranks by more than time (distance, continuity, network), so its answer is not the N earliest starts. The
 * check: for a few requests of every mix (with _count=50), every practitioner in `$find`'s answer must have as their
 * earliest proposed start exactly the earliest start the hand SQL computes for them (the earliest slot of a
 * practitioner always outranks their later ones), and `$find` answers nothing only when the hand SQL finds nothing.
 */

import { parseArgs } from 'node:util';
import type { Appointment, Bundle } from '@medplum/fhirtypes';
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import { type FindInput, findAppointments } from '../apps/server/src/modules/scheduling/index.ts';
import type { Actor } from '../apps/server/src/platform/access/index.ts';
import { createAuditBatcher, createAuditRecorder } from '../apps/server/src/platform/audit/index.ts';
import { systemClock } from '../apps/server/src/platform/clock.ts';
import { createDb, type Db, migrate } from '../apps/server/src/platform/db/index.ts';
import { createStore, loadDefinitions, type Store } from '../apps/server/src/platform/store/index.ts';
import { type EngineName, parseEngines, perEngine, type Target } from './lib/engines.ts';
import { httpClient } from './lib/http-load.ts';
import { printVariants, runVariant, type VariantResult } from './lib/search-load.ts';
import { type RunSql, sqlRunner } from './lib/search-sql.ts';
import { startServer } from './lib/server.ts';
import { createCoordinatorAccounts, signInCoordinators } from './lib/sign-in.ts';
import {
  type BenchPatient,
  buildWorld,
  firstDayFromNow,
  SERVICE_ID,
  type SlotsPopulation,
  type World,
} from './lib/slots-data.ts';
import { type LoadReport, loadSlotsWorld } from './lib/slots-fhir.ts';
import { type BaselineQuery, createSlotsBaseline, earliestPerPractitioner, earliestSlots } from './lib/slots-sql.ts';
import { machineLine, mib, note, num, percent, percentile, printTable, since } from './lib/stats.ts';
import { rng } from './lib/tasks.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    providers: { type: 'string' },
    days: { type: 'string' },
    patients: { type: 'string' },
    coordinators: { type: 'string' },
    clients: { type: 'string', default: '64' },
    requests: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '30' },
    count: { type: 'string', default: '10' },
  },
});

function positive(v: string | undefined, name: string): number {
  const n = Number(v?.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

const engines = parseEngines(values.engine);
const clients = positive(values.clients, 'clients');
const count = positive(values.count, 'count');
if (count > 50) throw new Error('--count must be at most 50 ($find answers at most 50)');
const options = {
  clients,
  requests: positive(values.requests, 'requests'),
  seconds: positive(values.seconds, 'seconds'),
};
const sized = (value: string | undefined, name: string, postgres: number, pglite: number, engine: EngineName) =>
  value ? positive(value, name) : engine === 'postgres' ? postgres : pglite;
function populationFor(engine: EngineName): SlotsPopulation {
  const days = sized(values.days, 'days', 90, 30, engine);
  if (days > 90) throw new Error('--days must be at most 90 ($find looks at most 90 days ahead)');
  const patients = sized(values.patients, 'patients', 20_000, 2_000, engine);
  return {
    providers: sized(values.providers, 'providers', 200, 50, engine),
    days,
    patients,
    coordinators: Math.min(patients, sized(values.coordinators, 'coordinators', 100, 20, engine)),
    firstDay: firstDayFromNow(),
  };
}

const DAY = 86_400_000;
const MIXES = ['plain', 'weekday mornings', 'in-network only', 'within 15 km', 'Spanish speaker', 'whole horizon'];
type Mix = (typeof MIXES)[number];

/** What the i-th request asks: its mix, its patient (and so the coordinator asking), its horizon. */
type SlotRequest = Readonly<{ i: number; mix: Mix; patient: BenchPatient; query: BaselineQuery }>;

function requestFor(world: World, i: number, n = count): SlotRequest {
  const mix = MIXES[i % MIXES.length] as Mix;
  const list = mix === 'Spanish speaker' ? world.spanish : world.patients;
  const patient = list[Math.floor(rng(i * 31 + 7)() * list.length)] as BenchPatient;
  const days = mix === 'whole horizon' ? world.population.days : Math.min(30, world.population.days);
  return {
    i,
    mix,
    patient,
    query: {
      patient: patient.id,
      start: world.start,
      end: world.start + days * DAY,
      inNetwork: mix === 'in-network only',
      maxKm: mix === 'within 15 km' ? 15 : undefined,
      mornings: mix === 'weekday mornings',
      count: n,
    },
  };
}

const findInput = (q: BaselineQuery): FindInput => ({
  service: SERVICE_ID,
  patient: q.patient,
  start: q.start,
  end: q.end,
  windows: q.mornings ? ['weekday-mornings'] : [],
  isVirtual: false,
  inNetworkOnly: q.inNetwork,
  maxDistanceKm: q.maxKm,
  count: q.count,
});

function findQueryString(q: BaselineQuery): string {
  const s = new URLSearchParams({
    service: `HealthcareService/${SERVICE_ID}`,
    patient: `Patient/${q.patient}`,
    start: new Date(q.start).toISOString(),
    end: new Date(q.end).toISOString(),
    _count: String(q.count),
  });
  if (q.mornings) s.append('window', 'weekday-mornings');
  if (q.inNetwork) s.append('in-network', 'true');
  if (q.maxKm !== undefined) s.append('max-distance', String(q.maxKm));
  return s.toString();
}

/** Each practitioner's earliest start among `$find`'s proposals (the participant typed PPRF). */
function earliestInBundle(bundle: Bundle<Appointment>): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of bundle.entry ?? []) {
    const a = e.resource as Appointment;
    const who = a.participant.find((p) => p.type?.some((t) => t.coding?.some((c) => c.code === 'PPRF')))?.actor
      ?.reference;
    const start = Date.parse(a.start as string);
    if (who && !(start >= (out.get(who) ?? Number.POSITIVE_INFINITY))) out.set(who, start);
  }
  return out;
}

type Agreement = { requests: number; answered: number; compared: number; mismatches: string[] };

/** Compares `$find`'s per-practitioner earliest starts with the hand SQL's (see the header). */
function agree(
  checks: readonly SlotRequest[],
  hand: readonly Map<string, number>[],
  found: readonly Map<string, number>[],
) {
  const a: Agreement = { requests: checks.length, answered: 0, compared: 0, mismatches: [] };
  checks.forEach((c, k) => {
    const h = hand[k] as Map<string, number>;
    const f = found[k] as Map<string, number>;
    if (f.size > 0) a.answered++;
    if (f.size === 0 && h.size > 0)
      a.mismatches.push(`request ${c.i} (${c.mix}): $find found nothing, hand SQL ${h.size}`);
    for (const [who, start] of f) {
      a.compared++;
      if (h.get(who) !== start)
        a.mismatches.push(
          `request ${c.i} (${c.mix}), ${who}: $find ${new Date(start).toISOString()}, hand SQL ${
            h.has(who) ? new Date(h.get(who) as number).toISOString() : 'none'
          }`,
        );
    }
  });
  for (const m of a.mismatches.slice(0, 10)) note(`disagreement: ${m}`);
  return a;
}

const agreementText = (a: Agreement | undefined) =>
  a
    ? `${a.mismatches.length ? 'NO' : 'yes'} (${a.requests} requests, ${a.answered} with proposals, ${a.compared} practitioner times, ${a.mismatches.length} differ)`
    : '–';

/** Latencies by constraint mix of one variant (measured requests only, not the warm-up). */
type ByMix = Map<Mix, number[]>;
function timedByMix(world: World, run: (r: SlotRequest) => Promise<unknown>) {
  const byMix: ByMix = new Map();
  const query = async (key: string) => {
    const i = Number(key);
    const request = requestFor(world, i);
    const t0 = performance.now();
    const out = await run(request);
    if (i < 1_000_000) byMix.set(request.mix, [...(byMix.get(request.mix) ?? []), performance.now() - t0]);
    return out;
  };
  return { query, byMix };
}

const userActor = (ref: string, userId: string): Actor => ({
  kind: 'user',
  userId,
  username: `bench-${ref}`,
  roles: ['care-coordinator'],
  reference: ref,
  sessionId: 'bench',
});

/** `$find` as the in-process variant runs it: a request's store handle, one AuditEvent, then the answer. */
function inProcess(db: Db, store: Store, users: ReadonlyMap<string, string>) {
  const batcher = createAuditBatcher(db.kysely, systemClock);
  return async (r: SlotRequest) => {
    const ref = r.patient.coordinator;
    const actor = userActor(ref, users.get(ref) as string);
    const recorder = createAuditRecorder(actor, systemClock, { deferReads: true, batcher });
    recorder.interaction = { action: 'E', subtype: 'operation', operation: '$find' };
    const bundle = await findAppointments(store.as(actor, recorder), findInput(r.query), Temporal.Now.instant());
    await recorder.conclude(db.kysely);
    return bundle;
  };
}

type Report = {
  engine: EngineName;
  world: World;
  load: LoadReport;
  baseline: { open: number; busy: number };
  variants: VariantResult[];
  byMix: ByMix[];
  agreement: { inProcess?: Agreement; http?: Agreement };
  serverPeakRss: number | undefined;
};

async function benchEngine(engine: EngineName, target: Target): Promise<Report> {
  const population = populationFor(engine);
  const world = buildWorld(population);
  const key = (i: number) => String(i);
  const warmup = Math.min(options.requests, clients * 4);
  const db = await createDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: clients });
  await migrate(db);
  loadDefinitions();
  const system = createStore({ db, clock: systemClock });
  note(
    `${engine}: loading ${population.providers} practitioners, ${world.rooms.length} rooms, ${world.interpreters.length} interpreters, ${num(population.patients)} patients and ${population.days} days of bookings from ${population.firstDay}`,
  );
  const load = await loadSlotsWorld(system, world);
  let t0 = performance.now();
  await db.exec('VACUUM ANALYZE');
  note(
    `${engine}: loaded ${num(load.resources)} resources (${num(load.appointments)} Appointments) in ${num(load.ms / 1000, 1)} s; VACUUM ANALYZE ${num(since(t0) / 1000, 1)} s`,
  );
  const pool = db.pool ? new pg.Pool({ connectionString: target.databaseUrl, max: clients }) : undefined;
  const run: RunSql = sqlRunner(db, pool);
  t0 = performance.now();
  const baseline = await createSlotsBaseline(run, world);
  note(
    `${engine}: baseline tables built in ${num(since(t0) / 1000, 1)} s (${num(baseline.open)} open ranges, ${num(baseline.busy)} busy ranges)`,
  );
  const users = await createCoordinatorAccounts(db, world.coordinators);

  const checks = Array.from({ length: 2 * MIXES.length }, (_, i) => requestFor(world, i, 50));
  const variants: VariantResult[] = [];
  const byMix: ByMix[] = [];
  const agreement: Report['agreement'] = {};
  let hand: Map<string, number>[];
  try {
    hand = [];
    for (const c of checks) hand.push(await earliestPerPractitioner(run, c.query));
    const timed = timedByMix(world, (r) => earliestSlots(run, r.query));
    variants.push(await runVariant('hand SQL, plain tables (multiranges)', { ...options, warmup }, timed.query, key));
    byMix.push(timed.byMix);
  } finally {
    // PostgreSQL allows 100 connections: the baseline's go before the in-process variant opens its own.
    await pool?.end();
  }
  const local = inProcess(db, system, users);
  try {
    const found: Map<string, number>[] = [];
    for (const c of checks) found.push(earliestInBundle(await local(c)));
    agreement.inProcess = agree(checks, hand, found);
    const timed = timedByMix(world, local);
    variants.push(await runVariant('$find use-case in-process (no HTTP)', { ...options, warmup }, timed.query, key));
    byMix.push(timed.byMix);
  } finally {
    await db.close();
  }

  const server = await startServer({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  const client = httpClient(server.url, clients, '');
  try {
    note(`${engine}: signing in ${world.coordinators.length} coordinators (password + TOTP enrolment)`);
    const cookies = await signInCoordinators(server.url, world.coordinators);
    const get = async (r: SlotRequest) => {
      const res = await client.send('GET', `/fhir/R4/Appointment/$find?${findQueryString(r.query)}`, undefined, {
        cookie: cookies.get(r.patient.coordinator) as string,
      });
      if (res.status !== 200) throw new Error(`$find answered ${res.status}: ${res.body.toString().slice(0, 400)}`);
      return res.body;
    };
    const found: Map<string, number>[] = [];
    for (const c of checks) found.push(earliestInBundle(JSON.parse((await get(c)).toString()) as Bundle<Appointment>));
    agreement.http = agree(checks, hand, found);
    const timed = timedByMix(world, get);
    variants.push(
      await runVariant('HTTP GET /fhir/R4/Appointment/$find (real server)', { ...options, warmup }, timed.query, key),
    );
    byMix.push(timed.byMix);
    return { engine, world, load, baseline, variants, byMix, agreement, serverPeakRss: server.peakRss() };
  } finally {
    client.close();
    await server.stop();
  }
}

function printByMix(r: Report): void {
  const short = ['hand SQL', 'in-process', 'HTTP'];
  printTable(
    `By constraint mix, ${r.engine} (ms; the mixes rotate, so each has about a sixth of the requests)`,
    ['mix', ...r.variants.flatMap((_, k) => [`${short[k]} p50`, `${short[k]} p95`]), 'HTTP p95 ÷ hand SQL p95'],
    MIXES.map((mix) => {
      const sorted = r.byMix.map((m) => Float64Array.from(m.get(mix) ?? []).sort());
      const p95 = sorted.map((s) => percentile(s, 95));
      return [
        mix,
        ...sorted.flatMap((s) => [num(percentile(s, 50), 1), num(percentile(s, 95), 1)]),
        (p95[0] ?? 0) > 0 ? ((p95[p95.length - 1] ?? 0) / (p95[0] as number)).toFixed(3) : '–',
      ];
    }),
  );
}

async function main(): Promise<void> {
  const reports = await perEngine('bench:slots', engines, benchEngine);
  if (!reports) return;
  for (const r of reports) {
    const p = r.world.population;
    process.stdout.write(
      `\nPopulation (${r.engine}): ${r.world.sites.length} sites (America/Chicago), ${p.providers} practitioners, ${r.world.rooms.length} rooms, ${r.world.interpreters.length} Spanish interpreters, ${num(p.patients)} patients (${num(r.world.spanish.length)} prefer Spanish), ${p.coordinators} coordinators; ${p.days} days from ${p.firstDay}: ${num(r.load.appointments)} booked Appointments, ${percent(r.load.bookedShare, 1)} of practitioner hours booked; ${num(r.load.resources)} resources loaded at ${num(r.load.resources / (r.load.ms / 1000))}/s; baseline ${num(r.baseline.open)} open and ${num(r.baseline.busy)} busy ranges\n`,
    );
    printVariants(
      `Appointment/$find, ${r.engine}: ${p.providers} practitioners × ${p.days} days, _count=${count}, ${clients} clients, 6 constraint mixes (earliest start per practitioner as the hand SQL: in-process ${agreementText(r.agreement.inProcess)}, HTTP ${agreementText(r.agreement.http)}; server peak RSS ${mib(r.serverPeakRss)})`,
      r.variants,
    );
    printTable(
      `Tail, ${r.engine}`,
      ['variant', 'p95 ÷ hand SQL p95', 'p99 ÷ hand SQL p99'],
      r.variants.map((v) => [
        v.name,
        (v.p95 / (r.variants[0] as VariantResult).p95 || 0).toFixed(3),
        (v.p99 / (r.variants[0] as VariantResult).p99 || 0).toFixed(3),
      ]),
    );
    printByMix(r);
  }
  process.stdout.write('\nTarget (PostgreSQL): p95 ≤ 100 ms\n');
  process.stdout.write(`machine at end: ${machineLine()}\n`);
}

await main();
