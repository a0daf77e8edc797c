import type { Consent, RelatedPerson } from '@medplum/fhirtypes';
import { type Kysely, sql } from 'kysely';
import type { Tables } from '../db/index.ts';
import type { Relationship } from './policy.ts';

type Executor = Kysely<Tables>;

/** The code system of CareLoop's staff roles on PractitionerRole.code (care-coordinator, supervisor). */
export const STAFF_ROLE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/staff-role';

/**
 * Patients of one practitioner's relationships: active CareTeams listing them as a member, encounters in progress and
 * open appointments they take part in — the `care_relationship` table, which triggers keep in step with every write
 * of those resources (migration 0011 says which statuses count). `team` widens it to the caseloads of the care
 * coordinators who work in an organization where this practitioner is a supervisor.
 */
async function practitionerPatients(exec: Executor, practitionerId: string, team: boolean): Promise<string[]> {
  const members = team
    ? sql`SELECT ${practitionerId} AS id UNION
        SELECT cp.target_id FROM sp_reference sup
        JOIN resource sr ON sr.rid = sup.rid AND NOT sr.deleted
          AND sr.content->'code' @> ${JSON.stringify([{ coding: [{ system: STAFF_ROLE_SYSTEM, code: 'supervisor' }] }])}::jsonb
        JOIN sp_reference so ON so.rid = sup.rid AND so.sp = 'PractitionerRole:organization'
        JOIN sp_reference co ON co.sp = 'PractitionerRole:organization' AND co.target_id = so.target_id
        JOIN resource cr ON cr.rid = co.rid AND NOT cr.deleted
          AND cr.content->'code' @> ${JSON.stringify([{ coding: [{ system: STAFF_ROLE_SYSTEM, code: 'care-coordinator' }] }])}::jsonb
        JOIN sp_reference cp ON cp.rid = co.rid AND cp.sp = 'PractitionerRole:practitioner'
        WHERE sup.sp = 'PractitionerRole:practitioner' AND sup.target_type = 'Practitioner' AND sup.target_id = ${practitionerId}`
    : sql`SELECT ${practitionerId} AS id`;
  const { rows } = await sql<{ p: string }>`
    WITH who AS (${members})
    SELECT DISTINCT patient AS p FROM care_relationship WHERE practitioner IN (SELECT id FROM who)`.execute(exec);
  return rows.map((r) => r.p);
}

/** The patients a RelatedPerson acts for: an active RelatedPerson whose period has not ended. */
async function proxyPatients(exec: Executor, relatedPersonId: string, now: string): Promise<string[]> {
  const { rows } = await sql<{ content: RelatedPerson }>`
    SELECT content FROM resource WHERE resource_type = 'RelatedPerson' AND id = ${relatedPersonId} AND NOT deleted`.execute(
    exec,
  );
  const person = rows[0]?.content;
  if (!person || person.active === false) return [];
  if (person.period?.start && person.period.start > now) return [];
  if (person.period?.end && person.period.end < now) return [];
  const id = /^Patient\/([A-Za-z0-9.-]{1,64})$/.exec(person.patient?.reference ?? '')?.[1];
  return id ? [id] : [];
}

/** Patients opened by break-the-glass whose grant has not expired. */
async function grantedPatients(exec: Executor, userId: string, now: string): Promise<string[]> {
  const { rows } = await sql<{ patient_id: string }>`
    SELECT DISTINCT patient_id FROM access_grant WHERE user_id = ${userId} AND expires_at > ${now}::timestamptz`.execute(
    exec,
  );
  return rows.map((r) => r.patient_id);
}

export type Person = Readonly<{ userId: string; reference: string | null }>;

/** Every patient the person reaches through the given relationships. */
export async function patientsReached(
  exec: Executor,
  person: Person,
  relationships: ReadonlySet<Relationship>,
  now: string,
): Promise<Set<string>> {
  const [type, id] = (person.reference ?? '/').split('/') as [string, string];
  const out = new Set<string>();
  const add = (ids: readonly string[]) => {
    for (const p of ids) out.add(p);
  };
  if (type === 'Practitioner' && (relationships.has('caseload') || relationships.has('team')))
    add(await practitionerPatients(exec, id, relationships.has('team')));
  if (type === 'Patient' && relationships.has('self')) out.add(id);
  if (type === 'RelatedPerson' && relationships.has('proxy')) add(await proxyPatients(exec, id, now));
  if (relationships.has('grants')) add(await grantedPatients(exec, person.userId, now));
  return out;
}

/**
 * Sensitive labels each patient has consented to show this person: active permit Consents of those patients whose
 * provision names the person (or, for a practitioner, any of their organizations is not modelled) within its period.
 * Returns label code → patient ids.
 */
export async function consentedLabels(
  exec: Executor,
  reference: string | null,
  patients: readonly string[],
  now: string,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const [type, id] = (reference ?? '').split('/');
  if (!type || !id || patients.length === 0) return out;
  // Found through the Consents that name this person (the Consent:actor index), not through every Consent of their
  // patients: a caseload has hundreds of patients, the Consents naming one coordinator are few.
  const { rows: found } = await sql<{ content: Consent }>`
    SELECT r.content FROM sp_reference x JOIN resource r ON r.rid = x.rid AND NOT r.deleted
    WHERE x.sp = 'Consent:actor' AND x.target_id = ${id} AND x.target_type = ${type}
      AND r.content->>'status' = 'active'`.execute(exec);
  const mine = new Set(patients);
  const rows = found.filter(({ content }) =>
    mine.has(/^Patient\/(.+)$/.exec(content.patient?.reference ?? '')?.[1] ?? ''),
  );
  for (const { content: consent } of rows) {
    const patient = /^Patient\/(.+)$/.exec(consent.patient?.reference ?? '')?.[1];
    const p = consent.provision;
    if (!patient || !p || p.type !== 'permit') continue;
    if (p.period?.start && p.period.start > now) continue;
    if (p.period?.end && p.period.end < now) continue;
    if (!p.actor?.some((a) => a.reference?.reference === reference)) continue;
    for (const label of p.securityLabel ?? []) {
      if (!label.code) continue;
      const set = out.get(label.code) ?? new Set<string>();
      set.add(patient);
      out.set(label.code, set);
    }
  }
  return out;
}
