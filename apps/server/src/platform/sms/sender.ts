/** A text message: the recipient's E.164 number and the text, which callers compose without PHI. */
export type SmsMessage = Readonly<{ to: string; body: string }>;

/** Sends text messages; `id` is the carrier's (or the outbox's) id for the message, for correlation in logs. */
export type SmsSender = Readonly<{ send(message: SmsMessage): Promise<{ id: string }> }>;

// ITU-T E.164: a country code (never starting with 0) and the national number, at most 15 digits in all; 8 is the
// shortest full number in use. Carriers such as Twilio require this form with the leading '+'.
const E164 = /^\+[1-9]\d{7,14}$/;

/** Throws a RangeError naming `field` unless `number` is an E.164 number; the number itself is never echoed (PHI). */
export function checkE164(number: string, field: string): void {
  if (!E164.test(number)) throw new RangeError(`${field} is not an E.164 phone number ('+' and 8 to 15 digits)`);
}
