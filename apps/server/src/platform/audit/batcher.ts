import type { AuditEvent } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Tables } from '../db/index.ts';
import { appendAuditEvents } from './append.ts';

/** Appends AuditEvents outside a caller's transaction; resolves once the event is committed. */
export type AuditBatcher = Readonly<{ append(event: AuditEvent): Promise<void> }>;

type Waiting = { event: AuditEvent; resolve(): void; reject(error: unknown): void };

/**
 * Group commit for the audit events of reads: every append made while one batch is being written goes into the next
 * batch, one transaction for all of them, so concurrent reads take the chain's anchor lock once per batch instead of
 * once each. Each caller still waits until its own event is committed (a read is answered only after that), and a
 * failed batch fails every request in it.
 */
export function createAuditBatcher(db: Kysely<Tables>, clock: Clock, maxBatch = 500): AuditBatcher {
  let queue: Waiting[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await db.transaction().execute((tx) =>
          appendAuditEvents(
            tx,
            batch.map((w) => w.event),
            clock,
          ),
        );
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    running = false;
  };
  return {
    append(event) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}
