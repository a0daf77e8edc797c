import type { AuditEvent } from '@medplum/fhirtypes';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from './append.ts';

export type AuditQuery = Readonly<{
  /** `Patient/x` (a bare id is read as a Patient id). */
  patient?: string;
  /** The requesting user's reference, e.g. `Practitioner/7`, or an account's user name. */
  agent?: string;
  /** C, R, U, D or E. */
  action?: string;
  /** The subtype code: `read`, `search-type`, `110122` (login), … */
  subtype?: string;
  /** ISO instants, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** By recorded time, then seq (default newest first). */
  sort?: 'asc' | 'desc';
  count?: number;
  offset?: number;
}>;

export type AuditPage = Readonly<{ events: AuditEvent[]; total: number }>;

const patientRef = (p: string) => (p.includes('/') ? p : `Patient/${p}`);

function where(q: AuditQuery): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (q.patient !== undefined) parts.push(sql`patient_ids @> ARRAY[${patientRef(q.patient)}]::text[]`);
  // A bare user name also finds the events that name the account `user:{name}` (FHIR interactions of an account not
  // linked to a person); sign-ins and administrators' changes name it `{name}`.
  if (q.agent !== undefined)
    parts.push(/[/:]/.test(q.agent) ? sql`agent = ${q.agent}` : sql`agent IN (${q.agent}, ${`user:${q.agent}`})`);
  if (q.action !== undefined) parts.push(sql`action = ${q.action}`);
  if (q.subtype !== undefined) parts.push(sql`subtype = ${q.subtype}`);
  if (q.from !== undefined) parts.push(sql`recorded >= ${q.from}::timestamptz`);
  if (q.to !== undefined) parts.push(sql`recorded < ${q.to}::timestamptz`);
  return sql.join(parts, sql` AND `);
}

/** The administrators' audit search (API and CLI): filters combine with AND; returns one page and the match count. */
export async function searchAuditEvents(exec: Executor, q: AuditQuery): Promise<AuditPage> {
  const order = q.sort === 'asc' ? sql`recorded ASC, seq ASC` : sql`recorded DESC, seq DESC`;
  const count = Math.max(0, Math.min(q.count ?? 50, 1000));
  const { rows } = await sql<{ event: AuditEvent; total: number }>`
    SELECT event, count(*) OVER () AS total FROM audit_event WHERE ${where(q)}
    ORDER BY ${order} LIMIT ${count} OFFSET ${Math.max(0, q.offset ?? 0)}`.execute(exec);
  let total = Number(rows[0]?.total ?? 0);
  // count(*) OVER () is empty past the last page: count separately then.
  if (rows.length === 0 && (q.offset ?? 0) > 0) {
    const { rows: c } = await sql<{ n: number }>`SELECT count(*) AS n FROM audit_event WHERE ${where(q)}`.execute(exec);
    total = Number(c[0]?.n ?? 0);
  }
  return { events: rows.map((r) => r.event), total };
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const actionNames: Record<string, string> = { C: 'create', R: 'read', U: 'update', D: 'delete', E: 'execute' };
const outcomeNames: Record<string, string> = {
  '0': 'success',
  '4': 'minor failure',
  '8': 'serious failure',
  '12': 'major failure',
};

/** One CSV line of a patient's accounting: the event's facts, and of its entities only this patient's own data. */
function disclosureLine(e: AuditEvent, patient: string): string {
  const agent = e.agent?.find((a) => a.requestor) ?? e.agent?.[0];
  const subtype = e.subtype?.[0];
  const what = (e.entity ?? [])
    .filter((x) => x.role?.code !== '1' || x.what?.reference === patient)
    .map((x) => x.what?.reference ?? '')
    .filter(Boolean);
  const purpose = (e.purposeOfEvent ?? agent?.purposeOfUse ?? [])
    .flatMap((c) => c.coding ?? [])
    .map((c) => c.display ?? c.code ?? '')
    .join(' ');
  return [
    e.recorded ?? '',
    agent?.who?.display ? `${agent.who.display} (${agent.who.reference ?? ''})` : (agent?.who?.reference ?? ''),
    `${actionNames[e.action ?? ''] ?? e.action ?? ''} ${subtype?.display ?? subtype?.code ?? ''}`.trim(),
    what.join(' '),
    outcomeNames[e.outcome ?? ''] ?? e.outcome ?? '',
    [purpose, e.outcomeDesc ?? ''].filter(Boolean).join('; '),
  ]
    .map(csvField)
    .join(',');
}

/**
 * A patient's accounting of disclosures (HIPAA 45 CFR 164.528): every audit record that touched the patient, oldest
 * first, as CSV with a header line and CRLF line ends (RFC 4180). Other patients an event touched are left out.
 */
export async function accountingOfDisclosures(
  exec: Executor,
  patientId: string,
  range: Readonly<{ from?: string; to?: string }> = {},
): Promise<string> {
  const patient = patientRef(patientId);
  const lines = ['when,who,action,what,outcome,purpose'];
  for (let offset = 0; ; offset += 1000) {
    const page = await searchAuditEvents(exec, { ...range, patient, sort: 'asc', count: 1000, offset });
    lines.push(...page.events.map((e) => disclosureLine(e, patient)));
    if (page.events.length < 1000) break;
  }
  return `${lines.join('\r\n')}\r\n`;
}
