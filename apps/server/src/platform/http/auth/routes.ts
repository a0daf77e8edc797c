import { outcome } from '@careloop/fhir';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { recordAuditEvent } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/index.ts';
import { OutcomeError } from '../../errors.ts';
import {
  advanceSession,
  completeReset,
  confirmMfaEnrolment,
  consumeRecoveryCode,
  isLockedOut,
  type LockoutPolicy,
  openSession,
  recordAttempt,
  resetMailJob,
  revokeSession,
  rotateCsrf,
  type Session,
  type SessionLimits,
  signIn,
  startMfaEnrolment,
  verifyMfaCode,
} from '../../identity/index.ts';
import type { JobQueue } from '../../jobs/index.ts';
import { SESSION_COOKIE, unauthenticated } from './context.ts';

export type AuthRoutesDeps = Readonly<{
  db: Db;
  clock: Clock;
  mfaKey: Buffer;
  limits: SessionLimits;
  lockout: LockoutPolicy;
  /** Cookies get `Secure` when the server is reached over HTTPS. */
  secureCookies: boolean;
  /** The job queue that mails reset links; without one, password reset is not offered. */
  jobs?: Pick<JobQueue, 'enqueue'> | undefined;
}>;

const Credentials = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const ResetRequest = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const ResetComplete = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });

const wrongCredentials = () => new OutcomeError(outcome('login', 'User name or password is wrong'), 401);
const lockedOut = () =>
  new OutcomeError(outcome('throttled', 'Too many failed sign-ins; try again in an hour or ask an administrator'), 429);

/**
 * Sign-in for people (plain JSON, DESIGN.md §4): password, then the TOTP code (or a recovery code), or for staff
 * without a second factor its enrolment with a QR code. The session cookie is HttpOnly, SameSite=Strict, Secure behind
 * TLS, and carries no expiry of its own: the server enforces the idle and absolute limits. Every sign-in, failed
 * sign-in and sign-out is an AuditEvent.
 */
