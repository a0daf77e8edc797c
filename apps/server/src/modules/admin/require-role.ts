import { forbidden } from '@careloop/fhir';
import type { Actor } from '../../platform/access/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import type { Role } from '../../platform/identity/roles.ts';

type Person = Extract<Actor, { kind: 'user' }>;

/** The acting person when they hold one of `roles`; 403 otherwise (clients and the system never administer people). */
export function requireRole(actor: Actor, roles: readonly Role[]): Person {
  if (actor.kind !== 'user' || !actor.roles.some((r) => roles.includes(r)))
    throw new OutcomeError(forbidden(`This needs one of the roles: ${roles.join(', ')}`), 403);
  return actor;
}
