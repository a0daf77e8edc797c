import { forbidden } from '@careloop/fhir';
import { OutcomeError } from '../errors.ts';
import type { Role } from '../identity/roles.ts';
import type { SmartScope } from './scopes.ts';

/**
 * Who is acting. Every store handle is bound to one: the HTTP layer builds it per request from the session cookie or
 * bearer token; the CLI, the seed and job handlers act as `system`, which no request can become.
 */
export type Actor = SystemActor | UserActor | ClientActor;

/** The server itself (CLI, seed, jobs): unrestricted, its writes still audited. */
export type SystemActor = Readonly<{ kind: 'system'; name: string }>;

/** A person signed in with a session: staff, a patient or a proxy. */
export type UserActor = Readonly<{
  kind: 'user';
  userId: string;
  username: string;
  roles: readonly Role[];
  /** `Practitioner/…`, `Patient/…` or `RelatedPerson/…`; null for a staff account not linked yet. */
  reference: string | null;
  sessionId: string;
  ip?: string | undefined;
}>;

/** A system-to-system client holding a bearer token: what its SMART scopes allow, nothing else. */
export type ClientActor = Readonly<{
  kind: 'client';
  userId: string;
  username: string;
  scopes: readonly SmartScope[];
  ip?: string | undefined;
}>;

export const systemActor = (name: string): SystemActor => ({ kind: 'system', name });

/** The audit trail's `agent` for the actor: the person's FHIR reference, or a display name for others. */
export function auditAgent(actor: Actor): { reference?: string; display?: string; ip?: string } {
  const ip = actor.kind === 'system' ? {} : actor.ip ? { ip: actor.ip } : {};
  if (actor.kind === 'user' && actor.reference) return { reference: actor.reference, display: actor.username, ...ip };
  if (actor.kind === 'system') return { display: `system:${actor.name}` };
  return { display: `${actor.kind}:${actor.username}`, ...ip };
}

/**
 * Refuses (403) a signed-in person none of whose roles is in `roles` ("Only {what} can do this"); the server and
 * organization clients pass (a client's scopes still apply in the store). For use-cases that only some staff may run.
 */
export function requireStaff(actor: Actor, roles: readonly Role[], what: string): void {
  if (actor.kind === 'user' && !actor.roles.some((r) => roles.includes(r)))
    throw new OutcomeError(forbidden(`Only ${what} can do this`), 403);
}
