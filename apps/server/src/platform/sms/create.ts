import type { Db } from '../db/index.ts';
import { outboxSender } from './outbox.ts';
import { checkE164, type SmsSender } from './sender.ts';
import { type TwilioOptions, twilioSender } from './twilio.ts';

/** What SMS_URL names: the development outbox, or a Twilio-compatible API. */
type SmsTarget = Readonly<{ kind: 'outbox' }> | (Readonly<{ kind: 'twilio' }> & TwilioOptions);

/**
 * Reads SMS_URL: `outbox:` (the default), `twilio://SID:TOKEN@api.twilio.com?from=%2B15551234567` (HTTPS) or
 * `twilio+http://SID:TOKEN@host:port?from=…` (plain HTTP, for local fakes and tests). Errors say what is wrong and
 * never repeat the URL, which holds the auth token.
 */
export function parseSmsUrl(text: string): SmsTarget {
  if (text === 'outbox:') return { kind: 'outbox' };
  const scheme = /^(twilio|twilio\+http):\/\//.exec(text)?.[1];
  if (!scheme) throw new RangeError("SMS_URL must be 'outbox:', 'twilio://SID:TOKEN@host?from=+1…' or twilio+http://…");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError('SMS_URL is not a valid URL');
  }
  const accountSid = decodeURIComponent(url.username);
  const authToken = decodeURIComponent(url.password);
  if (!accountSid || !authToken)
    throw new RangeError('SMS_URL needs the account SID and auth token: twilio://SID:TOKEN@…');
  if (!url.hostname) throw new RangeError('SMS_URL needs a host (api.twilio.com)');
  if (url.pathname !== '' && url.pathname !== '/') throw new RangeError('SMS_URL takes no path');
  // A '+' left unencoded in the query reads as a space (application/x-www-form-urlencoded); take it as meant.
  const from = (url.searchParams.get('from') ?? '').replace(/^ /, '+');
  checkE164(from, 'SMS_URL ?from=');
  const baseUrl = `${scheme === 'twilio' ? 'https' : 'http'}://${url.host}`;
  return { kind: 'twilio', accountSid, authToken, from, baseUrl };
}

/** The SmsSender SMS_URL names: the outbox in `db`, or Twilio's Messages API. */
export function createSmsSender(url: string, db: Db): SmsSender {
  const target = parseSmsUrl(url);
  return target.kind === 'outbox' ? outboxSender(db) : twilioSender(target);
}
