import { createServer } from 'node:net';
import type { Bundle, DocumentReference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import { eventually } from '../../../test/smtp-inbox.ts';
import { fixedClock } from '../../platform/clock.ts';
import { registerClient } from '../../platform/identity/index.ts';
import { createUser } from '../../platform/identity/users.ts';
import { remoteTaskOf, SOURCE, stageTimes } from './model.ts';
import {
  advance,
  CARDIOLOGY,
  endpoint,
  R4,
  type ReferralTest,
  refer,
  referBody,
  referralApp,
  stageNow,
} from './referral-world.fixture.ts';
import { REMOTE_SCOPES } from './remote.ts';

// Issue #6: the whole loop between two CareLoop servers over real HTTP. Server A (the referrer, the usual test app)
// sends to a cardiologist whose practice runs its own CareLoop, server B, listening on a real port. A authenticates to
// B as a SMART Backend Services client (its key registered at B from A's /.well-known/jwks.json); B's cardiologist
// works the referral on B; A reads each step back ($sync, as the periodic job does) and closes the loop.
const clock = fixedClock(`${new Date(Date.now() + 60_000).toISOString().slice(0, 16)}:00Z`);
let a: ReferralTest;
let b: TestApp;
let bCard: Browser;
let bBase: string;

/** A port nobody listens on now (the OS picks it), so B's base URL can be its real address before it starts. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

beforeAll(async () => {
  const port = await freePort();
  bBase = `http://127.0.0.1:${port}`;
  b = await createTestApp({ clock, config: { baseUrl: bBase, jobsEnabled: true, logLevel: 'error' } });
  await b.app.listen({ host: '127.0.0.1', port });
  await b.store.putMany([{ resourceType: 'Practitioner', id: 'b-card', name: [{ family: 'Valve', given: ['Rosa'] }] }]);
  await person(b, clock, { username: 'b-card', roles: ['clinician'], fhirReference: 'Practitioner/b-card' });
  bCard = await signIn(b.anonymous, clock, 'b-card');

  a = await referralApp(clock, {}, [
    endpoint('b-ep', 'fhir', `${bBase}/fhir/R4`, { clientId: 'careloop-a', owner: 'Practitioner/b-card' }),
    {
      resourceType: 'PractitionerRole',
      id: 'b-role',
      active: true,
      practitioner: { display: 'Dr Rosa Valve' },
      specialty: [{ coding: [CARDIOLOGY] }],
      endpoint: [{ reference: 'Endpoint/b-ep' }],
    } as Resource,
  ]);
  // B's administrator registers A: the public key A publishes, and what A may do at B.
  const jwks = (await a.t.anonymous({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  const ctx = { exec: b.db.kysely, clock };
  await createUser(ctx, { username: 'careloop-a', roles: ['integration-client'] });
  await registerClient(ctx, 'careloop-a', {
    jwks,
    scopes: [...REMOTE_SCOPES],
  });
}, 180_000);
afterAll(async () => {
  await a?.t.close();
  await b?.close();
});

const sync = async (offer: string) => {
  const res = await a.coord.request('POST', `${R4}/Task/${offer}/$sync`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Task>().businessStatus?.coding?.[0]?.code;
};

describe('a referral to another CareLoop server over FHIR', () => {
  test('create → send → accept → schedule → seen → report → close, each step read back by the referrer', async () => {
    const { sr, offers } = await refer(a.coord, referBody(['PractitionerRole/b-role']));
    const offer = offers[0]?.id as string;
    // The transmit job posts the referral to B and records where B keeps its Task.
    let remoteUrl = '';
    await eventually(async () => {
      remoteUrl = remoteTaskOf((await a.coord.request('GET', `${R4}/Task/${offer}`)).json<Task>()) ?? '';
      return remoteUrl !== '';
    }, 30_000);
    expect(remoteUrl.startsWith(`${bBase}/fhir/R4/Task/`)).toBe(true);
    const remoteId = remoteUrl.split('/').at(-1) as string;

    // On B: the cardiologist has it on their worklist, with the patient, the packet and the referral.
    const list = await bCard.request('GET', `${R4}/Task/$worklist`);
    expect(list.statusCode, list.body).toBe(200);
    expect((list.json<Bundle>().entry ?? []).map((e) => e.resource?.id)).toContain(remoteId);
    const task = (await bCard.request('GET', `${R4}/Task/${remoteId}`)).json<Task>();
    const patient = task.for?.reference as string;
    const patientThere = await bCard.request('GET', `${R4}/${patient}`);
    expect(patientThere.statusCode).toBe(200);
    expect(patientThere.json().name[0].family).toBe('Alvarez');
    const srThere = (
      await bCard.request('GET', `${R4}/ServiceRequest?identifier=${SOURCE}|ServiceRequest/${sr}`)
    ).json<Bundle>().entry?.[0]?.resource as ServiceRequest;
    expect(srThere.reasonCode?.[0]?.text ?? srThere.note?.[0]?.text ?? JSON.stringify(srThere)).toMatch(/fibrillation/);
    expect(srThere.supportingInfo?.length).toBeGreaterThanOrEqual(4);
    const condition = await bCard.request('GET', `${R4}/${srThere.supportingInfo?.[0]?.reference}`);
    expect(condition.statusCode, condition.body).toBe(200);

    // Accepted on B, read back on A.
    expect((await advance(bCard, remoteId, 'accepted')).statusCode).toBe(200);
    expect(await sync(offer)).toBe('accepted');
    expect(await sync(offer)).toBe('accepted');

    // Scheduled on B with the visit it booked there.
    const start = new Date(Date.parse(clock.now().toString()) + 7 * 86_400_000).toISOString();
    const appt = await bCard.request('POST', `${R4}/Appointment`, {
      resourceType: 'Appointment',
      status: 'booked',
      start,
      end: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
      participant: [
        { actor: { reference: patient }, status: 'accepted' },
        { actor: { reference: 'Practitioner/b-card' }, status: 'accepted' },
      ],
    });
    expect(appt.statusCode, appt.body).toBe(201);
    const scheduled = await advance(bCard, remoteId, 'scheduled', [
      { name: 'appointment', valueReference: { reference: `Appointment/${appt.json().id}` } },
    ]);
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(await sync(offer)).toBe('scheduled');

    // Seen and the report both happen on B before A reads again: A applies both steps, in order.
    expect((await advance(bCard, remoteId, 'seen')).statusCode).toBe(200);

    // The consult note, written on B, comes back to A with the report-received step.
    const note = await bCard.request('POST', `${R4}/DocumentReference`, {
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { reference: patient },
      type: { text: 'Cardiology consult note' },
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from('Rate control started.').toString('base64') } },
      ],
    } satisfies DocumentReference);
    expect(note.statusCode, note.body).toBe(201);
    const reported = await advance(bCard, remoteId, 'report-received', [
      { name: 'report', valueReference: { reference: `DocumentReference/${note.json().id}` } },
    ]);
    expect(reported.statusCode, reported.body).toBe(200);
    expect(await sync(offer)).toBe('report-received');
    const here = (await a.coord.request('GET', `${R4}/Task/${offer}`)).json<Task>();
    expect([...stageTimes(here).keys()]).toEqual(['sent', 'accepted', 'scheduled', 'seen', 'report-received']);
    const reportRef = here.output?.find((o) => o.type.text === 'report')?.valueReference?.reference as string;
    const copied = await a.coord.request('GET', `${R4}/${reportRef}`);
    expect(copied.statusCode, copied.body).toBe(200);
    expect(copied.json<DocumentReference>().subject?.reference).toBe('Patient/ref-pat');
    expect(Buffer.from(copied.json<DocumentReference>().content[0]?.attachment.data ?? '', 'base64').toString()).toBe(
      'Rate control started.',
    );

    // The referrer closes the loop.
    expect((await advance(a.coord, offer, 'closed')).statusCode).toBe(200);
    expect(await stageNow(a.coord, offer)).toBe('closed');
    const closed = (await a.coord.request('GET', `${R4}/ServiceRequest/${sr}`)).json<ServiceRequest>();
    expect(closed.status).toBe('completed');
  }, 120_000);
});
