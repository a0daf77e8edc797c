import type { Kysely } from 'kysely';
import { type Actor, auditAgent } from '../access/actor.ts';
import type { Clock } from '../clock.ts';
import type { Tables } from '../db/index.ts';
import { appendAuditEvents } from './append.ts';
import type { AuditBatcher } from './batcher.ts';
import { type AuditEventInput, type AuditOutcome, type AuditSubtype, buildAuditEvent } from './build-event.ts';

type Action = 'C' | 'R' | 'U' | 'D' | 'E';

/** What the store saw one call do: the interaction, and whose data and which resources it touched. */
export type AuditNote = Readonly<{
  action: Action;
  subtype: AuditSubtype;
  patients: readonly string[];
  entities: readonly string[];
}>;

/** The interaction a request is, named by the HTTP layer (so `$everything`'s reads are one `operation` event). */
export type Interaction = Readonly<{ action: Action; subtype: AuditSubtype; operation?: string }>;

/**
 * Collects what one interaction touched and writes it as exactly one AuditEvent. The store notes each call; a write
 * transaction flushes inside itself (the record commits with the change, or neither does); reads are flushed by the
 * caller before it answers (`deferReads`, the HTTP layer) or right away (CLI, jobs). The system actor's reads are
 * internal processing and not recorded; its writes are.
 */
export type AuditRecorder = {
  readonly actor: Actor;
  readonly deferReads: boolean;
  /** Names the interaction (the HTTP layer does, from the route); otherwise the first note names it. */
  interaction: Interaction | undefined;
  note(note: AuditNote): void;
  /** True when nothing is waiting to be recorded. */
  readonly idle: boolean;
  /** Appends one event for everything noted since the last flush (no-op when nothing was). */
  flush(exec: Kysely<Tables>, outcome?: AuditOutcome, outcomeDesc?: string): Promise<void>;
  /**
   * Ends a successful interaction: writes what is pending, or, when nothing was recorded at all (a delete of
   * nothing, a kick-off), one event for the interaction itself.
   */
  conclude(exec: Kysely<Tables>): Promise<void>;
  /** Records a failed interaction that touched nothing (the caller decides the outcome from the status). */
  fail(exec: Kysely<Tables>, outcome: AuditOutcome, outcomeDesc: string): Promise<void>;
  /** How many events this recorder wrote (tests and request accounting). */
  readonly written: number;
  /** The notes so far, to drop the ones of a transaction attempt that is retried. */
  checkpoint(): number;
  restore(checkpoint: number): void;
};

export function createAuditRecorder(
  actor: Actor,
  clock: Clock,
  options: { deferReads?: boolean; batcher?: AuditBatcher } = {},
): AuditRecorder {
  let pending: AuditNote[] = [];
  let written = 0;
  const write = async (exec: Kysely<Tables>, outcome: AuditOutcome, outcomeDesc?: string) => {
    const notes = pending;
    const first = notes[0];
    const named = recorder.interaction ?? (first ? { action: first.action, subtype: first.subtype } : undefined);
    if (!named) return;
    const writes = notes.filter((n) => n.action !== 'R');
    // A write transaction that also read (a conditional update, a transaction Bundle) is recorded as its write.
    const action = recorder.interaction?.action ?? writes[0]?.action ?? named.action;
    const subtype =
      recorder.interaction?.subtype ?? (writes.length > 1 ? 'transaction' : (writes[0]?.subtype ?? named.subtype));
    const event = buildAuditEvent({
      action,
      subtype,
      ...(recorder.interaction?.operation ? { operation: recorder.interaction.operation } : {}),
      outcome,
      ...(outcomeDesc ? { outcomeDesc } : {}),
      agent: auditAgent(actor),
      patients: [...new Set(notes.flatMap((n) => n.patients))].map((p) => `Patient/${p}`),
      entities: [...new Set(notes.flatMap((n) => n.entities))].map((reference) => ({ reference })),
      recorded: clock.now().toString({ fractionalSecondDigits: 3 }),
    });
    // Inside the caller's transaction (a write: the record commits with it); otherwise in a batch with the other
    // requests' reads (group commit), or in a transaction of its own.
    if (exec.isTransaction) await appendAuditEvents(exec, [event], clock);
    else if (options.batcher) await options.batcher.append(event);
    else await exec.transaction().execute((tx) => appendAuditEvents(tx, [event], clock));
    pending = [];
    written++;
  };
  const recorder: AuditRecorder = {
    actor,
    deferReads: options.deferReads ?? false,
    interaction: undefined,
    note(n) {
      if (actor.kind === 'system' && n.action === 'R') return;
      pending.push(n);
    },
    get idle() {
      return pending.length === 0;
    },
    flush: (exec, outcome = 'success', desc) => (pending.length === 0 ? Promise.resolve() : write(exec, outcome, desc)),
    async conclude(exec) {
      if (pending.length > 0 || written === 0) await write(exec, 'success');
    },
    async fail(exec, outcome, desc) {
      if (!recorder.interaction) return;
      pending = [];
      await write(exec, outcome, desc);
    },
    get written() {
      return written;
    },
    checkpoint: () => pending.length,
    restore(n) {
      pending = pending.slice(0, n);
    },
  };
  return recorder;
}

/**
 * Records one event that is not a store interaction (sign-in, sign-out, break-the-glass, a role change) in a
 * transaction of its own, or in the caller's when `exec` is one.
 */
export async function recordAuditEvent(exec: Kysely<Tables>, clock: Clock, input: AuditEventInput): Promise<void> {
  const event = buildAuditEvent(input);
  if (exec.isTransaction) await appendAuditEvents(exec, [event], clock);
  else await exec.transaction().execute((tx) => appendAuditEvents(tx, [event], clock));
}
