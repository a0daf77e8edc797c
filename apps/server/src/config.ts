import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseSmsUrl } from './platform/sms/index.ts';

/**
 * Every setting CareLoop reads from the environment, with its default. This is the only module that reads
 * `process.env`; the README's configuration table lists the same names.
 */
const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  baseUrl: Type.String({ pattern: '^https?://' }),
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  dataDir: Type.String({ minLength: 1 }),
  dbPoolSize: Type.Integer({ minimum: 1, maximum: 200 }),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  bodyLimitBytes: Type.Integer({ minimum: 1024 }),
  shutdownTimeoutMs: Type.Integer({ minimum: 0 }),
  exportDir: Type.String({ minLength: 1 }),
  // The built web workbench (apps/web/dist), served at `/` when it holds an index.html.
  webDir: Type.String({ minLength: 1 }),
  seedPatients: Type.Integer({ minimum: 0 }),
  jobsEnabled: Type.Boolean(),
  sessionIdleMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
  sessionMaxHours: Type.Integer({ minimum: 1, maximum: 24 * 7 }),
  loginMaxFailures: Type.Integer({ minimum: 1, maximum: 1000 }),
  breakGlassMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
  mfaSecretKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$' })),
  smtpUrl: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  // Appointment messages (docs/notifications.md); the first, third and fourth are also checked by `refinements`.
  smsUrl: Type.String({ minLength: 1 }),
  linkSecretKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$' })),
  telehealthUrlTemplate: Type.String({ minLength: 1 }),
  reminderSchedule: Type.String({ minLength: 1 }),
  mailFrom: Type.String({ minLength: 3 }),
  passwordResetMinutes: Type.Integer({ minimum: 5, maximum: 24 * 60 }),
  deadlineCheckMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
  deadlineWarningHours: Type.Integer({ minimum: 1, maximum: 24 * 14 }),
  // How long a held appointment slot stays held while the coordinator confirms with the patient (modules/scheduling).
  holdMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
  // How long a time freed and offered to a waitlisted patient is held for them to confirm.
  waitlistOfferMinutes: Type.Integer({ minimum: 5, maximum: 7 * 24 * 60 }),
  // HL7 v2 over MLLP (modules/hl7v2): no listener unless a port is set; the host defaults to HOST (runtime.ts).
  mllpPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  mllpHost: Type.Optional(Type.String({ minLength: 1 })),
  // Referrals (modules/referrals): CareLoop's signing key towards other FHIR servers (a private EC P-384 JWK; also
  // checked by `refinements`), how long a referral link e-mailed to an office works, how often remote offers are read.
  outboundPrivateJwk: Type.Optional(Type.String({ minLength: 2 })),
  referralLinkDays: Type.Integer({ minimum: 1, maximum: 90 }),
  referralSyncMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
});

export type Config = Readonly<Static<typeof ConfigSchema>>;

type Env = Readonly<Record<string, string | undefined>>;

/** Names of the environment variables, the setting each fills, and its default. */
const settings = [
  ['PORT', 'port', '8080'],
  ['HOST', 'host', '127.0.0.1'],
  ['CARELOOP_BASE_URL', 'baseUrl', ''],
  ['DATABASE_URL', 'databaseUrl', ''],
  ['CARELOOP_DATA_DIR', 'dataDir', '.careloop/data'],
  ['DB_POOL_SIZE', 'dbPoolSize', '10'],
  ['LOG_LEVEL', 'logLevel', 'info'],
  ['BODY_LIMIT_BYTES', 'bodyLimitBytes', String(16 * 1024 * 1024)],
  ['SHUTDOWN_TIMEOUT_MS', 'shutdownTimeoutMs', '10000'],
  ['CARELOOP_EXPORT_DIR', 'exportDir', '.careloop/export'],
  ['WEB_DIR', 'webDir', ''],
  ['SEED_PATIENTS', 'seedPatients', '200'],
  ['JOBS_ENABLED', 'jobsEnabled', 'true'],
  ['SESSION_IDLE_MINUTES', 'sessionIdleMinutes', '15'],
  ['SESSION_MAX_HOURS', 'sessionMaxHours', '12'],
  ['LOGIN_MAX_FAILURES', 'loginMaxFailures', '10'],
  ['BREAK_GLASS_MINUTES', 'breakGlassMinutes', '60'],
  ['MFA_SECRET_KEY', 'mfaSecretKey', ''],
  ['SMTP_URL', 'smtpUrl', ''],
  ['SMS_URL', 'smsUrl', 'outbox:'],
  ['LINK_SECRET_KEY', 'linkSecretKey', ''],
  ['TELEHEALTH_URL_TEMPLATE', 'telehealthUrlTemplate', 'https://meet.jit.si/careloop-{room}'],
  ['REMINDER_SCHEDULE', 'reminderSchedule', '7d,1d,2h'],
  ['MAIL_FROM', 'mailFrom', 'CareLoop <no-reply@careloop.invalid>'],
  ['PASSWORD_RESET_MINUTES', 'passwordResetMinutes', '30'],
  ['DEADLINE_CHECK_MINUTES', 'deadlineCheckMinutes', '5'],
  ['DEADLINE_WARNING_HOURS', 'deadlineWarningHours', '24'],
  ['HOLD_MINUTES', 'holdMinutes', '10'],
  ['WAITLIST_OFFER_MINUTES', 'waitlistOfferMinutes', '120'],
  ['MLLP_PORT', 'mllpPort', ''],
  ['MLLP_HOST', 'mllpHost', ''],
  ['OUTBOUND_PRIVATE_JWK', 'outboundPrivateJwk', ''],
  ['REFERRAL_LINK_DAYS', 'referralLinkDays', '30'],
  ['REFERRAL_SYNC_MINUTES', 'referralSyncMinutes', '5'],
] as const satisfies readonly (readonly [string, keyof Config, string])[];

