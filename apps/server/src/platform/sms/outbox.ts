import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { SmsSender } from './sender.ts';

/**
 * The development outbox: messages that would have been sent, kept in `message_outbox` (migration 0013) for
 * `careloop outbox` to show. It holds recipients and text, so it is for development and demos, not production data.
 */
export type OutboxChannel = 'sms' | 'email';

export type OutboxMessage = Readonly<{
  id: string;
  channel: OutboxChannel;
  recipient: string;
  subject: string | null;
  body: string;
  createdAt: string;
}>;

/** An SmsSender that writes each message to the outbox instead of a carrier; the id is the outbox row's. */
export function outboxSender(db: Db): SmsSender {
  return {
    async send(message) {
      const { rows } = await sql<{ id: string | number | bigint }>`
        INSERT INTO message_outbox (channel, recipient, body) VALUES ('sms', ${message.to}, ${message.body})
        RETURNING id`.execute(db.kysely);
      return { id: String(rows[0]?.id) };
    },
  };
}

/** The newest `limit` outbox messages, newest first (by id: the order they were written), of one channel or all. */
export async function listOutbox(
  db: Db,
  options: Readonly<{ channel?: OutboxChannel | undefined; limit: number }>,
): Promise<OutboxMessage[]> {
  const { rows } = await sql<{
    id: string | number | bigint;
    channel: OutboxChannel;
    recipient: string;
    subject: string | null;
    body: string;
    created_at: Date | string;
  }>`
    SELECT id, channel, recipient, subject, body, created_at FROM message_outbox
    WHERE ${options.channel ?? null}::text IS NULL OR channel = ${options.channel ?? null}
    ORDER BY id DESC LIMIT ${options.limit}`.execute(db.kysely);
  return rows.map((r) => ({
    id: String(r.id),
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject,
    body: r.body,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
