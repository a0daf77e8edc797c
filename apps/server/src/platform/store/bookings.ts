import { conflict } from '@careloop/fhir';
import { sql } from 'kysely';
import { OutcomeError } from '../errors.ts';
import type { Executor } from './write.ts';

/** One busy period of a practitioner, location or device (appointment_booking, migration 0012); epoch ms. */
export type Busy = Readonly<{ actor: string; start: number; end: number }>;

/**
 * The busy periods of `actors` (`Practitioner/…`, `Location/…`, `Device/…`) overlapping `[start, end)`: booked
 * appointments with their buffers, and holds that have not lapsed by `now`. Only times — no appointment, patient or
 * reason — so what it reveals is when a resource is taken, as a booking page shows. In no particular order (sorting
 * tens of thousands of rows by actor cost more than the scan; callers normalize per actor).
 */
export async function bookings(
  exec: Executor,
  actors: readonly string[],
  window: { start: string; end: string },
  now: string,
): Promise<Busy[]> {
  if (actors.length === 0) return [];
  const { rows } = await sql<{ actor: string; s: number; e: number }>`
    SELECT actor, (extract(epoch FROM lower(during)) * 1000)::float8 AS s, (extract(epoch FROM upper(during)) * 1000)::float8 AS e
    FROM appointment_booking
    WHERE actor = ANY(${[...actors]}::text[]) AND during && tstzrange(${window.start}::timestamptz, ${window.end}::timestamptz, '[)')
      AND (hold_until IS NULL OR hold_until > ${now}::timestamptz)`.execute(exec);
  return rows.map((r) => ({ actor: r.actor, start: Number(r.s), end: Number(r.e) }));
}

/**
 * Frees the time of holds on `actors` overlapping `[start, end)` that lapsed by `now`, so a booking of that time
 * can go ahead in the same transaction; the lapsed holds themselves are cancelled by the scheduling job.
 */
export async function releaseLapsedHolds(
  exec: Executor,
  actors: readonly string[],
  window: { start: string; end: string },
  now: string,
): Promise<void> {
  if (actors.length === 0) return;
  await sql`
    DELETE FROM appointment_booking
    WHERE actor = ANY(${[...actors]}::text[]) AND during && tstzrange(${window.start}::timestamptz, ${window.end}::timestamptz, '[)')
      AND hold_until IS NOT NULL AND hold_until <= ${now}::timestamptz`.execute(exec);
}

/** The database refused a booking that overlaps another of the same resource: a 409 naming no one. */
export function bookingConflict(e: unknown): OutcomeError | undefined {
  const err = e as { code?: string; constraint?: string };
  if (err.code !== '23P01' || err.constraint !== 'appointment_booking_no_overlap') return undefined;
  return new OutcomeError(
    conflict(
      'That time is no longer free: another booking of the same practitioner, room or device overlaps it',
      'Appointment.start',
    ),
    409,
  );
}
