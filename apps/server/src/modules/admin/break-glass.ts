import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from '@careloop/fhir';
import { sql } from 'kysely';
import type { Actor } from '../../platform/access/index.ts';
import { recordAuditEvent } from '../../platform/audit/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import { requireRole } from './require-role.ts';

export type BreakGlassCtx = Readonly<{ db: Db; clock: Clock; actor: Actor; minutes: number }>;

export type Grant = Readonly<{
  id: string;
  username: string;
  patient: string;
  reason: string;
  grantedAt: string;
  expiresAt: string;
  reviewedAt: string | null;
  reviewNote: string | null;
}>;

const ID = /^[A-Za-z0-9.-]{1,64}$/;

/**
 * Break-the-glass: a staff member opens a patient outside their relationships by stating why. The grant lasts
 * `minutes`, is an AuditEvent (purpose of use ETREAT) and waits for the privacy officer's review. The patient must
 * exist, but the answer does not say so: an unknown id gets a grant that shows nothing.
 */
export async function breakTheGlass(ctx: BreakGlassCtx, input: { patient: string; reason: string }): Promise<Grant> {
  const actor = requireRole(ctx.actor, ['supervisor', 'care-coordinator', 'clinician']);
  const patient = input.patient.replace(/^Patient\//, '');
  if (!ID.test(patient)) throw new OutcomeError(badRequest('patient must be a Patient id', 'patient'));
  const reason = input.reason.trim();
  if (reason.length < 10) throw new OutcomeError(badRequest('state the reason in at least 10 characters', 'reason'));
  const now = ctx.clock.now();
  const id = randomUUID();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    await sql`
      INSERT INTO access_grant (id, user_id, patient_id, reason, granted_at, expires_at)
      VALUES (${id}, ${actor.userId}, ${patient}, ${reason}, ${now.toString()}::timestamptz,
        ${now.add({ minutes: ctx.minutes }).toString()}::timestamptz)`.execute(tx);
    await recordAuditEvent(tx, ctx.clock, {
      action: 'E',
      subtype: 'break-the-glass',
      outcome: 'success',
      purposeOfUse: 'ETREAT',
      agent: {
        ...(actor.reference ? { reference: actor.reference } : {}),
        display: actor.username,
        ip: actor.ip ?? '',
      },
      patients: [`Patient/${patient}`],
      entities: [],
      recorded: now.toString(),
    });
  });
  return (await listGrants(ctx, { id }))[0] as Grant;
}

/** Grants for the privacy officer (supervisor or administrator), newest first; `pending` only unreviewed ones. */
export async function listGrants(
  ctx: Omit<BreakGlassCtx, 'minutes'>,
  filter: { pending?: boolean; id?: string } = {},
): Promise<Grant[]> {
  if (filter.id === undefined) requireRole(ctx.actor, ['supervisor', 'administrator']);
  const { rows } = await sql<{
    id: string;
    username: string;
    patient_id: string;
    reason: string;
    granted_at: Date | string;
    expires_at: Date | string;
    reviewed_at: Date | string | null;
    review_note: string | null;
  }>`
    SELECT g.id, u.username, g.patient_id, g.reason, g.granted_at, g.expires_at, g.reviewed_at, g.review_note
    FROM access_grant g JOIN app_user u ON u.id = g.user_id
    WHERE true ${filter.pending ? sql`AND g.reviewed_at IS NULL` : sql``} ${filter.id ? sql`AND g.id::text = ${filter.id}` : sql``}
    ORDER BY g.granted_at DESC LIMIT 500`.execute(ctx.db.kysely);
  const iso = (v: Date | string) => new Date(v).toISOString();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    patient: `Patient/${r.patient_id}`,
    reason: r.reason,
    grantedAt: iso(r.granted_at),
    expiresAt: iso(r.expires_at),
    reviewedAt: r.reviewed_at === null ? null : iso(r.reviewed_at),
    reviewNote: r.review_note,
  }));
}

/** The privacy officer marks a grant reviewed, with a note. */
export async function reviewGrant(ctx: Omit<BreakGlassCtx, 'minutes'>, id: string, note: string): Promise<Grant> {
  const actor = requireRole(ctx.actor, ['supervisor', 'administrator']);
  const { rows } = await sql`
    UPDATE access_grant SET reviewed_at = ${ctx.clock.now().toString()}::timestamptz, reviewed_by = ${actor.userId},
      review_note = ${note.slice(0, 2000)}
    WHERE id::text = ${id} RETURNING id`.execute(ctx.db.kysely);
  if (rows.length === 0) throw new OutcomeError(notFound('no such break-the-glass grant'), 404);
  return (await listGrants(ctx, { id }))[0] as Grant;
}
