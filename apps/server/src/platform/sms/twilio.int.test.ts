import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createSmsSender, type SmsSender, twilioSender } from './index.ts';

// A stand-in for Twilio's Messages API (the one party that cannot exist here), speaking its protocol: the path,
// HTTP Basic auth and form fields of https://www.twilio.com/docs/messaging/api/message-resource, 201 with the
// Message resource, errors as {code, message, more_info, status}. Its error messages quote the number, as Twilio's do.
const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-test-auth-token';
const FROM = '+15005550006';
const INVALID_TO = '+15005550001';

type Received = { method: string; path: string; contentType: string; authorization: string; form: URLSearchParams };
const received: Received[] = [];
let hang = false;

function answer(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  const form = new URLSearchParams(raw);
  received.push({
    method: req.method ?? '',
    path: req.url ?? '',
    contentType: req.headers['content-type'] ?? '',
    authorization: req.headers.authorization ?? '',
    form,
  });
  if (hang) return; // never answers: the client's timeout must end the request
  const expectedAuth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
  if (req.headers.authorization !== expectedAuth)
    return answer(res, 401, { code: 20003, message: 'Authenticate', more_info: '', status: 401 });
  if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${SID}/Messages.json`)
    return answer(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
  const to = form.get('To') ?? '';
  if (to === INVALID_TO || !/^\+\d{8,15}$/.test(to))
    return answer(res, 400, {
      code: 21211,
      message: `The 'To' number ${to} is not a valid phone number.`,
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
  answer(res, 201, {
    sid: `SM${randomBytes(16).toString('hex')}`,
    account_sid: SID,
    to,
    from: form.get('From'),
    body: form.get('Body'),
    status: 'queued',
  });
}

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
  hang = false;
});

const sender = (overrides: { authToken?: string; timeoutMs?: number } = {}): SmsSender =>
  twilioSender({ accountSid: SID, authToken: TOKEN, from: FROM, baseUrl, ...overrides });
const BODY = 'Reminder: your appointment at Heights Clinic is on Tuesday, November 24, 2026, at 9:30 AM CST.';

/** The Error `send` rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the send to fail');
}

describe('Twilio sender', () => {
  test('POSTs To, From and Body as a form with Basic auth to the account Messages.json; the id is the sid', async () => {
    const { id } = await sender().send({ to: '+15551234567', body: BODY });
    expect(id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(received).toHaveLength(1);
    const r = received[0] as Received;
    expect(r.method).toBe('POST');
    expect(r.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(r.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(r.form)).toEqual({ To: '+15551234567', From: FROM, Body: BODY });
  });

  test("a refusal names Twilio's code and status, never the number, the body or Twilio's message", async () => {
    const e = await failure(sender().send({ to: INVALID_TO, body: BODY }));
    expect(e.message).toBe(
      'Twilio refused the message: HTTP 400, error 21211 (https://www.twilio.com/docs/api/errors/21211)',
    );
    for (const secret of [INVALID_TO, '15005550001', 'Heights', 'not a valid phone number', TOKEN])
      expect(e.message).not.toContain(secret);
  });

  test('wrong credentials are error 20003, without the token', async () => {
    const e = await failure(sender({ authToken: 'wrong-token' }).send({ to: '+15551234567', body: BODY }));
    expect(e.message).toContain('HTTP 401, error 20003');
    expect(e.message).not.toContain('wrong-token');
  });

  test('a server that does not answer is abandoned after the timeout', async () => {
    hang = true;
    const started = performance.now();
    const e = await failure(sender({ timeoutMs: 300 }).send({ to: '+15551234567', body: BODY }));
    expect(e.message).toBe('Twilio did not answer within 300 ms');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('an unreachable server is reported with the network error code only', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const s = twilioSender({ accountSid: SID, authToken: TOKEN, from: FROM, baseUrl: `http://127.0.0.1:${port}` });
    const e = await failure(s.send({ to: '+15551234567', body: BODY }));
    expect(e.message).toBe('Twilio could not be reached (ECONNREFUSED)');
  });

  test.each(['5551234567', '+1555123', '+1 555 123 4567', '+015551234567', ''])(
    'recipient %j is refused before any request, without echoing it',
    async (to) => {
      const e = await failure(sender().send({ to, body: BODY }));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe("The SMS recipient is not an E.164 phone number ('+' and 8 to 15 digits)");
      expect(received).toHaveLength(0);
    },
  );

  test('a sender number that is not E.164 is refused when the sender is made', () => {
    expect(() => twilioSender({ accountSid: SID, authToken: TOKEN, from: '5005550006', baseUrl })).toThrow(
      /sender number .* E\.164/,
    );
  });

  test('SMS_URL twilio+http:// reaches the same API', async () => {
    const url = `twilio+http://${SID}:${TOKEN}@${new URL(baseUrl).host}?from=%2B15005550006`;
    const { id } = await createSmsSender(url, undefined as never).send({ to: '+442071838750', body: 'Hello' });
    expect(id).toMatch(/^SM/);
    expect(received[0]?.form.get('From')).toBe(FROM);
    expect(received[0]?.form.get('To')).toBe('+442071838750');
  });
});
