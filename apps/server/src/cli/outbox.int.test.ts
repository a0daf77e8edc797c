import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../test/harness.ts';
import { outboxSender } from '../platform/sms/index.ts';
import type { Values } from './command.ts';
import { runOutboxCli } from './outbox.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDatabase();
  const sms = outboxSender(t.db);
  await sms.send({ to: '+15551230001', body: 'Reminder one' });
  await sms.send({ to: '+15551230002', body: 'Reminder two\nJoin: https://meet.example/x' });
});
afterAll(() => t?.drop());

/** Runs `careloop outbox …`; returns exit code and output. */
async function run(values: Values = {}, positionals: string[] = []) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  const code = await runOutboxCli(t.db, values, positionals, { stdout, stderr });
  return { code, out: out.join(''), err: err.join('') };
}

test('lists newest first with each text indented', async () => {
  const r = await run();
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\tsms\t\+15551230002\t-$/);
  expect(lines.slice(1, 3)).toEqual(['    Reminder two', '    Join: https://meet.example/x']);
  expect(r.out).toContain('\tsms\t+15551230001\t-\n    Reminder one\n');
  expect(r.out.indexOf('Reminder two')).toBeLessThan(r.out.indexOf('Reminder one'));
  expect(r.out.trimEnd().endsWith('2 message(s)')).toBe(true);
});

test('--limit and --channel narrow the list', async () => {
  const one = await run({ limit: '1' });
  expect(one.out).toContain('Reminder two');
  expect(one.out).not.toContain('Reminder one');
  expect(one.out).toContain('1 message(s) (the newest 1)');
  expect((await run({ channel: 'email' })).out).toBe('0 message(s)\n');
  expect((await run({ channel: 'sms' })).out).toContain('2 message(s)');
});

test.each([
  [{ channel: 'fax' }, []],
  [{ limit: '0' }, []],
  [{ limit: '1001' }, []],
  [{ limit: 'ten' }, []],
  [{}, ['extra']],
])('bad usage %j %j exits 2 with the usage line', async (values, positionals) => {
  const r = await run(values as Values, positionals);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^Usage: careloop outbox/);
  expect(r.out).toBe('');
});
