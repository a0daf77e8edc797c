import type { Appointment, Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';
import type { Browser } from '../../../test/people.ts';
import { fixedClock } from '../../platform/clock.ts';
import { EXT, isInterpreterParticipant } from './domain/fhir-mapping.ts';
import { schedulingApp } from './scheduling-world.fixture.ts';

// Monday 1 June 2026, 07:00 in Houston: the clinic opens at 09:00 (14:00Z).
const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let coord: Browser;

beforeAll(async () => {
  ({ t, coord } = await schedulingApp(clock, 'sch-find'));
}, 120_000);
afterAll(() => t?.close());

const find = (query: string) =>
  coord.request(
    'GET',
    `/fhir/R4/Appointment/$find?service=HealthcareService/sch-cardio&patient=Patient/sch-pat&${query}`,
  );
const proposals = async (query: string) => {
  const res = await find(query);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json<Bundle<Appointment>>().entry ?? []).map((e) => ({
    a: e.resource as Appointment,
    score: e.search?.score,
    reasons: (e.search?.extension ?? []).map((x) => x.valueString),
  }));
};
const actorsOf = (a: Appointment) => a.participant.map((p) => p.actor?.reference);
const chicagoTime = (iso: string | undefined) =>
  new Date(iso as string).toLocaleString('en-US', {
    timeZone: 'America/Chicago',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

describe('Appointment/$find', () => {
  test("proposals within both the practitioner's and a room's hours, with buffers, ranked with reasons", async () => {
    const found = await proposals('_count=6');
    expect(found.length).toBe(6);
    for (const { a } of found) {
      expect(a.status).toBe('proposed');
      const local = chicagoTime(a.start);
      // 09:00–12:00 Chicago; a 30-minute visit plus 10 minutes of clean-up must end by 12:00.
      expect(local >= 'Mon 09:00' && local <= 'Mon 11:20', local).toBe(true);
      expect(Date.parse(a.end as string) - Date.parse(a.start as string)).toBe(30 * 60_000);
      const busy = a.extension?.find((e) => e.url === EXT.busyPeriod)?.valuePeriod;
      expect(Date.parse(busy?.end as string) - Date.parse(a.end as string)).toBe(10 * 60_000);
      expect(actorsOf(a)).toContain('Patient/sch-pat');
      expect(actorsOf(a).some((r) => r === 'Location/sch-room-1' || r === 'Location/sch-room-2')).toBe(true);
    }
    // Dr B has seen the patient (+60) but is out of the patient's network (−80): Dr A, in network, comes first.
    expect(actorsOf(found[0]?.a as Appointment)).toContain('Practitioner/sch-dr-a');
    expect(found[0]?.reasons).toEqual(['earliest available (+100)', 'in network (+0)', '1.6 km from home (-5)']);
    const b = found.find((f) => actorsOf(f.a).includes('Practitioner/sch-dr-b'));
    expect(b?.reasons).toEqual([
      'earliest available (+100)',
      'seen this provider before (+60)',
      '1.6 km from home (-5)',
      'out of network (-80)',
    ]);
    const scores = found.map((f) => f.score as number);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);

    // The same answer in Spanish when the request asks for it (Accept-Language), the points unchanged.
    const res = await coord.request(
      'GET',
      '/fhir/R4/Appointment/$find?service=HealthcareService/sch-cardio&patient=Patient/sch-pat&_count=6',
      undefined,
      { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' },
    );
    const first = res.json<Bundle<Appointment>>().entry?.[0];
    expect(first?.search?.extension?.map((x) => x.valueString)).toEqual([
      'el primero disponible (+100)',
      'dentro de la red (+0)',
      'a 1,6 km de casa (-5)',
    ]);
  });

  test("a practitioner who does not speak the patient's language comes with an interpreter", async () => {
    const found = await proposals('_count=20');
    const withA = found.filter((f) => actorsOf(f.a).includes('Practitioner/sch-dr-a'));
    const withB = found.filter((f) => actorsOf(f.a).includes('Practitioner/sch-dr-b'));
    expect(withA.length).toBeGreaterThan(0);
    for (const f of withA) expect(actorsOf(f.a)).toContain('Practitioner/sch-int-es');
    for (const f of withB) expect(actorsOf(f.a)).not.toContain('Practitioner/sch-int-es');
    const interpreter = withA[0]?.a.participant.find((p) => p.actor?.reference === 'Practitioner/sch-int-es');
    expect(interpreter && isInterpreterParticipant(interpreter)).toBe(true);
  });

  test('a patient whose record says no interpreter is needed gets none, whatever their language', async () => {
    const patient = await t.store.read<Patient>('Patient', 'sch-pat');
    const url = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';
    await t.store.update<Patient>({
      ...patient,
      extension: [...(patient.extension ?? []), { url, valueBoolean: false }],
    });
    try {
      const found = await proposals('_count=20');
      expect(found.some((f) => actorsOf(f.a).includes('Practitioner/sch-dr-a'))).toBe(true);
      for (const f of found) expect(actorsOf(f.a)).not.toContain('Practitioner/sch-int-es');
    } finally {
      const now = await t.store.read<Patient>('Patient', 'sch-pat');
      await t.store.update<Patient>({ ...now, extension: patient.extension ?? [] });
    }
  });

  test('in-network only, virtual, windows and distance narrow the results', async () => {
    const inNetwork = await proposals('in-network=true&_count=5');
    expect(inNetwork.length).toBeGreaterThan(0);
    for (const f of inNetwork) expect(actorsOf(f.a)).toContain('Practitioner/sch-dr-a');
    const virtual = await proposals('virtual=true&_count=5');
    for (const f of virtual) {
      expect(actorsOf(f.a).some((r) => r?.startsWith('Location/'))).toBe(false);
      expect(f.reasons).toContain('virtual visit: no travel (+0)');
    }
    // Weekday afternoons start at 12:00, when both practitioners stop: nothing.
    expect(await proposals('window=weekday-afternoons')).toEqual([]);
    const near = await proposals('max-distance=20&_count=3');
    expect(near.length).toBe(3);
    expect(near[0]?.reasons.some((r) => /km from home/.test(r ?? ''))).toBe(true);
    expect(await proposals('max-distance=0.1')).toEqual([]);
  });

  test('bad parameters are 400 naming them; another patient is 404', async () => {
    for (const [query, field] of [
      ['bogus=1', 'bogus'],
      ['window=midnight', 'window'],
      ['start=tomorrow', 'start'],
      ['_count=0', '_count'],
      ['end=2027-06-01T00:00:00Z', 'end'],
      ['appointment-type=SURGERY', 'appointment-type'],
    ] as const) {
      const res = await find(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json<OperationOutcome>().issue[0]?.expression, query).toEqual([field]);
    }
    const missing = await coord.request('GET', '/fhir/R4/Appointment/$find?service=HealthcareService/sch-cardio');
    expect(missing.statusCode).toBe(400);
    const foreign = await coord.request(
      'GET',
      '/fhir/R4/Appointment/$find?service=HealthcareService/sch-cardio&patient=Patient/nobody',
    );
    expect(foreign.statusCode).toBe(404);
  });
});
