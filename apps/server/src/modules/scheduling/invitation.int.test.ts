import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Received, smtpInbox } from '../../../test/smtp-inbox.ts';
import { createMailer, type Mailer } from '../../platform/mail/index.ts';
import { appointmentCalendar } from './calendar.ts';
import { reminderMessage } from './domain/reminders.ts';

// A booking e-mail with its calendar invitation over real SMTP: an in-process smtp-server receives what nodemailer
// sends, and the test reads the MIME structure back (RFC 2045/2046) to find the iTIP part (RFC 6047).
let smtp: Awaited<ReturnType<typeof smtpInbox>>;
let inbox: Received[];
let mailer: Mailer;

beforeAll(async () => {
  smtp = await smtpInbox();
  inbox = smtp.inbox;
  mailer = createMailer(smtp.url, 'Heights Clinic <no-reply@careloop.test>');
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
});

type Part = { headers: Record<string, string>; body: string; children: Part[] };

/** Splits a MIME entity into headers and body, recursing into multipart bodies and decoding leaf bodies. */
function parseMime(entity: string): Part {
  const split = entity.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of entity
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const raw = entity.slice(split + 4);
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    const sections = raw.split(`--${boundary}`).slice(1, -1);
    return { headers, body: '', children: sections.map((s) => parseMime(s.replace(/^\r\n/, '').replace(/\r\n$/, ''))) };
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(raw.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            raw
              .replace(/=\r\n/g, '')
              .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
            'latin1',
          )
        : Buffer.from(raw, 'latin1');
  return { headers, body: bytes.toString('utf8'), children: [] };
}
const leaves = (p: Part): Part[] => (p.children.length ? p.children.flatMap(leaves) : [p]);

async function nextMail(count: number): Promise<Received> {
  for (let i = 0; i < 100 && inbox.length < count; i++) await new Promise((r) => setTimeout(r, 50));
  const mail = inbox[count - 1];
  if (!mail) throw new Error(`no e-mail #${count}`);
  return mail;
}

const start = Temporal.Instant.from('2026-03-09T14:00:00Z'); // 09:00 in Chicago (CDT since 8 March)
const event = {
  uid: '8f14e45f-ceea-467f-a0e6-8a3b5c1d2e3f@careloop.test',
  start,
  end: start.add({ minutes: 30 }),
  timeZone: 'America/Chicago',
  summary: 'Cita en Heights Clinic',
  location: 'Heights Clinic, 1200 Main St',
  organizer: { name: 'Heights Clinic', email: 'no-reply@careloop.test' },
  attendees: [{ name: 'Pat Doe', email: 'pat@example.org' }],
  stamp: Temporal.Instant.from('2026-03-01T12:00:00Z'),
};

describe('booking e-mail with an iCalendar invitation', () => {
  test('text/plain and text/calendar; method=REQUEST as alternatives, plus invite.ics', async () => {
    const message = reminderMessage({
      language: 'es',
      kind: 'booked',
      start,
      timeZone: 'America/Chicago',
      place: 'Heights Clinic, 1200 Main St',
    });
    const ics = appointmentCalendar({ ...event, method: 'REQUEST', sequence: 0, status: 'CONFIRMED' });
    await mailer.send({ to: 'pat@example.org', ...message, calendar: { method: 'REQUEST', content: ics } });
    const mail = await nextMail(1);
    expect(mail.to).toBe('pat@example.org');
    const root = parseMime(mail.raw);
    expect(root.headers['content-type']).toMatch(/^multipart\/mixed/);
    const alternative = root.children.find((c) => c.headers['content-type']?.startsWith('multipart/alternative'));
    expect(alternative?.children.map((c) => c.headers['content-type'])).toEqual([
      'text/plain; charset=utf-8',
      'text/calendar; charset=utf-8; method=REQUEST',
    ]);
    const [text, calendar] = alternative?.children ?? [];
    // SMTP carries lines ending in CRLF (RFC 5321 §2.3.8).
    expect(text?.body.replace(/\r\n/g, '\n')).toBe(message.text);
    expect(text?.body).toContain('quedó programada para el lunes, 9 de marzo de 2026, a las 9:00');
    const body = calendar?.body ?? '';
    expect(body).toBe(ics);
    expect(body).toContain('METHOD:REQUEST\r\n');
    expect(body).toContain('BEGIN:VTIMEZONE\r\nTZID:America/Chicago\r\n');
    expect(body).toContain('DTSTART;TZID=America/Chicago:20260309T090000\r\n');
    const attachment = leaves(root).find((p) => p.headers['content-type']?.startsWith('application/ics'));
    expect(attachment?.headers['content-disposition']).toMatch(/^attachment/);
    expect(attachment?.headers['content-type']).toContain('name=invite.ics');
    expect(attachment?.body).toBe(ics);
  });

  test('a cancellation goes as method=CANCEL with the same UID and a higher SEQUENCE', async () => {
    const ics = appointmentCalendar({ ...event, method: 'CANCEL', sequence: 1, status: 'CANCELLED' });
    await mailer.send({
      to: 'pat@example.org',
      subject: 'Cita cancelada',
      text: 'x',
      calendar: { method: 'CANCEL', content: ics },
    });
    const part = leaves(parseMime((await nextMail(2)).raw)).find((p) =>
      p.headers['content-type']?.startsWith('text/calendar'),
    );
    expect(part?.headers['content-type']).toBe('text/calendar; charset=utf-8; method=CANCEL');
    expect(part?.body).toContain(`UID:${event.uid}\r\nSEQUENCE:1\r\n`);
    expect(part?.body).toContain('STATUS:CANCELLED');
  });

  test('a mail without a calendar is plain text only, as before', async () => {
    await mailer.send({ to: 'pat@example.org', subject: 'Hello', text: 'Plain' });
    const root = parseMime((await nextMail(3)).raw);
    expect(root.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(root.body.trim()).toBe('Plain');
  });
});
