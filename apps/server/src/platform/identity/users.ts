import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '@careloop/fhir';
import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import { OutcomeError } from '../errors.ts';
import type { Executor } from '../store/write.ts';
import { defaultKdfParams, hashPassword, type KdfParams } from './password.ts';
import { passwordProblem } from './password-policy.ts';
import { isRole, linkedResourceType, type Role, requiresMfa } from './roles.ts';

/** What use-cases over accounts need: a database handle (or transaction), the clock, and the current KDF. */
export type IdentityCtx = Readonly<{ exec: Executor; clock: Clock; kdf?: KdfParams }>;

/** An account as the rest of the server sees it: never the password hash, MFA secret or recovery-code hashes. */
export type User = Readonly<{
  id: string;
  username: string;
  displayName: string | null;
  fhirReference: string | null;
  roles: readonly Role[];
  active: boolean;
  hasPassword: boolean;
  mfaEnrolled: boolean;
  /** True when a staff role makes TOTP mandatory (issue #3); sign-in must then demand it or its enrolment. */
  mfaRequired: boolean;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}>;

type Row = {
  id: string;
  username: string;
  display_name: string | null;
  fhir_reference: string | null;
  roles: string[];
  active: boolean;
  has_password: boolean;
  mfa_enrolled_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  deactivated_at: Date | string | null;
};

const columns = sql`id, username, display_name, fhir_reference, roles, active, password_hash IS NOT NULL AS has_password,
  mfa_enrolled_at, created_at, updated_at, deactivated_at`;

const iso = (v: Date | string) => new Date(v).toISOString();

function toUser(r: Row): User {
  const roles = r.roles.filter(isRole);
  const mfaEnrolled = r.mfa_enrolled_at !== null;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    fhirReference: r.fhir_reference,
    roles,
    active: r.active,
    hasPassword: r.has_password,
    mfaEnrolled,
    mfaRequired: requiresMfa(roles),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    deactivatedAt: r.deactivated_at === null ? null : iso(r.deactivated_at),
  };
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;
const REFERENCE = /^(Practitioner|Patient|RelatedPerson)\/([A-Za-z0-9.-]{1,64})$/;

/** Parses role names (as given on the command line or in an API body); 400 naming `field` for an unknown one. */
export function parseRoles(names: readonly string[], field = 'roles'): Role[] {
  const roles = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))];
  if (roles.length === 0) throw new OutcomeError(badRequest('at least one role is required', field));
  const unknown = roles.find((r) => !isRole(r));
  if (unknown !== undefined) throw new OutcomeError(badRequest(`unknown role '${unknown}'`, field));
  return roles as Role[];
}

/** The roles' kind of person must match the linked resource (roles.ts `linkedResourceType`). */
function checkLink(roles: readonly Role[], fhirReference: string | null): void {
  const link = linkedResourceType(roles);
  if ('error' in link) throw new OutcomeError(badRequest(link.error, 'roles'));
  const type = fhirReference === null ? null : REFERENCE.exec(fhirReference)?.[1];
  if (fhirReference !== null && type === undefined) {
    throw new OutcomeError(
      badRequest('fhirReference must be Practitioner/id, Patient/id or RelatedPerson/id', 'fhirReference'),
    );
  }
  if (link.type === null && type !== null) {
    throw new OutcomeError(badRequest('an integration client is not linked to a person', 'fhirReference'));
  }
  // Staff may be created before their Practitioner exists (the first administrator); patients and proxies may not.
  if (link.type !== null && link.type !== 'Practitioner' && type === null) {
    throw new OutcomeError(badRequest(`roles ${roles.join(', ')} need a ${link.type} reference`, 'fhirReference'));
  }
  if (link.type !== null && type !== null && type !== link.type) {
    throw new OutcomeError(
      badRequest(`roles ${roles.join(', ')} need a ${link.type} reference, not ${type}`, 'fhirReference'),
    );
  }
}

async function checkedHash(ctx: IdentityCtx, password: string, username: string): Promise<string> {
  const problem = passwordProblem(password, { username });
  if (problem) throw new OutcomeError(badRequest(problem, 'password'));
  return hashPassword(password, ctx.kdf ?? defaultKdfParams);
}

export type NewUser = Readonly<{
  username: string;
  roles: readonly Role[];
  displayName?: string;
  fhirReference?: string;
  /** Optional: integration clients authenticate otherwise, and staff may be sent a set-password link later. */
  password?: string;
  /** Where password-reset links go. */
  email?: string;
}>;

