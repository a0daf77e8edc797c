import { describe, expect, test } from 'vitest';
import { parseSmsUrl } from './create.ts';

describe('SMS_URL', () => {
  test('outbox: is the development outbox', () => {
    expect(parseSmsUrl('outbox:')).toEqual({ kind: 'outbox' });
  });

  test('twilio:// is Twilio over HTTPS, with the credentials and sender from the URL', () => {
    expect(parseSmsUrl('twilio://AC0123:s3cr%2Ft@api.twilio.com?from=%2B15551234567')).toEqual({
      kind: 'twilio',
      accountSid: 'AC0123',
      authToken: 's3cr/t',
      from: '+15551234567',
      baseUrl: 'https://api.twilio.com',
    });
  });

  test('twilio+http:// is plain HTTP with a port (local fakes); an unencoded + in from is taken as meant', () => {
    expect(parseSmsUrl('twilio+http://ACx:tok@127.0.0.1:4010/?from=+4930123456')).toMatchObject({
      baseUrl: 'http://127.0.0.1:4010',
      from: '+4930123456',
    });
  });

  test.each([
    ['unknown scheme', 'sms://ACx:S3CRETtkn@host?from=%2B15551234567', /must be 'outbox:'/],
    ['https is not a scheme we take', 'https://ACx:S3CRETtkn@api.twilio.com?from=%2B15551234567', /must be 'outbox:'/],
    ['no credentials', 'twilio://api.twilio.com?from=%2B15551234567', /account SID and auth token/],
    ['no token', 'twilio://ACx@api.twilio.com?from=%2B15551234567', /account SID and auth token/],
    ['no from', 'twilio://ACx:S3CRETtkn@api.twilio.com', /from=.*E\.164/],
    ['from without +', 'twilio://ACx:S3CRETtkn@api.twilio.com?from=15551234567', /E\.164/],
    ['from too short', 'twilio://ACx:S3CRETtkn@api.twilio.com?from=%2B1555123', /E\.164/],
    ['from too long', 'twilio://ACx:S3CRETtkn@api.twilio.com?from=%2B1234567890123456', /E\.164/],
    ['a path', 'twilio://ACx:S3CRETtkn@api.twilio.com/2010-04-01?from=%2B15551234567', /no path/],
  ])('%s is refused with a reason and without the token', (_name, url, reason) => {
    let message = '';
    try {
      parseSmsUrl(url);
    } catch (e) {
      expect(e).toBeInstanceOf(RangeError);
      message = (e as Error).message;
    }
    expect(message).toMatch(reason);
    expect(message).not.toContain('S3CRETtkn');
  });
});
