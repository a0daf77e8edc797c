import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { type Interval, normalize, subtract } from './intervals.ts';
import {
  type AppointmentType,
  busyInterval,
  type CandidateResource,
  findSlots,
  type Slot,
  type SlotSearch,
} from './slots.ts';

const MIN = 60_000;
/** Monday 23 November 2026 at `HH:MM` UTC. */
const m = (hhmm: string) => Date.UTC(2026, 10, 23, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3)));
const span = (text: string): Interval => {
  const [s, e] = text.split('-') as [string, string];
  return { start: m(s), end: m(e) };
};
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
/** A slot as `09:30 practitioner=A(B) room=R2`: start, the chosen resource per role and the alternatives. */
const show = (slots: readonly Slot[]) =>
  slots.map(
    (s) =>
      `${hhmm(s.start)} ${Object.entries(s.resources)
        .map(
          ([role, id]) => `${role}=${id}${s.alternatives[role]!.length ? `(${s.alternatives[role]!.join(',')})` : ''}`,
        )
        .join(' ')}`,
  );
const res = (id: string, ...free: string[]): CandidateResource => ({ id, free: free.map(span) });
const visit = (more: Partial<AppointmentType> = {}): AppointmentType => ({
  durationMinutes: 30,
  stepMinutes: 15,
  roles: ['practitioner'],
  ...more,
});
const search = (more: Partial<SlotSearch>): SlotSearch => ({
  type: visit(),
  candidates: {},
  earliest: m('00:00'),
  horizonEnd: m('23:59'),
  limit: 50,
  ...more,
});