export async function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): Promise<void> {
  const ctx = { exec: deps.db.kysely, clock: deps.clock };
  const mfa = { ...ctx, mfaKey: deps.mfaKey };
  const audit = (
    request: FastifyRequest,
    subtype: 'login' | 'logout',
    who: { reference?: string | null; username: string },
    ok: boolean,
  ) =>
    recordAuditEvent(deps.db.kysely, deps.clock, {
      action: 'E',
      subtype,
      outcome: ok ? 'success' : 'minor',
      ...(ok ? {} : { outcomeDesc: 'sign-in refused' }),
      agent: {
        ...(who.reference ? { reference: who.reference } : {}),
        display: who.username.slice(0, 64),
        ip: request.ip,
      },
      patients: [],
      entities: [],
      recorded: deps.clock.now().toString(),
    });
  const view = (
    session: Pick<Session, 'stage' | 'username' | 'roles'> & { fhirReference?: string | null },
    csrfToken?: string,
  ) => ({
    stage: session.stage,
    username: session.username,
    roles: session.roles,
    // Who the user is in the record (Practitioner/…, Patient/…), so a page can tell its own work from others'.
    ...(session.fhirReference ? { reference: session.fhirReference } : {}),
    ...(csrfToken ? { csrfToken } : {}),
    idleTimeoutSeconds: deps.limits.idleSeconds,
  });
  const pending = (request: FastifyRequest, stages: readonly Session['stage'][]): Session => {
    const s = request.session;
    if (!s || !stages.includes(s.stage)) throw unauthenticated('Sign in with your password first');
    return s;
  };
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      path: '/',
    });

  app.post<{ Body: Static<typeof Credentials> }>(
    '/login',
    { schema: { body: Credentials } },
    async (request, reply) => {
      const { username, password } = request.body;
      const result = await signIn(ctx, { username, password, ip: request.ip }, deps.lockout);
      if (!result.ok) {
        await audit(request, 'login', { username }, false);
        throw result.reason === 'locked' ? lockedOut() : wrongCredentials();
      }
      const { user, stage } = result;
      const opened = await openSession(ctx, { userId: user.id, stage, ip: request.ip, limits: deps.limits });
      if (stage === 'full')
        await audit(request, 'login', { reference: user.fhirReference, username: user.username }, true);
      setCookie(reply, opened.token);
      return view(
        { stage, username: user.username, roles: user.roles, fhirReference: user.fhirReference },
        opened.csrf,
      );
    },
  );

  // The second factor: a TOTP code, or one of the recovery codes (which is then used up).
  app.post<{ Body: Static<typeof Code> }>('/mfa/verify', { schema: { body: Code } }, async (request) => {
    const session = pending(request, ['mfa']);
    const code = request.body.code.replace(/\s+/g, '');
    const attempt = { username: session.username, ip: request.ip };
    const locked = await isLockedOut(ctx, attempt, deps.lockout);
    const ok =
      !locked &&
      (/^\d{6}$/.test(code)
        ? await verifyMfaCode(mfa, session.userId, code)
        : await consumeRecoveryCode(ctx, session.userId, code));
    const who = { reference: session.fhirReference, username: session.username };
    if (!locked) await recordAttempt(ctx, attempt, ok);
    await audit(request, 'login', who, ok);
    if (locked) throw lockedOut();
    if (!ok) throw new OutcomeError(outcome('login', 'The code is wrong or was already used', 'code'), 401);
    await advanceSession(ctx, session.id, 'full');
    return view({ ...session, stage: 'full' });
  });

  // Enrolment: a new TOTP secret as an otpauth URI and its QR code (SVG), to scan with an authenticator app.
  app.post('/mfa/enrol', async (request) => {
    const session = pending(request, ['enrol', 'full']);
    const { secret, uri } = await startMfaEnrolment(mfa, session.userId);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUri: uri, qrSvg };
  });

  app.post<{ Body: Static<typeof Code> }>('/mfa/enrol/confirm', { schema: { body: Code } }, async (request) => {
    const session = pending(request, ['enrol', 'full']);
    const { recoveryCodes } = await confirmMfaEnrolment(mfa, session.userId, request.body.code.replace(/\s+/g, ''));
    if (session.stage !== 'full') {
      await advanceSession(ctx, session.id, 'full');
      await audit(request, 'login', { reference: session.fhirReference, username: session.username }, true);
    }
    return { ...view({ ...session, stage: 'full' }), recoveryCodes };
  });

  app.post('/logout', async (request, reply) => {
    const session = request.session;
    if (session) {
      await revokeSession(ctx, session.id);
      await audit(request, 'logout', { reference: session.fhirReference, username: session.username }, true);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  // Password reset: always the same answer (whether the account exists is not disclosed); the link goes by e-mail.
  const { jobs } = deps;
  if (jobs) {
    app.post<{ Body: Static<typeof ResetRequest> }>(
      '/password-reset',
      { schema: { body: ResetRequest } },
      async (request, reply) => {
        await deps.db.kysely
          .transaction()
          .execute((tx) => jobs.enqueue(tx, resetMailJob, { username: request.body.username.trim().slice(0, 100) }));
        return reply
          .status(202)
          .send({ message: 'If the account exists and has an e-mail address, a reset link is on its way.' });
      },
    );
    app.post<{ Body: Static<typeof ResetComplete> }>(
      '/password-reset/complete',
      { schema: { body: ResetComplete } },
      async (request, reply) => {
        const { userId } = await completeReset(ctx, request.body.token, request.body.password);
        await recordAuditEvent(deps.db.kysely, deps.clock, {
          action: 'E',
          subtype: 'permission-change',
          outcome: 'success',
          outcomeDesc: 'password reset by e-mailed link; sessions ended',
          agent: { display: `account ${userId}`, ip: request.ip },
          patients: [],
          entities: [],
          recorded: deps.clock.now().toString(),
        });
        return reply.status(204).send();
      },
    );
  }

  // The current session, with a fresh CSRF token (a reloaded page has lost the one given at sign-in).
  app.get('/session', async (request) => {
    const session = request.session;
    if (!session) throw unauthenticated('Not signed in');
    return view(session, await rotateCsrf(ctx, session.id));
  });
}
