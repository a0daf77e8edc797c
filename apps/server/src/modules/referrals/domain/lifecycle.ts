import type { Task } from '@medplum/fhirtypes';

/**
 * Where one offer of a referral to one receiver stands (issue #6). The referral itself is the ServiceRequest; each
 * receiver it is offered to has a Task that tracks it through these stages, kept in `Task.businessStatus` (CareLoop's
 * code system below) with the matching FHIR `Task.status`.
 */
export type Stage =
  | 'draft'
  | 'sent'
  | 'received'
  | 'accepted'
  | 'declined'
  | 'scheduled'
  | 'seen'
  | 'report-received'
  | 'closed'
  | 'cancelled'
  | 'withdrawn'
  | 'expired';

export const STAGE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/referral-stage';

/** Who moves a referral on: the referring side, the receiving side, or CareLoop itself (time-outs, withdrawals). */
export type Party = 'referrer' | 'receiver' | 'system';

/** FHIR R4 task-status for each stage: what a system that knows only FHIR reads. */
export const TASK_STATUS: Record<Stage, Task['status']> = {
  draft: 'draft',
  sent: 'requested',
  received: 'received',
  accepted: 'accepted',
  declined: 'rejected',
  scheduled: 'in-progress',
  seen: 'in-progress',
  'report-received': 'in-progress',
  closed: 'completed',
  cancelled: 'cancelled',
  withdrawn: 'cancelled',
  expired: 'failed',
};

/** Stages an offer can leave no more. */
export const FINAL: ReadonlySet<Stage> = new Set(['declined', 'closed', 'cancelled', 'withdrawn', 'expired']);

/** Stages in which an offer is still waiting for the receiver's answer. */
export const AWAITING: ReadonlySet<Stage> = new Set(['sent', 'received']);

// The loop: draft → sent → received → accepted/declined → scheduled → seen → report received → closed; cancel at any
// point before closing. A receiver may accept straight from `sent` (receipt is implied), may report having seen the
// patient without a booking CareLoop knows of, and may send the report before saying the patient came.
const NEXT: Record<Stage, Partial<Record<Stage, readonly Party[]>>> = {
  draft: { sent: ['referrer'], cancelled: ['referrer'] },
  sent: {
    received: ['receiver'],
    accepted: ['receiver'],
    declined: ['receiver'],
    withdrawn: ['referrer', 'system'],
    expired: ['system'],
    cancelled: ['referrer'],
  },
  received: {
    accepted: ['receiver'],
    declined: ['receiver'],
    withdrawn: ['referrer', 'system'],
    expired: ['system'],
    cancelled: ['referrer'],
  },
  accepted: {
    scheduled: ['receiver', 'referrer'],
    seen: ['receiver'],
    'report-received': ['receiver', 'referrer'],
    cancelled: ['referrer'],
  },
  scheduled: {
    scheduled: ['receiver', 'referrer'],
    seen: ['receiver', 'referrer'],
    'report-received': ['receiver', 'referrer'],
    cancelled: ['referrer'],
  },
  seen: { 'report-received': ['receiver', 'referrer'], cancelled: ['referrer'] },
  'report-received': { closed: ['referrer'] },
  declined: {},
  closed: {},
  cancelled: {},
  withdrawn: {},
  expired: {},
};

/** Why `by` may not move an offer from `from` to `to`, or undefined when it may. */
export function refusal(from: Stage, to: Stage, by: Party): string | undefined {
  const allowed = NEXT[from][to];
  if (!allowed) return `A referral that is ${from} cannot become ${to}`;
  if (!allowed.includes(by)) return `Only the ${allowed.join(' or ')} can make a ${from} referral ${to}`;
  return undefined;
}

/** The stages `by` can move an offer to from `from` (for the UI's buttons and the docs). */
export const nextStages = (from: Stage, by: Party): Stage[] =>
  (Object.entries(NEXT[from]) as [Stage, readonly Party[]][]).filter(([, who]) => who.includes(by)).map(([s]) => s);

export const isStage = (code: string | undefined): code is Stage => code !== undefined && Object.hasOwn(NEXT, code);

/**
 * The shortest run of steps `by` may make from `from` to `to` (e.g. sent → accepted → scheduled), or undefined when
 * there is none: how a remote receiver's progress is applied when it moved more than one stage between two reads.
 */
export function pathTo(from: Stage, to: Stage, by: Party): Stage[] | undefined {
  const previous = new Map<Stage, Stage>();
  const queue: Stage[] = [from];
  while (queue.length > 0) {
    const at = queue.shift() as Stage;
    if (at === to) {
      const path: Stage[] = [];
      for (let s: Stage = to; s !== from; s = previous.get(s) as Stage) path.unshift(s);
      return path;
    }
    for (const next of nextStages(at, by))
      if (next !== from && !previous.has(next)) {
        previous.set(next, at);
        queue.push(next);
      }
  }
  return undefined;
}
