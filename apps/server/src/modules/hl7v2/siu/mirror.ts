import type { Hl7Message } from '@medplum/core';
import type { Appointment, Identifier, Resource } from '@medplum/fhirtypes';
import { OutcomeError } from '../../../platform/errors.ts';
import { findByCondition, type StoreTx } from '../../../platform/store/index.ts';
import { V2Error } from '../ack.ts';
import type { HandlerContext, HandlerResult, Handlers } from '../dispatch.ts';
import { type FieldAt, fieldName, tokenParam } from '../v2.ts';
import type { Party, PatientInfo } from './parties.ts';
import { readSiu, type SiuBooking, type SiuEvent } from './read.ts';
import {
  deviceResource,
  locationResource,
  mirroredAppointment,
  patientResource,
  practitionerResource,
  type Resolved,
  skipReason,
} from './resources.ts';

/** How often a message is re-applied when someone else changed its Appointment between our read and write. */
const attempts = 3;

/**
 * Mirrors one SIU^S12–S15 as an Appointment, all in one store transaction (all or nothing, audited as the actor of
 * `ctx.store`). The Appointment is found by SCH-1/SCH-2 under the store's conditional-create lock, so replicas handed
 * the same message, or messages about the same appointment, apply them one after the other; S13–S15 for an
 * appointment not mirrored yet create it (the message carries the whole appointment).
 */
async function mirrorSiu(message: Hl7Message, event: SiuEvent, ctx: HandlerContext): Promise<HandlerResult> {
  const booking = readSiu(message, event);
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.store.transaction((tx) => apply(tx, booking));
    } catch (e) {
      if (attempt < attempts && preconditionOn(e, 'If-Match')) continue;
      throw e;
    }
  }
}

/** The SIU handlers, by message type and trigger event (MSH-9.1^MSH-9.2). */
export const siuHandlers = {
  'SIU^S12': (m, ctx) => mirrorSiu(m, 'S12', ctx),
  'SIU^S13': (m, ctx) => mirrorSiu(m, 'S13', ctx),
  'SIU^S14': (m, ctx) => mirrorSiu(m, 'S14', ctx),
  'SIU^S15': (m, ctx) => mirrorSiu(m, 'S15', ctx),
} as const satisfies Handlers;

async function apply(tx: StoreTx, b: SiuBooking): Promise<HandlerResult> {
  const existing = await findOne<Appointment>(tx, 'Appointment', b.identifiers, { segment: 'SCH', field: 2 });
  const skip = existing && skipReason(existing, b);
  if (skip) return skip;
  const refs = await resolveParticipants(tx, b);
  const appointment = mirroredAppointment(existing, b, refs);
  const written = existing
    ? await tx.update(appointment, { ifMatch: existing.meta?.versionId })
    : await tx.create(appointment);
  return written.outcome === 'unchanged' ? 'unchanged' : 'applied';
}

/**
 * Every participant found by identifier or created (conditional create: concurrent messages make one). Patients
 * first, then practitioners, locations and devices, each in identifier order, so every transaction takes the store's
 * condition locks in the same order and none waits on another in a cycle.
 */
async function resolveParticipants(tx: StoreTx, b: SiuBooking): Promise<Resolved> {
  const patients: string[] = [];
  const byCondition = (p: PatientInfo) => condition(p.identifiers);
  for (const p of [...b.patients].sort((x, y) => (byCondition(x) < byCondition(y) ? -1 : 1))) {
    patients.push(await ensure(tx, patientResource(p), p.identifiers, { segment: 'PID', field: 3 }));
  }
  const practitioners = [];
  for (const p of b.practitioners) {
    const reference = await ensure(tx, practitionerResource(p), [p.identifier], { segment: 'AIP', field: 3 });
    practitioners.push({ reference, type: p.type });
  }
  const each = async (parties: readonly Party[], make: (p: Party) => Resource, at: FieldAt) => {
    const refs: string[] = [];
    for (const p of parties) refs.push(await ensure(tx, make(p), [p.identifier], at));
    return refs;
  };
  const locations = await each(b.locations, locationResource, { segment: 'AIL', field: 3 });
  const devices = await each(b.devices, deviceResource, { segment: 'AIG', field: 3 });
  return { patients, practitioners, locations, devices };
}

/** `identifier=a,b` (any of them), encoded as the query string the store's conditions expect. */
function condition(ids: readonly Identifier[]): string {
  return new URLSearchParams({ identifier: ids.map(tokenParam).join(',') }).toString();
}

async function findOne<T extends Resource>(
  tx: StoreTx,
  type: T['resourceType'],
  ids: readonly Identifier[],
  at: FieldAt,
): Promise<T | undefined> {
  try {
    return (await findByCondition(tx, type, condition(ids))) as T | undefined;
  } catch (e) {
    throw ambiguous(e, type, at);
  }
}

/** The reference of the resource with one of `ids`, created from `resource` when there is none. */
async function ensure(tx: StoreTx, resource: Resource, ids: readonly Identifier[], at: FieldAt): Promise<string> {
  try {
    const { resource: stored } = await tx.create(resource, { ifNoneExist: condition(ids) });
    return `${stored.resourceType}/${stored.id}`;
  } catch (e) {
    throw ambiguous(e, resource.resourceType, at);
  }
}

/** Several resources match the identifiers: the message cannot say which one it means (table 0357 code 205). */
function ambiguous(e: unknown, type: string, at: FieldAt): unknown {
  if (!preconditionOn(e, 'If-None-Exist')) return e;
  return new V2Error('AE', 205, `More than one ${type} has the identifiers in ${fieldName(at)}`, at);
}

function preconditionOn(e: unknown, expression: string): boolean {
  return e instanceof OutcomeError && e.status === 412 && e.outcome.issue?.[0]?.expression?.[0] === expression;
}
