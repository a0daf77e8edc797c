import type { Appointment, Bundle, DocumentReference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowCounts } from '../../../test/builders.ts';
import { eventually, type Received, smtpInbox } from '../../../test/smtp-inbox.ts';
import { fixedClock } from '../../platform/clock.ts';
import {
  advance,
  R4,
  type ReferralTest,
  refer,
  referBody,
  referralApp,
  signInAgain,
  stageNow,
} from './referral-world.fixture.ts';

// The e-mail path of issue #6 over real SMTP: an office with neither an account nor a FHIR endpoint gets a secure
// link, reads the packet, accepts, gives the appointment, sends the consult note; the referrer closes the loop.
// Tampered and expired links change nothing.
const clock = fixedClock(`${new Date(Date.now() + 60_000).toISOString().slice(0, 16)}:00Z`);
let w: ReferralTest;
let smtp: Awaited<ReturnType<typeof smtpInbox>>;
const OFFICE = 'office@bayou-cardiology.example';

beforeAll(async () => {
  smtp = await smtpInbox();
  w = await referralApp(clock, { smtpUrl: smtp.url, referralLinkDays: 14 });
}, 120_000);
afterAll(async () => {
  await w?.t.close();
  await smtp?.close();
});

const decoded = (m: Received) =>
  m.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
const mailsTo = (who: string) => smtp.inbox.filter((m) => m.to === who).map(decoded);
const tokenIn = (mail: string) => /http:\/\/careloop\.test\/referral\?token=([A-Za-z0-9_.-]+)/.exec(mail)?.[1];

