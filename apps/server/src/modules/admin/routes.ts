import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accountingOfDisclosures, recordAuditEvent, searchAuditEvents } from '../../platform/audit/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { actorOf } from '../../platform/http/auth/index.ts';
import { registerClient } from '../../platform/identity/index.ts';
import {
  assignRoles,
  createUser,
  deactivateUser,
  listUsers,
  parseRoles,
  reactivateUser,
  type User,
} from '../../platform/identity/users.ts';
import { breakTheGlass, listGrants, reviewGrant } from './break-glass.ts';
import { requireRole } from './require-role.ts';

export type AdminDeps = Readonly<{ db: Db; clock: Clock; breakGlassMinutes: number }>;

const NewUser = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    roles: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 7 }),
    fhirReference: Type.Optional(Type.String({ maxLength: 100 })),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    email: Type.Optional(Type.String({ maxLength: 320 })),
  },
  { additionalProperties: false },
);
const Client = Type.Object(
  {
    jwks: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 10 }) }),
    scopes: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
const Roles = Type.Object({ roles: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 7 }) });
const AuditQuery = Type.Object({
  patient: Type.Optional(Type.String({ maxLength: 80 })),
  agent: Type.Optional(Type.String({ maxLength: 120 })),
  action: Type.Optional(Type.Union(['C', 'R', 'U', 'D', 'E'].map((a) => Type.Literal(a)))),
  subtype: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  _count: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  _offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
const BreakGlass = Type.Object(
  { patient: Type.String({ maxLength: 80 }), reason: Type.String({ maxLength: 1000 }) },
  { additionalProperties: false },
);
const Review = Type.Object({ note: Type.String({ maxLength: 2000 }) }, { additionalProperties: false });

/**
 * The administrator's API (plain JSON with TypeBox schemas, DESIGN.md §4): accounts and roles, the audit trail and
 * a patient's accounting of disclosures, and break-the-glass (opened by staff, reviewed by the privacy officer).
 * Who may call what is decided by the use-cases (requireRole), not by the routes.
 */
export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const ctx = { exec: deps.db.kysely, clock: deps.clock };
  const admin = (request: FastifyRequest) => requireRole(actorOf(request), ['administrator']);
  const changed = async (request: FastifyRequest, subtype: 'role-change' | 'permission-change', user: User) => {
    const by = admin(request);
    await recordAuditEvent(deps.db.kysely, deps.clock, {
      action: 'E',
      subtype,
      outcome: 'success',
      outcomeDesc: `account ${user.username}: roles ${user.roles.join(',')}, ${user.active ? 'active' : 'deactivated'}`,
      agent: { ...(by.reference ? { reference: by.reference } : {}), display: by.username, ip: request.ip },
      patients: [],
      entities: user.fhirReference ? [{ reference: user.fhirReference }] : [],
      recorded: deps.clock.now().toString(),
    });
    return user;
  };

  app.get('/users', async (request) => {
    admin(request);
    return { users: await listUsers(ctx) };
  });
  app.post<{ Body: Static<typeof NewUser> }>('/users', { schema: { body: NewUser } }, async (request, reply) => {
    admin(request);
    const { roles, ...rest } = request.body;
    const user = await createUser(ctx, { ...rest, roles: parseRoles(roles) });
    return reply.status(201).send(await changed(request, 'role-change', user));
  });
  app.put<{ Params: { username: string }; Body: Static<typeof Roles> }>(
    '/users/:username/roles',
    { schema: { body: Roles } },
    async (request) => {
      admin(request);
      const user = await assignRoles(ctx, request.params.username, request.body.roles);
      return changed(request, 'role-change', user);
    },
  );
  // SMART Backend Services: the client's public keys and the system scopes it may request.
  app.put<{ Params: { username: string }; Body: Static<typeof Client> }>(
    '/users/:username/client',
    { schema: { body: Client } },
    async (request) => {
      admin(request);
      await registerClient(ctx, request.params.username, request.body);
      const user = (await listUsers(ctx)).find(
        (u) => u.username.toLowerCase() === request.params.username.toLowerCase(),
      );
      return changed(request, 'permission-change', user as User);
    },
  );
  app.post<{ Params: { username: string } }>('/users/:username/deactivate', async (request) => {
    admin(request);
    const { user, sessionsRevoked } = await deactivateUser(ctx, request.params.username);
    return { ...(await changed(request, 'permission-change', user)), sessionsRevoked };
  });
  app.post<{ Params: { username: string } }>('/users/:username/activate', async (request) => {
    admin(request);
    return changed(request, 'permission-change', await reactivateUser(ctx, request.params.username));
  });

  // The audit trail: a searchset Bundle of AuditEvents. Reading it is itself recorded.
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    { schema: { querystring: AuditQuery } },
    async (request) => {
      const by = admin(request);
      const { _count, _offset, ...q } = request.query;
      const page = await searchAuditEvents(deps.db.kysely, { ...q, count: _count ?? 50, offset: _offset ?? 0 });
      await recordAuditEvent(deps.db.kysely, deps.clock, {
        action: 'R',
        subtype: 'search-type',
        outcome: 'success',
        agent: { ...(by.reference ? { reference: by.reference } : {}), display: by.username, ip: request.ip },
        patients: q.patient ? [q.patient.startsWith('Patient/') ? q.patient : `Patient/${q.patient}`] : [],
        entities: [],
        recorded: deps.clock.now().toString(),
      });
      return {
        resourceType: 'Bundle',
        type: 'searchset',
        total: page.total,
        entry: page.events.map((resource) => ({ resource })),
      };
    },
  );
  app.get<{ Querystring: { patient?: string; from?: string; to?: string } }>(
    '/audit/disclosures',
    {
      schema: {
        querystring: Type.Object({
          patient: Type.String({ maxLength: 80 }),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
        }),
      },
    },
    async (request, reply) => {
      admin(request);
      const { patient = '', from, to } = request.query;
      const csv = await accountingOfDisclosures(deps.db.kysely, patient, {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', 'attachment; filename="disclosures.csv"')
        .send(csv);
    },
  );

  const glass = (request: FastifyRequest) => ({ ...deps, actor: actorOf(request), minutes: deps.breakGlassMinutes });
  app.post<{ Body: Static<typeof BreakGlass> }>(
    '/break-glass',
    { schema: { body: BreakGlass } },
    async (request, reply) => reply.status(201).send(await breakTheGlass(glass(request), request.body)),
  );
  app.get<{ Querystring: { pending?: string } }>('/break-glass', async (request) => ({
    grants: await listGrants(glass(request), { pending: request.query.pending === 'true' }),
  }));
  app.post<{ Params: { id: string }; Body: Static<typeof Review> }>(
    '/break-glass/:id/review',
    { schema: { body: Review } },
    async (request) => reviewGrant(glass(request), request.params.id, request.body.note),
  );
}
