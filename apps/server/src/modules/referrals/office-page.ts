import { escapeHtml } from '../../platform/http/html.ts';
import type { Stage } from './domain/lifecycle.ts';

/** What the office is told about where the referral stands, in plain words. */
const STATUS: Record<Stage, string> = {
  draft: 'This referral has not been sent yet.',
  sent: 'Please accept or decline this referral.',
  received: 'Please accept or decline this referral.',
  accepted: 'You accepted this referral. Please give the appointment you booked, then send the consult note.',
  declined: 'You declined this referral. Thank you for letting us know.',
  scheduled: 'The appointment is booked. After the visit, please send the consult note.',
  seen: 'The patient has been seen. Please send the consult note.',
  'report-received': 'Thank you: the consult note has been received.',
  closed: 'This referral is closed. Thank you.',
  cancelled: 'This referral was cancelled by the referring team. No action is needed.',
  withdrawn: 'This referral was withdrawn (another office took it, or it ended). No action is needed.',
  expired: 'This referral expired without an answer. No action is needed.',
};

/** What a step just done is confirmed with. */
const DONE: Record<string, string> = {
  accept: 'Accepted. Thank you.',
  decline: 'Declined. Thank you for letting us know.',
  schedule: 'The appointment has been recorded.',
  seen: 'Recorded: the patient has been seen.',
  report: 'The consult note has been received. Thank you.',
};

const field = (token: string, action: string) =>
  `<input type="hidden" name="token" value="${escapeHtml(token)}"><input type="hidden" name="action" value="${action}">`;

/**
 * The office's part of the referral page: where the referral stands, what was just done, and the forms for the next
 * steps the lifecycle allows the receiver (`allowed`). Each form POSTs (a GET changes nothing, so link scanners are
 * harmless); the consult note is a file upload. `timeZone` is the zone appointment times are read in.
 */
export function officeActions(input: {
  token: string;
  stage: Stage;
  allowed: readonly Stage[];
  timeZone: string;
  done?: string | undefined;
  error?: string | undefined;
}): string {
  const { token, allowed } = input;
  const forms: string[] = [];
  if (allowed.includes('accepted'))
    forms.push(
      `<form method="post" action="/referral">${field(token, 'accept')}<button type="submit">Accept the referral</button></form>`,
    );
  if (allowed.includes('declined'))
    forms.push(
      `<form method="post" action="/referral">${field(token, 'decline')}<label>Reason for declining <input name="reason" required maxlength="500"></label> <button type="submit">Decline</button></form>`,
    );
  if (allowed.includes('scheduled'))
    forms.push(
      `<form method="post" action="/referral">${field(token, 'schedule')}<fieldset><legend>Appointment</legend>` +
        `<label>Date and time (${escapeHtml(input.timeZone)}) <input type="datetime-local" name="start" required></label> ` +
        '<label>Minutes <input type="number" name="minutes" min="5" max="480" value="30" required></label> ' +
        '<label><input type="radio" name="status" value="booked" checked> Confirmed with the patient</label> ' +
        '<label><input type="radio" name="status" value="proposed"> Proposed: please confirm with the patient</label> ' +
        '<button type="submit">Save the appointment</button></fieldset></form>',
    );
  if (allowed.includes('seen'))
    forms.push(
      `<form method="post" action="/referral">${field(token, 'seen')}<button type="submit">The patient has been seen</button></form>`,
    );
  if (allowed.includes('report-received'))
    forms.push(
      `<form method="post" action="/referral/report" enctype="multipart/form-data"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
        '<fieldset><legend>Consult note</legend><label>File (PDF or text, up to 10 MB) <input type="file" name="note" accept="application/pdf,text/plain" required></label> ' +
        '<button type="submit">Send the consult note</button></fieldset></form>',
    );
  const notice = input.error
    ? `<p role="alert" class="urgent">${escapeHtml(input.error)}</p>`
    : input.done
      ? `<p role="status"><strong>${escapeHtml(DONE[input.done] ?? 'Done.')}</strong></p>`
      : '';
  const pdf = `<p><a href="/referral/packet.pdf?token=${encodeURIComponent(token)}">Download the packet as a PDF</a></p>`;
  return `<section aria-labelledby="answer"><h2 id="answer">Your answer</h2>${notice}<p>${escapeHtml(STATUS[input.stage])}</p>${forms.join('')}${pdf}</section>`;
}

/** The page for a link that is not valid (altered, for something else) or has expired: no detail either way. */
export const invalidLinkPage = (): string =>
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Referral</title></head>' +
  '<body><main><h1>Referral</h1><p>This link is not valid or has expired. Please contact the referring care team.</p></main></body></html>';