const page = (token: string, path = '/referral') => w.t.anonymous({ method: 'GET', url: `${path}?token=${token}` });
const post = (form: Record<string, string>) =>
  w.t.anonymous({
    method: 'POST',
    url: '/referral',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
/** A browser's multipart form: the token field first, then the file. */
function upload(token: string, file: { name: string; type: string; data: Buffer }) {
  const boundary = '----careloop-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n${token}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="note"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return w.t.anonymous({
    method: 'POST',
    url: '/referral/report',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

describe('the secure link to an office without an account', () => {
  let token: string;
  let offer: string;
  let sr: string;

  test('the office is e-mailed a link and nothing about the patient; the patient is told it was sent', async () => {
    const made = await refer(w.coord, referBody(['HealthcareService/ref-office-svc']));
    sr = made.sr;
    offer = made.offers[0]?.id as string;
    await eventually(() => mailsTo(OFFICE).length > 0);
    const mail = mailsTo(OFFICE)[0] as string;
    expect(mail).toContain('New referral from Eastside Primary Care');
    expect(mail).not.toMatch(/Alvarez|Marisol|fibrillation|Apixaban|MRN-4471/);
    token = tokenIn(mail) as string;
    expect(token).toBeTruthy();
    await eventually(() => mailsTo('marisol@example.org').length > 0);
    expect(mailsTo('marisol@example.org')[0]).not.toMatch(/cardio|fibrillation|Bayou/i);
  });

  test('the link shows the packet and the answers the office can give; the PDF prints', async () => {
    const res = await page(token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Alvarez');
    expect(res.body).toContain('Apixaban');
    expect(res.body).toContain('Penicillin');
    expect(res.body).toContain('Gulf Health Plan');
    expect(res.body).toContain('Accept the referral');
    expect(res.body).toContain('Reason for declining');
    expect(res.body).not.toContain('Consult note</legend>');
    const pdf = await page(token, '/referral/packet.pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  test('an altered or wrong link shows nothing and changes nothing', async () => {
    const before = await rowCounts(w.t.db);
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [altered, 'nonsense', '']) {
      const res = await page(bad);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('not valid or has expired');
      expect(res.body).not.toContain('Alvarez');
      expect((await post({ token: bad, action: 'accept' })).statusCode).toBe(400);
    }
    expect((await page(altered, '/referral/packet.pdf')).statusCode).toBe(400);
    expect(await rowCounts(w.t.db)).toEqual(before);
    expect(await stageNow(w.coord, offer)).toBe('sent');
  });

  test('accept, then a step the lifecycle does not allow is refused with why', async () => {
    const accepted = await post({ token, action: 'accept' });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toContain('done=accept');
    expect(await stageNow(w.coord, offer)).toBe('accepted');
    const again = await post({ token, action: 'decline', reason: 'Changed our mind' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('cannot become declined');
    expect(await stageNow(w.coord, offer)).toBe('accepted');
  });

  test('the office gives the appointment it booked; it is linked to the referral', async () => {
    const bad = await post({ token, action: 'schedule', start: 'soon', minutes: '30' });
    expect(bad.statusCode).toBe(400);
    const when = clock
      .now()
      .add({ hours: 24 * 7 })
      .toZonedDateTimeISO('UTC')
      .toPlainDateTime()
      .toString()
      .slice(0, 16);
    const res = await post({ token, action: 'schedule', start: when, minutes: '45', status: 'booked' });
    expect(res.statusCode, res.body).toBe(303);
    const task = (await w.coord.request('GET', `${R4}/Task/${offer}`)).json<Task>();
    expect(task.businessStatus?.coding?.[0]?.code).toBe('scheduled');
    const ref = task.output?.find((o) => o.type.text === 'appointment')?.valueReference?.reference as string;
    const appt = (await w.coord.request('GET', `${R4}/${ref}`)).json<Appointment>();
    expect(appt.status).toBe('booked');
    expect(appt.minutesDuration).toBe(45);
    expect(appt.start).toBe(`${when}:00Z`);
    expect(appt.participant.map((p) => p.actor?.reference)).toContain('Patient/ref-pat');
  });

  test('the consult note uploads as a DocumentReference; the referrer closes the loop', async () => {
    expect(
      (await upload(token, { name: 'note.exe', type: 'application/x-msdownload', data: Buffer.from('MZ') })).statusCode,
    ).toBe(400);
    expect(
      (await upload(token, { name: 'fake.pdf', type: 'application/pdf', data: Buffer.from('not a pdf') })).statusCode,
    ).toBe(400);
    expect(await stageNow(w.coord, offer)).toBe('scheduled');
    const note = Buffer.from('%PDF-1.4\n% consult note\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const res = await upload(token, { name: 'consult note.pdf', type: 'application/pdf', data: note });
    expect(res.statusCode, res.body).toBe(303);
    const task = (await w.coord.request('GET', `${R4}/Task/${offer}`)).json<Task>();
    expect(task.businessStatus?.coding?.[0]?.code).toBe('report-received');
    const ref = task.output?.find((o) => o.type.text === 'report')?.valueReference?.reference as string;
    const doc = (await w.coord.request('GET', `${R4}/${ref}`)).json<DocumentReference>();
    expect(doc.subject?.reference).toBe('Patient/ref-pat');
    expect(Buffer.from(doc.content[0]?.attachment.data as string, 'base64').equals(note)).toBe(true);
    expect(doc.context?.related?.[0]?.reference).toBe(`ServiceRequest/${sr}`);

    const closed = await advance(w.coord, offer, 'closed');
    expect(closed.statusCode, closed.body).toBe(200);
    const request = (await w.coord.request('GET', `${R4}/ServiceRequest/${sr}`)).json<ServiceRequest>();
    expect(request.status).toBe('completed');
    const after = await page(token);
    expect(after.body).toContain('This referral is closed');
    expect(after.body).not.toContain('Accept the referral');
    // Each view and step through the link is in the audit trail, against the patient.
    const { rows } = await sql<{ action: string; n: number }>`
      SELECT action, count(*)::int AS n FROM audit_event
      WHERE 'Patient/ref-pat' = ANY (patient_ids) AND event::text LIKE '%office link%' GROUP BY action`.execute(
      w.t.db.kysely,
    );
    const by = Object.fromEntries(rows.map((r) => [r.action, r.n]));
    expect(by.U).toBe(3);
    expect(by.R).toBeGreaterThanOrEqual(4);
  });

  test('a link past its days works no more', async () => {
    clock.advance({ hours: 24 * 15 });
    w = await signInAgain(w, clock);
    const res = await page(token);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('not valid or has expired');
  });

  test('a withdrawn offer tells the office no action is needed', async () => {
    const { offers } = await refer(
      w.coord,
      referBody(['HealthcareService/ref-office-svc', 'PractitionerRole/ref-card-role-1'], { strategy: 'parallel' }),
    );
    const before = mailsTo(OFFICE).length;
    expect((await advance(w.cardiologists[0] as never, offers[1]?.id as string, 'accepted')).statusCode).toBe(200);
    expect(await stageNow(w.coord, offers[0]?.id as string)).toBe('withdrawn');
    await eventually(() => mailsTo(OFFICE).some((m) => m.includes('Referral withdrawn')));
    expect(mailsTo(OFFICE).length).toBeGreaterThan(before);
    const list = await w.coord.request(
      'GET',
      `${R4}/Task?code=https://careloop.dev/fhir/CodeSystem/task-type|incoming-referral`,
    );
    expect((list.json<Bundle>().entry ?? []).length).toBeGreaterThan(0);
  });
});
