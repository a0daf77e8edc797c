import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { type AppointmentMessageInput, parseReminderSchedule, reminderMessage, reminderTimes } from './reminders.ts';

const zoned = (iso: string) => Temporal.ZonedDateTime.from(`${iso}[America/Chicago]`);
const instant = (iso: string) => Temporal.Instant.from(iso);
const times = (start: string, schedule: string, now = '2026-01-01T00:00:00Z') =>
  reminderTimes({ start: zoned(start), offsets: parseReminderSchedule(schedule), now: instant(now) }).map(String);

describe('parseReminderSchedule', () => {
  test.each([
    ['7d,1d,2h', ['P7D', 'P1D', 'PT2H']],
    [' 30m , 2h ', ['PT2H', 'PT30M']],
    ['2h,7d,30m,1d', ['P7D', 'P1D', 'PT2H', 'PT30M']],
    ['90d', ['P90D']],
    ['none', []],
  ])('%j → %j (longest first)', (text, offsets) => {
    expect(parseReminderSchedule(text).map(String)).toEqual(offsets);
  });

  test.each([
    ['', /'' is not a whole number followed by d, h or m/],
    ['7', /'7' is not a whole number/],
    ['7x', /'7x' is not a whole number/],
    ['1.5h', /'1.5h' is not/],
    ['-1d', /'-1d' is not/],
    ['7d;1d', /'7d;1d' is not/],
    ['7d,,2h', /'' is not/],
    ['0m', /'0m' is not within 1m–90d/],
    ['91d', /'91d' is not within/],
    ['2161h', /'2161h' is not within/],
    ['1d,24h', /'24h' is the same as '1d'/],
    ['2h,2h', /'2h' is the same as '2h'/],
    [Array.from({ length: 11 }, (_, i) => `${i + 1}h`).join(','), /at most 10 reminders \(got 11\)/],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseReminderSchedule(text)).toThrow(RangeError);
    expect(() => parseReminderSchedule(text)).toThrow(message);
  });
});

describe('reminderTimes', () => {
  test.each([
    [
      'DST begins between the 7-day reminder and the visit: 7d is 167 hours, at 09:00 CST',
      '2026-03-10T09:00',
      '7d,1d,2h',
      ['2026-03-03T15:00:00Z', '2026-03-09T14:00:00Z', '2026-03-10T12:00:00Z'],
    ],
    [
      'DST ends the morning of the visit: 1d is 25 hours, still at 09:00 local',
      '2026-11-01T09:00',
      '7d,1d,2h',
      ['2026-10-25T14:00:00Z', '2026-10-31T14:00:00Z', '2026-11-01T13:00:00Z'],
    ],
    [
      'DST ended during the week: 7d is 169 hours, 1d is 24',
      '2026-11-02T09:00',
      '7d,1d,2h',
      ['2026-10-26T14:00:00Z', '2026-11-01T15:00:00Z', '2026-11-02T13:00:00Z'],
    ],
    [
      'hours are exact across the change: 2h before 04:00 CDT is 01:00 CST',
      '2026-03-08T04:00',
      '2h,30m',
      ['2026-03-08T07:00:00Z', '2026-03-08T08:30:00Z'],
    ],
    [
      "1d before 02:30 lands in the spring-forward gap and moves to 03:30 (RFC 5545's rule)",
      '2026-03-09T02:30',
      '1d',
      ['2026-03-08T08:30:00Z'],
    ],
  ])('%s', (_name, start, schedule, expected) => {
    expect(times(start, schedule)).toEqual(expected);
  });

  test.each([
    [
      'a reminder already past is dropped, not sent late',
      '2026-11-22T12:00:00Z',
      ['2026-11-23T15:30:00Z', '2026-11-24T13:30:00Z'],
    ],
    ['a reminder due exactly now is dropped', '2026-11-23T15:30:00Z', ['2026-11-24T13:30:00Z']],
    ['booked 90 minutes ahead: none left', '2026-11-24T14:00:00Z', []],
    ['the visit has begun: none', '2026-11-24T15:30:00Z', []],
  ])('%s', (_name, now, expected) => {
    expect(times('2026-11-24T09:30', '7d,1d,2h', now)).toEqual(expected);
  });

  test('in sending order whatever the order of offsets; coinciding times are sent once', () => {
    const start = zoned('2026-11-24T09:30');
    const offsets = ['PT2H', 'P1D', 'PT24H', 'P7D'].map((d) => Temporal.Duration.from(d));
    expect(reminderTimes({ start, offsets, now: instant('2026-01-01T00:00:00Z') }).map(String)).toEqual([
      '2026-11-17T15:30:00Z',
      '2026-11-23T15:30:00Z',
      '2026-11-24T13:30:00Z',
    ]);
    // Across the fall-back change 1 day and 24 hours differ by an hour, so both are sent.
    const afterChange = reminderTimes({
      start: zoned('2026-11-01T09:00'),
      offsets,
      now: instant('2026-01-01T00:00:00Z'),
    });
    expect(afterChange.map(String)).toEqual([
      '2026-10-25T14:00:00Z',
      '2026-10-31T14:00:00Z',
      '2026-10-31T15:00:00Z',
      '2026-11-01T13:00:00Z',
    ]);
  });
});

