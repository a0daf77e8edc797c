import { escapeHtml } from '../../../platform/http/html.ts';
import {
  CONFIDENTIAL,
  NOTHING_INCLUDED,
  type PacketEntry,
  type PacketRow,
  packetSections,
  packetSummary,
  type ReferralPacket,
} from './model.ts';

/** Label/value rows as a table with row headers, so a screen reader announces "Dosage, 1 tablet daily". */
function table(rows: readonly PacketRow[], label: string): string {
  if (rows.length === 0) return '';
  const body = rows
    .map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`)
    .join('');
  return `<table aria-label="${escapeHtml(label)}">${body}</table>`;
}

const entryHtml = (e: PacketEntry) => `<article><h3>${escapeHtml(e.title)}</h3>${table(e.rows, e.title)}</article>`;

/** Print styles keep an entry on one page and repeat nothing; the page works without them (no outside CSS). */
const STYLE =
  'body{font:1rem/1.45 system-ui,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;color:#1a1a1a}' +
  'h1{margin:.2rem 0;font-size:1.6rem}h2{border-bottom:2px solid #1f4e79;color:#1f4e79;margin-top:2rem;font-size:1.25rem}' +
  'h3{margin:1rem 0 .3rem;font-size:1.05rem}table{border-collapse:collapse;width:100%}' +
  'th,td{text-align:left;vertical-align:top;padding:.2rem .5rem .2rem 0;border-bottom:1px solid #ddd}' +
  'th{width:14rem;font-weight:600}td{white-space:pre-line}.urgent{color:#a40000}' +
  '.notice{font-size:.9rem;color:#444;border:1px solid #bbb;padding:.4rem .6rem}' +
  '@media print{body{margin:0;max-width:none}article{break-inside:avoid}form{display:none}}';

/**
 * The referral packet as a page for a receiving office that follows the secure link (issue 6): the same content as
 * the PDF, from the same sections. Every value is escaped; `actions` (the page's own forms, e.g. accept or decline)
 * is trusted, already-escaped HTML and goes right after the summary. No script and no outside resources, so the page
 * leaks nothing to third parties and works where scripts are blocked.
 */
export function packetHtml(packet: ReferralPacket, options: { actions?: string } = {}): string {
  const s = packetSummary(packet);
  const title = s.priority ? `Referral: ${s.priority}` : 'Referral';
  const isUrgent = s.priority !== undefined && s.priority !== 'Routine';
  const letterhead = [
    s.request ? `<p><strong>${escapeHtml(s.request)}</strong></p>` : '',
    table(s.referrer, 'Referred by'),
    s.receiver ? `<p>To: ${escapeHtml(s.receiver)}</p>` : '',
  ].join('');
  const sections = packetSections(packet)
    .map((section) => {
      const body =
        section.entries.length > 0 ? section.entries.map(entryHtml).join('') : `<p>${escapeHtml(NOTHING_INCLUDED)}</p>`;
      return `<section aria-labelledby="${section.key}"><h2 id="${section.key}">${escapeHtml(section.title)}</h2>${body}</section>`;
    })
    .join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">' +
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><header><p class="notice">${escapeHtml(CONFIDENTIAL)}</p>` +
    `<h1${isUrgent ? ' class="urgent"' : ''}>${escapeHtml(title)}</h1>${letterhead}</header><main>` +
    `<section aria-labelledby="patient"><h2 id="patient">Patient</h2>` +
    `<p><strong>${escapeHtml(s.patient.title)}</strong></p>${table(s.patient.rows, 'Patient identification')}</section>` +
    (options.actions ?? '') +
    `${sections}</main></body></html>`
  );
}
