import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { Mailer } from '../mail/index.ts';
import { createResetToken } from './password-reset.ts';

/** The job that creates a reset token and mails the link (queued by POST /auth/password-reset). */
export const resetMailJob = 'password-reset-mail';

export type ResetMailDeps = Readonly<{ db: Db; clock: Clock; mailer: Mailer; baseUrl: string; minutes: number }>;

/**
 * The reset message: fixed text and the link, nothing about the account's person or their care (no PHI). The token
 * travels in the URL fragment, which browsers never send to servers, so it stays out of access logs.
 */
function resetMessage(link: string, minutes: number): { subject: string; text: string } {
  return {
    subject: 'Reset your CareLoop password',
    text: [
      'Someone (hopefully you) asked to reset the password of a CareLoop account that uses this e-mail address.',
      '',
      `To choose a new password, open this link within ${minutes} minutes:`,
      link,
      '',
      'The link works once. If you did not ask for this, ignore this message: your password stays as it is.',
      '',
      '— CareLoop',
    ].join('\n'),
  };
}

/**
 * Registers the worker: it looks the account up when it runs, so the request answered the same whether or not the
 * account exists, and took the same time.
 */
export async function registerPasswordResetWorker(jobs: Pick<JobQueue, 'work'>, deps: ResetMailDeps): Promise<void> {
  await jobs.work(resetMailJob, async (data) => {
    const created = await createResetToken(
      { exec: deps.db.kysely, clock: deps.clock },
      String(data.username),
      deps.minutes,
    );
    if (!created) return;
    const link = `${deps.baseUrl}/reset-password#token=${created.token}`;
    await deps.mailer.send({ to: created.email, ...resetMessage(link, deps.minutes) });
  });
}