const base: AppointmentMessageInput = {
  language: 'en',
  kind: 'reminder',
  start: instant('2026-11-24T15:30:00Z'), // 9:30 CST
  timeZone: 'America/Chicago',
  place: 'Heights Clinic, 1200 Main St',
};
const links = {
  joinUrl: 'https://meet.jit.si/careloop-abcdefghijklmnopqrstuvwxyz',
  confirmUrl: 'https://care.example.org/l/c/eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA',
  cancelUrl: 'https://care.example.org/l/x/eyJ4IjoxfQ.BBBBBBBBBBBBBBBBBBBBBB',
};
// ICU versions differ in the spacing of "a. m."; the words and numbers do not.
const AM_ES = String.raw`a\.\s?m\.`;
const PM_ES = String.raw`p\.\s?m\.`;

describe('reminderMessage: dates and times in the language', () => {
  test('English: long date, 12-hour time and zone, as the place shows them', () => {
    const m = reminderMessage(base);
    expect(m.subject).toBe('Reminder: your appointment on Tuesday, November 24, 2026');
    expect(m.text.split('\n')[0]).toBe(
      'This is a reminder of your appointment at Heights Clinic, 1200 Main St on Tuesday, November 24, 2026, at 9:30 AM CST.',
    );
    expect(m.sms).toBe(m.text.split('\n')[0]);
  });

  test('Spanish (usted): "el martes, 24 de noviembre de 2026, a las 9:30 a. m."', () => {
    const m = reminderMessage({ ...base, language: 'es' });
    expect(m.subject).toBe('Recordatorio de su cita del martes, 24 de noviembre de 2026');
    expect(m.text.split('\n')[0]).toMatch(
      new RegExp(
        `^Le recordamos su cita en Heights Clinic, 1200 Main St el martes, 24 de noviembre de 2026, a las 9:30 ${AM_ES} CST\\.$`,
      ),
    );
    expect(m.text).toContain('por favor, no responda');
  });

  test('Spanish says "a la" for one o\'clock', () => {
    const m = reminderMessage({ ...base, language: 'es', start: instant('2026-11-24T19:05:00Z') });
    expect(m.sms).toMatch(new RegExp(`a la 1:05 ${PM_ES} CST`));
    expect(reminderMessage({ ...base, language: 'es', start: instant('2026-11-24T18:05:00Z') }).sms).toMatch(
      new RegExp(`a las 12:05 ${PM_ES} CST`),
    );
  });

  test.each([
    ['summer time in Chicago', '2026-07-07T14:00:00Z', 'America/Chicago', 'Tuesday, July 7, 2026, at 9:00 AM CDT'],
    [
      'the day of the fall-back change',
      '2026-11-01T15:00:00Z',
      'America/Chicago',
      'Sunday, November 1, 2026, at 9:00 AM CST',
    ],
    [
      'the place, not the server, decides the day',
      '2026-11-25T04:30:00Z',
      'America/Los_Angeles',
      'Tuesday, November 24, 2026, at 8:30 PM PST',
    ],
  ])('%s', (_name, start, timeZone, phrase) => {
    expect(reminderMessage({ ...base, start: instant(start), timeZone }).text).toContain(phrase);
  });

  test.each([
    ['es-MX', 'es'],
    ['ES', 'es'],
    ['es_US', 'es'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['est', 'en'],
    ['', 'en'],
  ])('language %j is written in %s', (language, expected) => {
    const sms = reminderMessage({ ...base, language }).sms;
    expect(sms.startsWith(expected === 'es' ? 'Le recordamos' : 'This is a reminder')).toBe(true);
  });

  test('only ordinary spaces: no U+00A0 or U+202F from Intl', () => {
    for (const language of ['en', 'es']) {
      const m = reminderMessage({ ...base, language, ...links });
      expect(`${m.subject}${m.text}${m.sms}`).not.toMatch(/[\u00a0\u202f]/);
    }
  });
});

describe('reminderMessage: kinds and links', () => {
  test.each([
    [
      'booked',
      'en',
      'Appointment booked for Tuesday, November 24, 2026',
      'Your appointment at Heights Clinic, 1200 Main St is booked for',
    ],
    ['rescheduled', 'en', 'Appointment moved to Tuesday, November 24, 2026', 'has been moved to Tuesday'],
    [
      'cancelled',
      'en',
      'Appointment cancelled: Tuesday, November 24, 2026',
      'on Tuesday, November 24, 2026, at 9:30 AM CST has been cancelled.',
    ],
    [
      'offered',
      'en',
      'A time has opened up on Tuesday, November 24, 2026',
      'A time has opened up for you at Heights Clinic',
    ],
    ['booked', 'es', 'Cita programada para el martes, 24 de noviembre de 2026', 'quedó programada para el martes'],
    [
      'offered',
      'es',
      'Hay un horario disponible el martes, 24 de noviembre de 2026',
      'Se abrió un horario para usted en',
    ],
    ['rescheduled', 'es', 'Su cita cambió al martes, 24 de noviembre de 2026', 'se cambió para el martes'],
    [
      'cancelled',
      'es',
      'Cita cancelada: martes, 24 de noviembre de 2026',
      'Se canceló su cita en Heights Clinic, 1200 Main St programada para el martes',
    ],
  ] as const)('%s in %s', (kind, language, subject, phrase) => {
    const m = reminderMessage({ ...base, kind, language });
    expect(m.subject).toBe(subject);
    expect(m.text).toContain(phrase);
    expect(m.sms).toContain(phrase);
  });

  test('the e-mail gives every link on its own line; the SMS labels them', () => {
    const m = reminderMessage({ ...base, ...links });
    const lines = m.text.split('\n');
    expect(lines).toContain(`To join the video visit, open: ${links.joinUrl}`);
    expect(lines).toContain(`Please confirm that you will come: ${links.confirmUrl}`);
    expect(lines).toContain(`If you cannot come, cancel here: ${links.cancelUrl}`);
    const noVideo = { confirmUrl: links.confirmUrl, cancelUrl: links.cancelUrl };
    expect(reminderMessage({ ...base, ...noVideo }).sms).toContain(
      `CST. Confirm: ${links.confirmUrl} Cancel: ${links.cancelUrl}`,
    );
    const es = reminderMessage({ ...base, language: 'es', ...links });
    expect(es.text).toContain(`Para unirse a la consulta por video, abra: ${links.joinUrl}`);
    expect(es.text).toContain(`Por favor, confirme su asistencia: ${links.confirmUrl}`);
    expect(es.text).toContain(`Si no puede asistir, cancele aquí: ${links.cancelUrl}`);
    expect(reminderMessage({ ...base, language: 'es', ...noVideo }).sms).toContain(
      `CST. Confirmar: ${links.confirmUrl} Cancelar: ${links.cancelUrl}`,
    );
    expect(reminderMessage({ ...base, language: 'es', joinUrl: links.joinUrl }).sms).toContain(
      `CST. Consulta por video: ${links.joinUrl}`,
    );
  });

  test('a cancellation carries no links, only where to book again', () => {
    const m = reminderMessage({ ...base, kind: 'cancelled', ...links });
    for (const url of Object.values(links)) {
      expect(m.text).not.toContain(url);
      expect(m.sms).not.toContain(url);
    }
    expect(m.text).toContain('To book another time, please contact Heights Clinic, 1200 Main St.');
  });

  test('when the links do not fit the SMS, confirm goes first, then cancel; the video link stays', () => {
    const long = (c: string) => `https://care.example.org/l/${c.repeat(60)}`;
    const both = reminderMessage({ ...base, ...links, confirmUrl: long('c'), cancelUrl: long('x') });
    expect(both.sms.length).toBeLessThanOrEqual(320);
    expect(both.sms).not.toContain('Confirm:');
    expect(both.sms).toContain(`Cancel: ${long('x')}`);
    expect(both.sms).toContain(links.joinUrl);
    const longer = reminderMessage({ ...base, ...links, confirmUrl: long('c'), cancelUrl: long('x').repeat(2) });
    expect(longer.sms).not.toContain('Cancel:');
    expect(longer.sms).toContain(links.joinUrl);
    expect(longer.text).toContain(long('x').repeat(2)); // the e-mail keeps them all
  });

  test('a long place is shortened in the SMS only', () => {
    const place = `Heights Community Health Center, ${'Building '.repeat(15)}Suite 100`;
    const m = reminderMessage({
      ...base,
      language: 'es',
      place,
      joinUrl: `https://meet.example.org/${'r'.repeat(120)}`,
    });
    expect(m.sms.length).toBeLessThanOrEqual(320);
    expect(m.sms).toContain('Heights Community Health Center, Building');
    expect(m.sms).toContain('…');
    expect(m.text).toContain(place);
  });

  test('the place is one line of text', () => {
    const m = reminderMessage({ ...base, place: '  Heights\nClinic\t\u2028 Room 2  ' });
    expect(m.sms).toContain('at Heights Clinic Room 2 on');
  });

  test.each([
    ['an unknown zone', { timeZone: 'America/Chikago' }, /timeZone/],
    ['an empty place', { place: ' \n ' }, /place/],
    ['a link that is not http(s)', { confirmUrl: 'javascript:alert(1)' }, /confirmUrl/],
    ['a link with a space', { cancelUrl: 'https://x.example/ SECRET-TOKEN' }, /cancelUrl/],
    ['a join link over 150 characters', { joinUrl: `https://meet.example/${'a'.repeat(140)}` }, /joinUrl/],
  ])('refuses %s, without echoing a link', (_name, change, message) => {
    let error: unknown;
    try {
      reminderMessage({ ...base, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('SECRET-TOKEN');
  });
});

describe('reminderMessage: nothing clinical, SMS within 320', () => {
  test('the input has no field for clinical detail, and extra fields never reach the text', () => {
    const withReason = {
      ...base,
      // @ts-expect-error: there is no field for the reason for the visit
      reason: 'ZZ-chemotherapy-ZZ',
    } satisfies AppointmentMessageInput;
    const extra = { ...withReason, serviceType: 'ZZ-oncology-ZZ', specialty: 'ZZ-psychiatry-ZZ', note: 'ZZ-HIV-ZZ' };
    for (const kind of ['booked', 'reminder', 'rescheduled', 'cancelled', 'offered'] as const)
      for (const language of ['en', 'es']) {
        const m = reminderMessage({ ...extra, kind, language } as AppointmentMessageInput);
        expect(`${m.subject}${m.text}${m.sms}`).not.toContain('ZZ');
      }
  });

  test('property: any kind, language, place, links and instant gives an SMS of at most 320 characters with the video link', () => {
    const url = (max: number) =>
      fc.stringMatching(/^[A-Za-z0-9._~/-]*$/, { maxLength: max - 30 }).map((p) => `https://care.example.org/${p}`);
    fc.assert(
      fc.property(
        fc.constantFrom('booked', 'reminder', 'rescheduled', 'cancelled', 'offered'),
        fc.constantFrom('en', 'es', 'es-MX', 'fr'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((s) => /\S/.test(s)),
        fc.option(url(150), { nil: undefined }),
        fc.option(url(500), { nil: undefined }),
        fc.option(url(500), { nil: undefined }),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom('America/Chicago', 'America/New_York', 'Europe/Madrid', 'Asia/Kolkata', 'Pacific/Chatham'),
        (kind, language, place, joinUrl, confirmUrl, cancelUrl, ms, timeZone) => {
          const start = Temporal.Instant.fromEpochMilliseconds(ms);
          const input = { kind, language, place, joinUrl, confirmUrl, cancelUrl, start, timeZone };
          if (place.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ').trim().length > 200) return;
          const m = reminderMessage(input);
          expect(m.sms.length).toBeLessThanOrEqual(320);
          expect(m.sms).not.toContain('\n');
          if (joinUrl && kind !== 'cancelled') expect(m.sms).toContain(joinUrl);
        },
      ),
      { numRuns: 500 },
    );
  });
});