describe('slot search, by example', () => {
  test.each<[string, Partial<SlotSearch>, string[]]>([
    [
      'every 15 minutes while the appointment fits: 09:30 still ends by 10:00',
      { candidates: { practitioner: [res('A', '09:00-10:00')] } },
      ['09:00 practitioner=A', '09:15 practitioner=A', '09:30 practitioner=A'],
    ],
    [
      'buffers (10 before, 5 after) must fit inside the free time too: only 09:15',
      {
        type: visit({ bufferBeforeMinutes: 10, bufferAfterMinutes: 5 }),
        candidates: { practitioner: [res('A', '09:00-10:00')] },
      },
      ['09:15 practitioner=A'],
    ],
    [
      'a 20-minute step',
      { type: visit({ stepMinutes: 20 }), candidates: { practitioner: [res('A', '09:00-10:00')] } },
      ['09:00 practitioner=A', '09:20 practitioner=A'],
    ],
    [
      'the grid holds even when free time starts off it (09:05)',
      { candidates: { practitioner: [res('A', '09:05-10:00')] } },
      ['09:15 practitioner=A', '09:30 practitioner=A'],
    ],
    [
      'earliest and horizonEnd bound the appointment itself: starts 09:10 or later, ends by 09:50',
      { candidates: { practitioner: [res('A', '09:00-12:00')] }, earliest: m('09:10'), horizonEnd: m('09:50') },
      ['09:15 practitioner=A'],
    ],
    [
      'limit keeps the earliest',
      { candidates: { practitioner: [res('A', '09:00-12:00')] }, limit: 2 },
      ['09:00 practitioner=A', '09:15 practitioner=A'],
    ],
    [
      'two practitioners: the first listed is chosen, the other is the alternative',
      { candidates: { practitioner: [res('A', '09:00-09:45'), res('B', '09:15-10:00')] } },
      ['09:00 practitioner=A', '09:15 practitioner=A(B)', '09:30 practitioner=B'],
    ],
    [
      'patient windows: the appointment must lie inside one (10:00–10:45 and 11:00–11:30)',
      {
        candidates: { practitioner: [res('A', '09:00-12:00')] },
        patientWindows: [span('10:00-10:45'), span('11:00-11:30')],
      },
      ['10:00 practitioner=A', '10:15 practitioner=A', '11:00 practitioner=A'],
    ],
    [
      'patient windows given but empty: no slot',
      { candidates: { practitioner: [res('A', '09:00-12:00')] }, patientWindows: [] },
      [],
    ],
  ])('%s', (_name, s, expected) => {
    expect(show(findSlots(search(s)))).toEqual(expected);
  });

  const practitionerAndRoom = (more: Partial<SlotSearch> = {}) =>
    search({
      type: visit({ stepMinutes: 30, roles: ['practitioner', 'room'] }),
      candidates: {
        practitioner: [res('A', '09:00-11:00'), res('B', '10:00-12:00')],
        room: [res('R1', '09:00-10:00'), res('R2', '10:30-12:00')],
      },
      ...more,
    });

  test('practitioner + room: only the times when some pair is free at once', () => {
    // 10:00: A and B are free, but R1 has closed and R2 not yet opened.
    expect(show(findSlots(practitionerAndRoom()))).toEqual([
      '09:00 practitioner=A room=R1',
      '09:30 practitioner=A room=R1',
      '10:30 practitioner=A(B) room=R2',
      '11:00 practitioner=B room=R2',
      '11:30 practitioner=B room=R2',
    ]);
  });

  test('practitioner + room within the patient window 10:00–11:15: only 10:30', () => {
    expect(show(findSlots(practitionerAndRoom({ patientWindows: [span('10:00-11:15')] })))).toEqual([
      '10:30 practitioner=A(B) room=R2',
    ]);
  });

  test('free until a millisecond before the appointment would end is not free then', () => {
    const almost: CandidateResource = { id: 'B', free: [{ start: m('08:00'), end: m('09:30') - 1 }] };
    const slots = findSlots(
      search({ candidates: { practitioner: [res('A', '09:00-09:30'), almost] }, earliest: m('09:00'), limit: 1 }),
    );
    expect(show(slots)).toEqual(['09:00 practitioner=A']);
  });

  test('a role nobody can fill gives no slots', () => {
    expect(
      findSlots(practitionerAndRoom({ candidates: { practitioner: [res('A', '09:00-11:00')], room: [] } })),
    ).toEqual([]);
  });

  test('a booking takes its own buffers; the new slot needs its own around it', () => {
    // Booked 10:00–10:30 with 5 min before and 10 after: busy 09:55–10:40.
    const busy = busyInterval(span('10:00-10:30'), { bufferBeforeMinutes: 5, bufferAfterMinutes: 10 });
    expect(busy).toEqual(span('09:55-10:40'));
    const free = subtract([span('09:00-12:00')], [busy]);
    const slots = findSlots(
      search({
        type: visit({ bufferBeforeMinutes: 5, bufferAfterMinutes: 5 }),
        candidates: { practitioner: [{ id: 'A', free }] },
      }),
    );
    // Needs [t − 5, t + 35) free: 09:05 ≤ t ≤ 09:20 before the booking, 10:45 ≤ t ≤ 11:25 after it.
    expect(slots.map((s) => hhmm(s.start))).toEqual(['09:15', '10:45', '11:00', '11:15']);
    expect(slots[0]!.end - slots[0]!.start).toBe(30 * MIN);
  });

  test('hourly starts in a half-hour zone need a local grid origin (Asia/Kolkata, UTC+05:30)', () => {
    const zone = 'Asia/Kolkata';
    const at = (t: string) => Temporal.PlainDateTime.from(`2026-11-23T${t}`).toZonedDateTime(zone).epochMilliseconds;
    const local = (ms: number) =>
      Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toString().slice(11, 16);
    const s = search({
      type: visit({ stepMinutes: 60 }),
      candidates: { practitioner: [{ id: 'A', free: [{ start: at('09:00'), end: at('12:00') }] }] },
      earliest: at('00:00'),
      horizonEnd: at('23:59'),
    });
    expect(findSlots(s).map((x) => local(x.start))).toEqual(['09:30', '10:30', '11:30']);
    expect(findSlots({ ...s, gridOrigin: at('00:00') }).map((x) => local(x.start))).toEqual([
      '09:00',
      '10:00',
      '11:00',
    ]);
  });

  test.each<[string, Partial<SlotSearch>, RegExp]>([
    [
      'no duration',
      { type: visit({ durationMinutes: 0 }) },
      /^type\.durationMinutes: must be a whole number of minutes ≥ 1/,
    ],
    ['fractional step', { type: visit({ stepMinutes: 7.5 }) }, /^type\.stepMinutes: /],
    ['negative buffer', { type: visit({ bufferAfterMinutes: -5 }) }, /^type\.bufferAfterMinutes: /],
    ['no roles', { type: visit({ roles: [] }) }, /^type\.roles: an appointment needs at least one role/],
    [
      'a role twice',
      { type: visit({ roles: ['nurse', 'nurse'] }), candidates: { nurse: [] } },
      /^type\.roles: a role is listed twice/,
    ],
    ['a role without candidates', { candidates: {} }, /^candidates\.practitioner: no candidate list/],
    [
      'one resource in two roles',
      { type: visit({ roles: ['practitioner', 'room'] }), candidates: { practitioner: [res('X')], room: [res('X')] } },
      /^candidates\.room: X is listed twice/,
    ],
    ['limit 0', { candidates: { practitioner: [] }, limit: 0 }, /^limit: /],
    [
      'earliest not a whole ms',
      { candidates: { practitioner: [] }, earliest: 0.5 },
      /^earliest: must be epoch milliseconds/,
    ],
  ])('refuses %s', (_name, s, message) => {
    expect(() => findSlots(search(s))).toThrow(message);
  });
});