/** Creates an account; 400 naming the field for invalid input, 409 when the user name is taken (in any case). */
export async function createUser(ctx: IdentityCtx, input: NewUser): Promise<User> {
  if (!USERNAME.test(input.username)) {
    throw new OutcomeError(
      badRequest('username must be 3-64 letters, digits or . _ @ -, starting with a letter or digit', 'username'),
    );
  }
  const roles = parseRoles(input.roles);
  if (input.email !== undefined && !/^[^@\s]{1,64}@[^@\s]{1,255}$/.test(input.email))
    throw new OutcomeError(badRequest('email must be an e-mail address', 'email'));
  const fhirReference = input.fhirReference ?? null;
  checkLink(roles, fhirReference);
  const passwordHash = input.password === undefined ? null : await checkedHash(ctx, input.password, input.username);
  const now = ctx.clock.now().toString();
  // ON CONFLICT DO NOTHING rather than catching 23505: a failed statement would abort the caller's transaction.
  const { rows } = await sql<Row>`
    INSERT INTO app_user (id, username, display_name, fhir_reference, roles, password_hash, email, created_at, updated_at)
    VALUES (${randomUUID()}, ${input.username}, ${input.displayName ?? null}, ${fhirReference}, ${roles}::text[],
            ${passwordHash}, ${input.email ?? null}, ${now}::timestamptz, ${now}::timestamptz)
    ON CONFLICT DO NOTHING
    RETURNING ${columns}`.execute(ctx.exec);
  const row = rows[0];
  if (!row) throw new OutcomeError(conflict(`username '${input.username}' is taken`, 'username'), 409);
  return toUser(row);
}

async function updateOne(ctx: IdentityCtx, username: string, set: ReturnType<typeof sql>): Promise<User> {
  const now = ctx.clock.now().toString();
  const { rows } = await sql<Row>`
    UPDATE app_user SET ${set}, updated_at = ${now}::timestamptz
    WHERE lower(username) = lower(${username})
    RETURNING ${columns}`.execute(ctx.exec);
  const row = rows[0];
  if (!row) throw new OutcomeError(notFound(`no user '${username}'`), 404);
  return toUser(row);
}

/** Sets a new password after checking it against the policy (400 naming `password`). */
export async function setPassword(ctx: IdentityCtx, username: string, password: string): Promise<User> {
  const hash = await checkedHash(ctx, password, username);
  return updateOne(ctx, username, sql`password_hash = ${hash}`);
}

/** Replaces the account's roles; they must still fit the linked resource. */
export async function assignRoles(ctx: IdentityCtx, username: string, roleNames: readonly string[]): Promise<User> {
  const roles = parseRoles(roleNames);
  const user = await findUserByUsername(ctx, username);
  if (!user) throw new OutcomeError(notFound(`no user '${username}'`), 404);
  checkLink(roles, user.fhirReference);
  return updateOne(ctx, username, sql`roles = ${roles}::text[]`);
}

/**
 * Deactivates an account and revokes every open session in the same statement, so sign-out is immediate (issue #3:
 * "deactivation ends sessions at once"). One statement is atomic by itself, and works whether `ctx.exec` is the
 * database or a transaction. Deactivating an inactive account changes nothing.
 */
export async function deactivateUser(
  ctx: IdentityCtx,
  username: string,
): Promise<{ user: User; sessionsRevoked: number }> {
  const now = ctx.clock.now().toString();
  const { rows } = await sql<{ revoked: number }>`
    WITH target AS (
      SELECT id FROM app_user WHERE lower(username) = lower(${username}) FOR UPDATE
    ), updated AS (
      UPDATE app_user u SET active = false, deactivated_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
      FROM target WHERE u.id = target.id AND u.active
      RETURNING u.id
    ), revoked AS (
      UPDATE user_session s SET revoked_at = ${now}::timestamptz
      FROM target WHERE s.user_id = target.id AND s.revoked_at IS NULL
      RETURNING s.id
    )
    SELECT (SELECT count(*) FROM revoked)::int AS revoked FROM target`.execute(ctx.exec);
  const row = rows[0];
  if (!row) throw new OutcomeError(notFound(`no user '${username}'`), 404);
  // Read back afterwards: the statement's own SELECT sees the snapshot from before its updates.
  const user = await findUserByUsername(ctx, username);
  if (!user) throw new OutcomeError(notFound(`no user '${username}'`), 404);
  return { user, sessionsRevoked: row.revoked };
}

/** Lets a deactivated account sign in again (its old sessions stay revoked). */
export async function reactivateUser(ctx: IdentityCtx, username: string): Promise<User> {
  return updateOne(ctx, username, sql`active = true, deactivated_at = NULL`);
}

/** The account with this user name in any case, or undefined. */
export async function findUserByUsername(ctx: IdentityCtx, username: string): Promise<User | undefined> {
  const { rows } = await sql<Row>`
    SELECT ${columns} FROM app_user WHERE lower(username) = lower(${username})`.execute(ctx.exec);
  return rows[0] ? toUser(rows[0]) : undefined;
}

/** Every account (or only active ones) ordered by user name. */
export async function listUsers(ctx: IdentityCtx, options: { activeOnly?: boolean } = {}): Promise<User[]> {
  const { rows } = await sql<Row>`
    SELECT ${columns} FROM app_user ${options.activeOnly ? sql`WHERE active` : sql``}
    ORDER BY lower(username)`.execute(ctx.exec);
  return rows.map(toUser);
}
