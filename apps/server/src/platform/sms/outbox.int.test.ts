import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { createSmsSender, listOutbox, outboxSender } from './index.ts';

// The development outbox on the real database (PGlite, or PostgreSQL when DATABASE_URL is set).
let t: TestDb;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t?.drop());

test('each SMS becomes one row; the id returned is that row', async () => {
  const sender = outboxSender(t.db);
  const first = await sender.send({ to: '+15551230001', body: 'first message' });
  const second = await createSmsSender('outbox:', t.db).send({ to: '+15551230002', body: 'second\nmessage' });
  const { rows } = await sql<{ id: unknown; channel: string; recipient: string; subject: string | null; body: string }>`
    SELECT id, channel, recipient, subject, body FROM message_outbox ORDER BY id`.execute(t.db.kysely);
  expect(rows.map((r) => ({ ...r, id: String(r.id) }))).toEqual([
    { id: first.id, channel: 'sms', recipient: '+15551230001', subject: null, body: 'first message' },
    { id: second.id, channel: 'sms', recipient: '+15551230002', subject: null, body: 'second\nmessage' },
  ]);
  expect(first.id).not.toBe(second.id);
});

test('listOutbox: newest first, by channel, limited', async () => {
  await sql`INSERT INTO message_outbox (channel, recipient, subject, body)
    VALUES ('email', 'pat@example.org', 'Appointment booked', 'mail body')`.execute(t.db.kysely);
  await outboxSender(t.db).send({ to: '+15551230003', body: 'third message' });
  const all = await listOutbox(t.db, { limit: 10 });
  expect(all.map((m) => m.body)).toEqual(['third message', 'mail body', 'second\nmessage', 'first message']);
  expect(all[1]).toMatchObject({ channel: 'email', recipient: 'pat@example.org', subject: 'Appointment booked' });
  expect(all[0]?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect((await listOutbox(t.db, { channel: 'sms', limit: 2 })).map((m) => m.recipient)).toEqual([
    '+15551230003',
    '+15551230002',
  ]);
  expect((await listOutbox(t.db, { channel: 'email', limit: 10 })).map((m) => m.id)).toEqual([all[1]?.id]);
});

test('the table refuses channels other than sms and email', async () => {
  await expect(
    sql`INSERT INTO message_outbox (channel, recipient, body) VALUES ('fax', 'x', 'y')`.execute(t.db.kysely),
  ).rejects.toThrow();
});