/** The brute-force model: every minute from earliest to horizonEnd, checked minute by minute. */
function bruteForce(s: SlotSearch): string[] {
  const covers = (list: readonly Interval[], from: number, to: number) => {
    for (let t = from; t < to; t += MIN) if (!list.some((i) => i.start <= t && t + MIN <= i.end)) return false;
    return true;
  };
  const { durationMinutes: d, bufferBeforeMinutes: bb = 0, bufferAfterMinutes: ba = 0, stepMinutes = 15 } = s.type;
  const out: string[] = [];
  for (let t = s.earliest; t + d * MIN <= s.horizonEnd && out.length < s.limit; t += MIN) {
    if ((t - (s.gridOrigin ?? 0)) % (stepMinutes * MIN) !== 0) continue;
    if (s.patientWindows && !normalize(s.patientWindows).some((w) => w.start <= t && t + d * MIN <= w.end)) continue;
    const chosen = s.type.roles.map((role) =>
      s.candidates[role]!.filter((c) => covers(c.free, t - bb * MIN, t + (d + ba) * MIN)).map((c) => c.id),
    );
    if (chosen.every((ids) => ids.length > 0))
      out.push(
        `${t / MIN} ${chosen.map((ids, k) => `${s.type.roles[k]}=${ids[0]}(${ids.slice(1).join(',')})`).join(' ')}`,
      );
  }
  return out;
}

const asModel = (slots: readonly Slot[], roles: readonly string[]) =>
  slots.map(
    (x) => `${x.start / MIN} ${roles.map((r) => `${r}=${x.resources[r]}(${x.alternatives[r]!.join(',')})`).join(' ')}`,
  );

describe('slot search, against a brute-force minute-by-minute model', () => {
  // Small worlds on a minute grid (0–240 min) so the model can check every minute.
  const minutes = (n: number) => n * MIN;
  const arbIntervals = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 240 }), fc.integer({ min: 5, max: 150 })), { minLength: 1, maxLength: 4 })
    .map((list) => list.map(([s, len]) => ({ start: minutes(s), end: minutes(s + len) })));
  const arbCandidates = (prefix: string) =>
    fc
      .array(arbIntervals, { minLength: 1, maxLength: 3 })
      .map((frees) => frees.map((free, i) => ({ id: `${prefix}${i}`, free })));
  const arbSearch = fc
    .record({
      durationMinutes: fc.integer({ min: 1, max: 45 }),
      bufferBeforeMinutes: fc.integer({ min: 0, max: 15 }),
      bufferAfterMinutes: fc.integer({ min: 0, max: 15 }),
      stepMinutes: fc.integer({ min: 1, max: 30 }),
      twoRoles: fc.boolean(),
      practitioners: arbCandidates('p'),
      rooms: arbCandidates('r'),
      patientWindows: fc.option(arbIntervals, { nil: undefined, freq: 2 }),
      earliest: fc.integer({ min: 0, max: 120 }),
      horizon: fc.integer({ min: 0, max: 300 }),
      gridOrigin: fc.integer({ min: -300, max: 300 }),
      limit: fc.integer({ min: 1, max: 400 }),
    })
    .map(
      (r): SlotSearch => ({
        type: {
          durationMinutes: r.durationMinutes,
          bufferBeforeMinutes: r.bufferBeforeMinutes,
          bufferAfterMinutes: r.bufferAfterMinutes,
          stepMinutes: r.stepMinutes,
          roles: r.twoRoles ? ['practitioner', 'room'] : ['practitioner'],
        },
        candidates: r.twoRoles ? { practitioner: r.practitioners, room: r.rooms } : { practitioner: r.practitioners },
        ...(r.patientWindows ? { patientWindows: r.patientWindows } : {}),
        earliest: minutes(r.earliest),
        horizonEnd: minutes(r.earliest + r.horizon),
        gridOrigin: minutes(r.gridOrigin),
        limit: r.limit,
      }),
    );

  test('property: exactly the slots the model finds — none missed, every chosen resource free with its buffers, all inside the patient windows and horizon', () => {
    fc.assert(
      fc.property(arbSearch, (s) => {
        expect(asModel(findSlots(s), s.type.roles)).toEqual(bruteForce(s));
      }),
      { numRuns: 400 },
    );
  });

  test('property: the worlds are not vacuous (about half of them have slots)', () => {
    let withSlots = 0;
    fc.assert(
      fc.property(arbSearch, (s) => {
        if (bruteForce(s).length > 0) withSlots++;
      }),
      { numRuns: 200 },
    );
    expect(withSlots).toBeGreaterThan(50); // about half, in practice
  });
});
