import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Store } from '../src/platform/store/index.ts';
import type { Role, Which } from './access-world.ts';

/** How the access matrix calls a route as one of its callers, and what it expects (issue #3). */
export type Caller = (
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<LightMyRequestResponse>;

export type Ctx = Readonly<{ sees: boolean; which: Which; role: Role; allowed: boolean }>;

export type Probe = Readonly<{
  name: string;
  /** Whose visibility decides the answer. */
  type: 'Patient' | 'Observation' | 'none';
  /** Creates what the call works on (writes get fresh resources); returns its id. */
  prepare?: (store: Store, which: Which) => Promise<string>;
  call(call: Caller, which: Which, target: string | undefined): Promise<LightMyRequestResponse>;
  expect(res: LightMyRequestResponse, ctx: Ctx): void;
  /** The role may do this at all (e.g. write Observations); decides 403 for what it sees. */
  allowed?: (role: Role) => boolean;
  /** False where foreign and absent legitimately differ in shape (never for what the actor cannot see). */
  compareForeign?: false;
  /** Whether the call leaves one AuditEvent (default: always; administration refused by role leaves none). */
  audited?: (role: Role) => boolean;
  toString(): string;
}>;

export const R4 = '/fhir/R4';

export const probe = (p: Omit<Probe, 'toString'>): Probe => ({ ...p, toString: () => p.name });

export const ids = (res: LightMyRequestResponse): string[] =>
  ((res.json<Bundle>().entry ?? []) as { resource?: Resource }[]).map(
    (e) => `${e.resource?.resourceType}/${e.resource?.id}`,
  );
