import { openStore } from '../main.ts';
import type { Db } from '../platform/db/index.ts';
import { listOutbox } from '../platform/sms/index.ts';
import type { Command, Values } from './command.ts';

const usage = 'Usage: careloop outbox [--channel sms|email] [--limit N]   (N from 1 to 1000, default 20)\n';

type Io = Readonly<{ stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }>;

/**
 * `careloop outbox …` without the process around it: prints the newest development-outbox messages, newest first,
 * each as a header line (time, channel, recipient, subject) and its text indented. Exit codes: 0 done, 2 bad usage.
 */
export async function runOutboxCli(db: Db, values: Values, positionals: string[], io: Io): Promise<number> {
  const channel = values.channel;
  const limitText = values.limit ?? '20';
  const limit = typeof limitText === 'string' && /^\d{1,4}$/.test(limitText) ? Number(limitText) : Number.NaN;
  const isChannel = channel === undefined || channel === 'sms' || channel === 'email';
  if (positionals.length > 0 || !isChannel || !(limit >= 1 && limit <= 1000)) {
    io.stderr.write(usage);
    return 2;
  }
  const messages = await listOutbox(db, { channel, limit });
  for (const m of messages) {
    io.stdout.write(`${[m.createdAt, m.channel, m.recipient, m.subject ?? '-'].join('\t')}\n`);
    io.stdout.write(`${m.body.replace(/^/gm, '    ')}\n\n`);
  }
  io.stdout.write(`${messages.length} message(s)${messages.length === limit ? ` (the newest ${limit})` : ''}\n`);
  return 0;
}

/** `careloop outbox`: what the development SMS sender (SMS_URL=outbox:) would have sent. */
export const outboxCommand: Command = {
  name: 'outbox',
  summary: 'list the newest messages in the development outbox (--channel sms|email, --limit N)',
  options: { channel: { type: 'string' }, limit: { type: 'string' } },
  async run(config, values, positionals) {
    const { db } = await openStore(config);
    try {
      return await runOutboxCli(db, values, positionals, { stdout: process.stdout, stderr: process.stderr });
    } finally {
      await db.close();
    }
  },
};
