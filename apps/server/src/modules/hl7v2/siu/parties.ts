import type { Hl7Message, Hl7Segment } from '@medplum/core';
import type { CodeableConcept, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { V2Error } from '../ack.ts';
import { v2Date } from '../timestamp.ts';
import {
  authoritySystem,
  codeableConcept,
  comp,
  humanName,
  identifier,
  rawField,
  repetitions,
  segments,
  sub,
  tokenParam,
} from '../v2.ts';

/**
 * Who and what an appointment involves, read from the SIU's PID and resource segments (HL7 v2.8 §10.6: AIP personnel,
 * AIL locations, AIG general resources). Each is known by one identifier so it can be found, or created once, in the
 * store; SCH-16 (filler contact) and SCH-20 (entered by) are not participants and are not read.
 */

/** A patient as PID describes one: the identifiers to find them by, and what a new Patient is made of. */
export type PatientInfo = Readonly<{
  identifiers: Identifier[];
  names: HumanName[];
  birthDate: string | undefined;
  gender: Patient['gender'] | undefined;
}>;

/** A practitioner, location or device taking part. */
export type Party = Readonly<{
  identifier: Identifier;
  name?: HumanName | undefined;
  display?: string | undefined;
  /** AIP-4 role (participant type), AIL-4 location type, AIG-4 resource type. */
  type?: CodeableConcept | undefined;
}>;

/** HL7 table 0001 administrative sex; other (user-defined) codes leave gender empty. */
const genders: Record<string, Patient['gender']> = { M: 'male', F: 'female', O: 'other', A: 'other', U: 'unknown' };

/** Every PID (HL7 v2.8 §3.4.2); at least one is needed: CareLoop mirrors appointments of patients. */
export function readPatients(message: Hl7Message, sender: string): PatientInfo[] {
  const pids = segments(message, 'PID');
  if (!pids.length) throw new V2Error('AE', 100, 'The message has no PID segment', { segment: 'PID' });
  return pids.map((pid, i) => readPatient(pid, i + 1, sender));
}

function readPatient(pid: Hl7Segment, sequence: number, sender: string): PatientInfo {
  const identifiers: Identifier[] = [];
  // PID-3 patient identifier list (CX): id ^ check digit ^ scheme ^ assigning authority (HD as subcomponents) ^ type.
  for (let rep = 0; rep < repetitions(pid, 3); rep++) {
    const value = comp(pid, 3, 1, rep);
    if (!value) continue;
    const system = authoritySystem(sub(pid, 3, 4, 1, rep), sub(pid, 3, 4, 2, rep), sub(pid, 3, 4, 3, rep));
    identifiers.push(identifier(system ?? `${sender}:patient`, value, comp(pid, 3, 5, rep) || undefined));
  }
  if (!identifiers.length) {
    throw new V2Error('AE', 101, 'PID-3 has no patient identifier', { segment: 'PID', field: 3, sequence });
  }
  const names: HumanName[] = [];
  for (let rep = 0; rep < repetitions(pid, 5); rep++) {
    const name = humanName(pid, 5, rep);
    if (name) names.push(name);
  }
  const birth = comp(pid, 7);
  const birthDate = birth ? v2Date(birth) : undefined;
  if (birthDate && !birthDate.ok) {
    throw new V2Error('AE', 102, `PID-7 ${birthDate.problem}`, { segment: 'PID', field: 7, sequence });
  }
  return {
    identifiers: unique(identifiers),
    names,
    birthDate: birthDate?.value,
    gender: genders[comp(pid, 8).toUpperCase()],
  };
}

/** True for a resource segment that the message deletes from the appointment (AIx-2 segment action code `D`). */
const isDeleted = (seg: Hl7Segment) => comp(seg, 2).toUpperCase() === 'D';

/**
 * AIP personnel (AIP-3 XCN: id ^ family ^ given ^ middle …, assigning authority in component 9, identifier type in
 * 13; AIP-4 role), known by their id in the assigning authority's system or, without one, the sender's.
 */
export function readPractitioners(message: Hl7Message, sender: string): Party[] {
  const out = segments(message, 'AIP').flatMap((aip, i) => {
    if (isDeleted(aip)) return [];
    const value = comp(aip, 3);
    if (!value) throw new V2Error('AE', 101, 'AIP-3.1 (personnel id) is empty', at('AIP', i, 3, 1));
    const system = authoritySystem(sub(aip, 3, 9, 1), sub(aip, 3, 9, 2), sub(aip, 3, 9, 3));
    return [
      {
        identifier: identifier(system ?? `${sender}:practitioner`, value, comp(aip, 3, 13) || undefined),
        name: humanName(aip, 3, 0, 2),
        type: codeableConcept(aip, 4, sender),
      },
    ];
  });
  return uniqueParties(out);
}

/**
 * AIL locations (AIL-3 PL: point of care ^ room ^ bed ^ facility ^ status ^ type ^ building ^ floor ^ description ^
 * comprehensive id ^ assigning authority; AIL-4 location type). Known by PL-10 when sent, otherwise by the location's
 * place in the sender's hierarchy: components 1–4, 7 and 8 as sent, joined with `^`.
 */
export function readLocations(message: Hl7Message, sender: string): Party[] {
  const out = segments(message, 'AIL').flatMap((ail, i) => {
    if (isDeleted(ail)) return [];
    const comprehensive = sub(ail, 3, 10, 1);
    const system = comprehensive
      ? authoritySystem(sub(ail, 3, 10, 2), sub(ail, 3, 10, 3), sub(ail, 3, 10, 4))
      : undefined;
    const value = comprehensive || rawField(ail, 3, [1, 2, 3, 4, 7, 8]);
    if (!value) throw new V2Error('AE', 101, 'AIL-3 (location) is empty', at('AIL', i, 3));
    const parts = [
      sub(ail, 3, 4, 1),
      comp(ail, 3, 7),
      comp(ail, 3, 8),
      comp(ail, 3, 1),
      comp(ail, 3, 2),
      comp(ail, 3, 3),
    ];
    return [
      {
        identifier: identifier(system ?? `${sender}:location`, value),
        display: comp(ail, 3, 9) || parts.filter(Boolean).join(' '),
        type: codeableConcept(ail, 4, sender),
      },
    ];
  });
  return uniqueParties(out);
}

/**
 * AIG general resources that are equipment (AIG-4 resource type code or text naming equipment or a device), as
 * Devices known by AIG-3.1 in the sender's system. Other general resources are not mirrored.
 */
export function readDevices(message: Hl7Message, sender: string): Party[] {
  const out = segments(message, 'AIG').flatMap((aig, i) => {
    if (isDeleted(aig) || !/equip|device/i.test(`${comp(aig, 4)} ${comp(aig, 4, 2)}`)) return [];
    const value = comp(aig, 3);
    if (!value) throw new V2Error('AE', 101, 'AIG-3.1 (resource id) is empty', at('AIG', i, 3, 1));
    return [
      {
        identifier: identifier(`${sender}:device`, value),
        display: comp(aig, 3, 2) || undefined,
        type: codeableConcept(aig, 4, sender),
      },
    ];
  });
  return uniqueParties(out);
}

const at = (segment: string, index: number, field: number, component?: number) => ({
  segment,
  sequence: index + 1,
  field,
  ...(component === undefined ? {} : { component }),
});

/** Distinct identifiers, in a fixed order (so concurrent messages take the store's locks in the same order). */
function unique(ids: Identifier[]): Identifier[] {
  return [...new Map(ids.map((id) => [tokenParam(id), id])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, id]) => id);
}

function uniqueParties(parties: Party[]): Party[] {
  return [...new Map(parties.map((p) => [tokenParam(p.identifier), p])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, p]) => p);
}
