import { randomBytes } from 'node:crypto';
import { base32Encode } from '../../platform/identity/index.ts';

/**
 * Video-visit links: a video provider's URL template (TELEHEALTH_URL_TEMPLATE, e.g.
 * `https://meet.jit.si/careloop-{room}`) filled with a room name nobody can guess. With providers such as Jitsi
 * anyone who knows a room's name can join it, so the name is the secret: 128 random bits, as many as a UUIDv4 has
 * plus 6, far beyond what enumeration can reach.
 */

// RFC 4648 §6 base32, lower-cased: letters and the digits 2–7 only, valid in any URL path or host label, and with no
// 0 or 1 to mistake for o or l when a link is read aloud.
const ROOM_BYTES = 16;
const ROOM = /^[a-z2-7]{26}$/;

/** A fresh room name: 128 random bits as 26 lower-case base32 characters. */
export function newRoomName(): string {
  return base32Encode(randomBytes(ROOM_BYTES)).toLowerCase();
}

/**
 * Why `template` is not a usable video-link template, or undefined when it is: it must be an https URL (the link
 * carries the room's secret name) with `{room}` exactly once.
 */
export function telehealthTemplateProblem(template: string): string | undefined {
  const count = template.split('{room}').length - 1;
  if (count !== 1) return `must contain {room} exactly once (found ${count})`;
  let url: URL;
  try {
    url = new URL(template.replace('{room}', 'room'));
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  return undefined;
}

/** The join link for `room` (from newRoomName) under the video provider's `template`. */
export function joinUrl(template: string, room: string): string {
  const problem = telehealthTemplateProblem(template);
  if (problem) throw new RangeError(`TELEHEALTH_URL_TEMPLATE ${problem}`);
  if (!ROOM.test(room)) throw new RangeError('room: not a name made by newRoomName');
  return template.replace('{room}', room);
}

/** A new video visit's link: a fresh room under the configured provider's template. */
export const videoLink = (template: string): string => joinUrl(template, newRoomName());