export class ConfigError extends Error {}

/** Reads, converts and validates the configuration; throws a ConfigError naming each wrong variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [name, key, fallback] of settings) {
    const text = env[name] ?? fallback;
    if (text === '') continue;
    raw[key] = convert(text, key);
  }
  const port = Number(raw.port ?? 8080);
  raw.baseUrl ??= `http://${raw.host === '0.0.0.0' ? 'localhost' : raw.host}:${port}`;
  raw.dataDir = resolve(String(raw.dataDir));
  raw.exportDir = resolve(String(raw.exportDir));
  raw.webDir = resolve(String(raw.webDir ?? fileURLToPath(new URL('../../web/dist', import.meta.url))));
  const config = { ...raw, ...overrides };
  const errors = [...Value.Errors(ConfigSchema, config)];
  const problems = refinementProblems(config);
  if (errors.length > 0 || problems.length > 0) {
    const lines = errors.map((e) => {
      const key = e.path.slice(1);
      const name = settings.find(([, k]) => k === key)?.[0] ?? key;
      const shown = secretKeys.has(key) ? '"***"' : JSON.stringify(maskSecrets(e.value));
      return `  ${name}: ${e.message} (got ${shown})`;
    });
    throw new ConfigError(`Invalid configuration:\n${[...lines, ...problems].join('\n')}`);
  }
  return Object.freeze(config as Config);
}

/** Settings whose value a configuration error never shows. */
const secretKeys = new Set(['mfaSecretKey', 'linkSecretKey', 'outboundPrivateJwk']);

/**
 * Checks a schema pattern cannot say readably, as `NAME: reason` lines; a reason never repeats the value (SMS_URL
 * holds an auth token). The telehealth and reminder checks restate, for the start, what modules/scheduling checks
 * again on use (telehealth.ts, domain/reminders.ts, which also bounds each offset to 1m–90d), since configuration
 * does not reach into a module.
 */
const refinements: readonly (readonly [string, keyof Config, (value: string) => string | undefined])[] = [
  ['SMS_URL', 'smsUrl', smsUrlProblem],
  [
    'TELEHEALTH_URL_TEMPLATE',
    'telehealthUrlTemplate',
    (v) => {
      const count = v.split('{room}').length - 1;
      if (count !== 1) return `must contain {room} exactly once (found ${count})`;
      return /^https:\/\/[^/?#\s]+/.test(v) ? undefined : 'must be an https:// URL';
    },
  ],
  [
    'REMINDER_SCHEDULE',
    'reminderSchedule',
    (v) =>
      /^\s*(none|\d{1,6}[dhm](\s*,\s*\d{1,6}[dhm])*)\s*$/.test(v)
        ? undefined
        : 'must list offsets before the appointment such as 7d,1d,2h,30m (days, hours, minutes), or none',
  ],
  ['OUTBOUND_PRIVATE_JWK', 'outboundPrivateJwk', outboundJwkProblem],
];

function refinementProblems(config: Record<string, unknown>): string[] {
  return refinements.flatMap(([name, key, check]) => {
    const value = config[key];
    const problem = typeof value === 'string' ? check(value) : undefined;
    return problem ? [`  ${name}: ${problem}`] : [];
  });
}

/** parseSmsUrl's reason, whose messages all start with the variable's name. */
function smsUrlProblem(url: string): string | undefined {
  try {
    parseSmsUrl(url);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^SMS_URL /, '');
  }
}

/** What is wrong with an outbound key, without repeating any of it: a private EC P-384 JWK in one line of JSON. */
function outboundJwkProblem(text: string): string | undefined {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'must be a JSON Web Key (JSON)';
  }
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-384') return 'must be an EC key on P-384 (ES384)';
  return ['x', 'y', 'd'].every((k) => typeof jwk[k] === 'string') ? undefined : 'must be a private key (x, y and d)';
}

/** Hides the password of a connection URL so configuration errors never print credentials. */
function maskSecrets(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@') : value;
}

function convert(text: string, key: keyof Config): unknown {
  const sample = ConfigSchema.properties[key];
  if (sample.type === 'integer') return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
  if (sample.type === 'boolean')
    return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
  return text;
}

/**
 * A secret for one CLI run (`CARELOOP_NEW_PASSWORD` for `careloop users`): read here, like every environment variable,
 * but kept out of the frozen Config that the server passes around.
 */
export function oneOffSecret(name: 'CARELOOP_NEW_PASSWORD', env: Env = process.env): string | undefined {
  return env[name];
}

/** The settings table, for `careloop config` and the README. */
export function describeSettings(): readonly (readonly [string, string])[] {
  return settings.map(([name, , fallback]) => [name, fallback] as const);
}
