// Outgoing text messages: Twilio's Messages API, or the development outbox (SMS_URL). Bodies carry no PHI: callers
// compose them from date, time, place and links only.
export { createSmsSender, parseSmsUrl } from './create.ts';
export { textableNumber } from './number.ts';
export { listOutbox, outboxSender } from './outbox.ts';
export type { SmsSender } from './sender.ts';
export { twilioSender } from './twilio.ts';
