import { checkE164, type SmsSender } from './sender.ts';

export type TwilioOptions = Readonly<{
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) bought in the Twilio account. */
  from: string;
  /** `https://api.twilio.com`, or a compatible server (a local fake in tests). */
  baseUrl: string;
  /** How long one request may take before it is abandoned; default 10 s. */
  timeoutMs?: number;
}>;

/**
 * Sends through Twilio's Programmable Messaging REST API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
 * with HTTP Basic auth (AccountSid:AuthToken) and form fields `To`, `From`, `Body`; Twilio answers 201 with the
 * Message resource (its `sid`), or an error `{code, message, status}`
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource,
 * https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions).
 *
 * A refusal becomes an Error with the HTTP status and Twilio's numeric code (look it up at
 * https://www.twilio.com/docs/api/errors/{code}) but not Twilio's message text, which may quote the phone number,
 * and never the recipient or the body. The caller (a job) retries or gives up; nothing here retries, since a POST
 * that timed out may still have been sent.
 */
export function twilioSender(options: TwilioOptions): SmsSender {
  checkE164(options.from, 'The SMS sender number (from)');
  const url = new URL(
    `/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`,
    options.baseUrl,
  ).toString();
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async send(message) {
      checkE164(message.to, 'The SMS recipient');
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization, accept: 'application/json' },
          // URLSearchParams sends application/x-www-form-urlencoded;charset=UTF-8, the form Twilio's API takes.
          body: new URLSearchParams({ To: message.to, From: options.from, Body: message.body }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (e) {
        throw new Error(`Twilio ${reachFailure(e, timeoutMs)}`);
      }
      const answer = await response.json().catch(() => undefined);
      if (!response.ok) throw new Error(`Twilio refused the message: HTTP ${response.status}${codeOf(answer)}`);
      const sid = (answer as { sid?: unknown } | undefined)?.sid;
      if (typeof sid !== 'string' || sid === '')
        throw new Error(`Twilio answered HTTP ${response.status} without a sid`);
      return { id: sid };
    },
  };
}

/** Why a request got no answer, without the request: a timeout, or the network error's code. */
function reachFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === 'TimeoutError') return `did not answer within ${timeoutMs} ms`;
  const code = (e as { cause?: { code?: unknown } }).cause?.code;
  return `could not be reached${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** `, error 21211 (https://www.twilio.com/docs/api/errors/21211)` when the answer carries Twilio's numeric code. */
function codeOf(answer: unknown): string {
  const code = (answer as { code?: unknown } | undefined)?.code;
  return Number.isInteger(code) ? `, error ${code} (https://www.twilio.com/docs/api/errors/${code})` : '';
}
