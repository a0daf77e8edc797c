import type { Resource } from '@medplum/fhirtypes';
import { type Kysely, sql } from 'kysely';
import type { Db, Tables } from '../db/index.ts';

/**
 * The change feed: every write of a live type sends a PostgreSQL NOTIFY on {@link CHANGE_CHANNEL} in the writing
 * transaction, so it is delivered when (and only if) the transaction commits, to every server replica listening.
 * Live views (the worklist's server-sent events) use it to refresh within a second. A change names the resource, its
 * version, its patients and its security labels — ids only, no content — so a listener can tell who may hear of it.
 * Only the types live views show take part: a NOTIFY serializes commits slightly, which bulk writes of other types
 * need not pay.
 */
const CHANGE_CHANNEL = 'careloop_change';
const LIVE_TYPES: ReadonlySet<string> = new Set(['Task']);

export type Change = Readonly<{
  resourceType: string;
  id: string;
  versionId: number;
  deleted: boolean;
  patients: readonly string[];
  labels: readonly { system?: string; code?: string }[];
}>;

type Written = Readonly<{
  resourceType: string;
  id: string;
  versionId: number;
  content: Resource | null;
  patients: readonly string[];
}>;

// PostgreSQL's NOTIFY payload limit is 8,000 bytes.
const maxPayload = 7_000;

/** Sends the changes of the live types among `written`, in as few NOTIFYs as the payload limit allows. */
export async function notifyChanges(exec: Kysely<Tables>, written: readonly Written[]): Promise<void> {
  const lines = written
    .filter((w) => LIVE_TYPES.has(w.resourceType))
    .map((w) =>
      JSON.stringify({
        resourceType: w.resourceType,
        id: w.id,
        versionId: w.versionId,
        deleted: w.content === null,
        patients: w.patients,
        labels: (w.content?.meta?.security ?? []).map((s) => ({ system: s.system, code: s.code })),
      } satisfies Change),
    );
  let batch: string[] = [];
  let size = 2;
  const send = async () => {
    if (batch.length) await sql`SELECT pg_notify(${CHANGE_CHANNEL}, ${`[${batch.join(',')}]`})`.execute(exec);
    batch = [];
    size = 2;
  };
  for (const line of lines) {
    if (size + line.length + 1 > maxPayload) await send();
    batch.push(line);
    size += line.length + 1;
  }
  await send();
}

/** Calls `onChange` for every committed change of a live type, from any replica; resolves to an unsubscribe. */
export function watchChanges(db: Db, onChange: (change: Change) => void): Promise<() => Promise<void>> {
  return db.listen(CHANGE_CHANNEL, (payload) => {
    let changes: unknown;
    try {
      changes = JSON.parse(payload);
    } catch {
      return;
    }
    if (Array.isArray(changes)) for (const c of changes) onChange(c as Change);
  });
}
