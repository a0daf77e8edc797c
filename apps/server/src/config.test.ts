import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ConfigError, describeSettings, loadConfig } from './config.ts';

/** The error loadConfig throws for `env`, or a failure when it throws none. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      baseUrl: 'http://127.0.0.1:8080',
      dataDir: resolve('.careloop/data'),
      dbPoolSize: 10,
      logLevel: 'info',
      bodyLimitBytes: 16 * 1024 * 1024,
      shutdownTimeoutMs: 10_000,
      exportDir: resolve('.careloop/export'),
      webDir: fileURLToPath(new URL('../../web/dist', import.meta.url)),
      seedPatients: 200,
      jobsEnabled: true,
      sessionIdleMinutes: 15,
      sessionMaxHours: 12,
      loginMaxFailures: 10,
      breakGlassMinutes: 60,
      mailFrom: 'CareLoop <no-reply@careloop.invalid>',
      smsUrl: 'outbox:',
      telehealthUrlTemplate: 'https://meet.jit.si/careloop-{room}',
      reminderSchedule: '7d,1d,2h',
      passwordResetMinutes: 30,
      deadlineCheckMinutes: 5,
      deadlineWarningHours: 24,
      holdMinutes: 10,
      waitlistOfferMinutes: 120,
      referralLinkDays: 30,
      referralSyncMinutes: 5,
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.mfaSecretKey).toBeUndefined();
    expect(config.linkSecretKey).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('converts numbers and booleans and resolves directories', () => {
    const config = loadConfig({
      PORT: '9090',
      DB_POOL_SIZE: '4',
      BODY_LIMIT_BYTES: '2048',
      SHUTDOWN_TIMEOUT_MS: '0',
      SEED_PATIENTS: '0',
      JOBS_ENABLED: '0',
      CARELOOP_DATA_DIR: 'relative/dir',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 9090,
      dbPoolSize: 4,
      bodyLimitBytes: 2048,
      shutdownTimeoutMs: 0,
      seedPatients: 0,
      jobsEnabled: false,
      dataDir: resolve('relative/dir'),
      logLevel: 'warn',
    });
    expect(loadConfig({ JOBS_ENABLED: 'true' }).jobsEnabled).toBe(true);
    expect(loadConfig({ JOBS_ENABLED: 'false' }).jobsEnabled).toBe(false);
  });

  test('the base URL follows host and port unless given, and 0.0.0.0 is shown as localhost', () => {
    expect(loadConfig({ PORT: '9000', HOST: 'example.internal' }).baseUrl).toBe('http://example.internal:9000');
    expect(loadConfig({ PORT: '9000', HOST: '0.0.0.0' }).baseUrl).toBe('http://localhost:9000');
    expect(loadConfig({ CARELOOP_BASE_URL: 'https://care.example.org' }).baseUrl).toBe('https://care.example.org');
  });

  test('accepts postgres:// and postgresql:// database URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/careloop' }).databaseUrl).toBe(
      'postgres://u@db:5432/careloop',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/careloop' }).databaseUrl).toBe('postgresql://db/careloop');
  });

  test('overrides win over the environment', () => {
    expect(loadConfig({ PORT: '9090' }, { port: 0 }).port).toBe(0);
  });

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '8.5'],
    ['DATABASE_URL', 'mysql://db/careloop'],
    ['DB_POOL_SIZE', '0'],
    ['LOG_LEVEL', 'verbose'],
    ['BODY_LIMIT_BYTES', '10'],
    ['JOBS_ENABLED', 'yes'],
    ['CARELOOP_BASE_URL', 'ftp://example.org'],
    ['SEED_PATIENTS', '-1'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['LOGIN_MAX_FAILURES', 'ten'],
  ])('%s=%s is refused with an error naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toMatch(/^Invalid configuration:/);
    expect(error.message).toContain(`${name}: `);
    expect(error.message).toContain(value);
  });

  test('a wrong MFA_SECRET_KEY is named but never echoed', () => {
    const message = configError({ MFA_SECRET_KEY: 'not-a-32-byte-key' }).message;
    expect(message).toContain('MFA_SECRET_KEY: ');
    expect(message).not.toContain('not-a-32-byte-key');
  });

  test('every wrong variable is reported at once', () => {
    const message = configError({ PORT: 'abc', LOG_LEVEL: 'loud' }).message;
    expect(message).toContain('PORT: ');
    expect(message).toContain('LOG_LEVEL: ');
  });
});

describe('appointment message settings', () => {
  test('a Twilio SMS_URL, a link key, a template and a schedule are taken as given', () => {
    const key = Buffer.alloc(32, 5).toString('base64');
    const env = {
      SMS_URL: 'twilio://AC123:S3CRETtkn@api.twilio.com?from=%2B15551234567',
      LINK_SECRET_KEY: key,
      TELEHEALTH_URL_TEMPLATE: 'https://video.example.org/room/{room}?lang=es',
      REMINDER_SCHEDULE: ' 3d , 4h,30m ',
    };
    expect(loadConfig(env)).toMatchObject({
      smsUrl: env.SMS_URL,
      linkSecretKey: key,
      telehealthUrlTemplate: env.TELEHEALTH_URL_TEMPLATE,
      reminderSchedule: env.REMINDER_SCHEDULE,
    });
    expect(loadConfig({ SMS_URL: 'twilio+http://AC1:t@127.0.0.1:4010?from=%2B15551234567' }).smsUrl).toContain('+http');
    expect(loadConfig({ REMINDER_SCHEDULE: 'none' }).reminderSchedule).toBe('none');
  });

  test.each([
    ['SMS_URL', 'smtp://ACx:S3CRETtkn@api.twilio.com', "must be 'outbox:'"],
    ['SMS_URL', 'outbox', "must be 'outbox:'"],
    ['SMS_URL', 'twilio://ACx:S3CRETtkn@api.twilio.com', '?from= is not an E.164 phone number'],
    ['SMS_URL', 'twilio://ACx:S3CRETtkn@api.twilio.com?from=555-1234', '?from= is not an E.164 phone number'],
    ['SMS_URL', 'twilio://api.twilio.com?from=%2B15551234567', 'needs the account SID and auth token'],
    ['TELEHEALTH_URL_TEMPLATE', 'https://meet.jit.si/careloop', 'must contain {room} exactly once (found 0)'],
    ['TELEHEALTH_URL_TEMPLATE', 'https://meet.jit.si/{room}-{room}', 'must contain {room} exactly once (found 2)'],
    ['TELEHEALTH_URL_TEMPLATE', 'http://meet.jit.si/{room}', 'must be an https:// URL'],
    ['REMINDER_SCHEDULE', '7 days', 'must list offsets before the appointment such as 7d,1d,2h,30m'],
    ['REMINDER_SCHEDULE', '1d;2h', 'must list offsets'],
    ['REMINDER_SCHEDULE', '1.5h', 'must list offsets'],
  ])('%s=%s is refused with a reason, never the token', (name, value, reason) => {
    const message = configError({ [name]: value }).message;
    expect(message).toMatch(/^Invalid configuration:\n/);
    expect(message).toContain(`  ${name}: ${reason}`);
    expect(message).not.toContain('S3CRETtkn');
  });

  test('a wrong LINK_SECRET_KEY is named but never echoed', () => {
    const message = configError({ LINK_SECRET_KEY: 'c2hvcnQta2V5LW5vdC0zMi1ieXRlcw==' }).message;
    expect(message).toContain('LINK_SECRET_KEY: ');
    expect(message).not.toContain('c2hvcnQta2V5');
  });

  test.each([
    ['not json {S3CRETtkn', 'must be a JSON Web Key (JSON)'],
    ['{"kty":"RSA","n":"S3CRETtkn","e":"AQAB","d":"S3CRETtkn"}', 'must be an EC key on P-384 (ES384)'],
    ['{"kty":"EC","crv":"P-384","x":"S3CRETtkn","y":"S3CRETtkn"}', 'must be a private key (x, y and d)'],
  ])('OUTBOUND_PRIVATE_JWK=%s is refused with a reason, never the key', (value, reason) => {
    const message = configError({ OUTBOUND_PRIVATE_JWK: value }).message;
    expect(message).toContain(`  OUTBOUND_PRIVATE_JWK: ${reason}`);
    expect(message).not.toContain('S3CRETtkn');
  });

  test('these are reported together with the other wrong variables', () => {
    const message = configError({ PORT: 'abc', SMS_URL: 'sms:', REMINDER_SCHEDULE: 'weekly' }).message;
    for (const name of ['PORT', 'SMS_URL', 'REMINDER_SCHEDULE']) expect(message).toContain(`  ${name}: `);
  });
});

describe('describeSettings', () => {
  test('lists every variable with its default', () => {
    const names = describeSettings().map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining(['PORT', 'DATABASE_URL', 'CARELOOP_DATA_DIR', 'BODY_LIMIT_BYTES', 'LOG_LEVEL']),
    );
    expect(Object.fromEntries(describeSettings()).PORT).toBe('8080');
  });
});
