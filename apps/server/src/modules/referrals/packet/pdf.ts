import type { Attachment } from '@medplum/fhirtypes';
import { type Color, PageSizes, PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import { dateText, joined } from './format.ts';
import {
  CONFIDENTIAL,
  NOTHING_INCLUDED,
  type PacketEntry,
  type PacketRow,
  type PacketSection,
  type PacketSummary,
  packetSections,
  packetSummary,
  type ReferralPacket,
} from './model.ts';
import { type Printable, printable, wrap } from './pdf-text.ts';

// US Letter, the paper US offices print on; 0.75 in margins, a footer band for the notice and page numbers.
const [WIDTH, HEIGHT] = PageSizes.Letter;
const MARGIN = 54;
const FOOTER = 40;
const TOP = HEIGHT - MARGIN;
const BOTTOM = MARGIN + FOOTER;
const LABEL_WIDTH = 140;
const SIZE = 10;
const LEADING = 13;
const TITLE_SIZE = 11;
const ENTRY_GAP = 6;
const INK = rgb(0.1, 0.1, 0.1);
const BLUE = rgb(0.12, 0.31, 0.47);
const RED = rgb(0.64, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);

type Style = Readonly<{ bold?: boolean; size?: number; color?: Color }>;

/** Where the next line goes; a new page starts when a block would run into the footer. */
type Cursor = {
  readonly doc: PDFDocument;
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly print: Printable;
  page: PDFPage;
  y: number;
};

function ensure(c: Cursor, height: number): void {
  if (c.y - height >= BOTTOM) return;
  c.page = c.doc.addPage([WIDTH, HEIGHT]);
  c.y = TOP;
}

/** A paragraph, wrapped to the text width, flowing over pages line by line. */
function paragraph(c: Cursor, text: string, style: Style = {}): void {
  const font = style.bold ? c.bold : c.regular;
  const size = style.size ?? SIZE;
  for (const line of wrap(c.print.text(text), font, size, WIDTH - 2 * MARGIN)) {
    ensure(c, size * 1.3);
    c.y -= size * 1.3;
    c.page.drawText(line, { x: MARGIN, y: c.y, size, font, color: style.color ?? INK });
  }
}

type RowLines = Readonly<{ labels: string[]; values: string[] }>;

function rowLines(c: Cursor, r: PacketRow, indent: number): RowLines {
  return {
    labels: wrap(c.print.text(r.label), c.bold, SIZE, LABEL_WIDTH - 8),
    values: wrap(c.print.text(r.value), c.regular, SIZE, WIDTH - 2 * MARGIN - indent - LABEL_WIDTH),
  };
}

const rowHeight = (lines: RowLines) => Math.max(lines.labels.length, lines.values.length) * LEADING;

/** Label in bold on the left, value wrapped beside it; a value longer than a page (a note) continues on the next. */
function row(c: Cursor, r: PacketRow, indent: number, lines = rowLines(c, r, indent)): void {
  const x = MARGIN + indent;
  for (let i = 0; i < Math.max(lines.labels.length, lines.values.length); i++) {
    ensure(c, LEADING);
    c.y -= LEADING;
    const label = lines.labels[i];
    const value = lines.values[i];
    if (label) c.page.drawText(label, { x, y: c.y, size: SIZE, font: c.bold, color: INK });
    if (value) c.page.drawText(value, { x: x + LABEL_WIDTH, y: c.y, size: SIZE, font: c.regular, color: INK });
  }
}

/** An entry's name and rows, kept on one page when they fit (as the HTML's print style does), else flowing on. */
function entry(c: Cursor, e: PacketEntry): void {
  const title = wrap(c.print.text(e.title), c.bold, TITLE_SIZE, WIDTH - 2 * MARGIN);
  const rows = e.rows.map((r) => rowLines(c, r, 8));
  const height = ENTRY_GAP + title.length * TITLE_SIZE * 1.3 + rows.reduce((sum, r) => sum + rowHeight(r), 0);
  ensure(c, Math.min(height, TOP - BOTTOM));
  c.y -= ENTRY_GAP;
  paragraph(c, e.title, { bold: true, size: TITLE_SIZE });
  e.rows.forEach((r, i) => {
    row(c, r, 8, rows[i]);
  });
}

function sectionHeading(c: Cursor, title: string): void {
  // Never a heading alone at the foot of a page: keep room for it and the first entry's name and row.
  ensure(c, 17 + 13 * 1.3 + ENTRY_GAP + TITLE_SIZE * 1.3 + LEADING);
  c.y -= 14;
  paragraph(c, title, { bold: true, size: 13, color: BLUE });
  c.y -= 3;
  c.page.drawLine({ start: { x: MARGIN, y: c.y }, end: { x: WIDTH - MARGIN, y: c.y }, thickness: 1, color: BLUE });
}

const REPLACED =
  'Some characters cannot be printed in this PDF and are shown as "?" or without accents; the secure link shows the exact text.';

/** "Referral" with its urgency, what is asked for, who refers, to whom, when generated; then the patient. */
function letterhead(c: Cursor, s: PacketSummary, generatedAt: string): void {
  paragraph(c, CONFIDENTIAL, { size: 8, color: GREY });
  if (c.print.hasReplaced()) paragraph(c, REPLACED, { size: 8, color: GREY });
  c.y -= 4;
  const isUrgent = s.priority !== undefined && s.priority !== 'Routine';
  paragraph(c, s.priority ? `Referral: ${s.priority}` : 'Referral', {
    bold: true,
    size: 20,
    color: isUrgent ? RED : INK,
  });
  if (s.request) paragraph(c, s.request, { bold: true, size: 12 });
  c.y -= 4;
  for (const r of s.referrer) row(c, r, 0);
  if (s.receiver) row(c, { label: 'To', value: s.receiver }, 0);
  row(c, { label: 'Generated', value: dateText(generatedAt) ?? generatedAt }, 0);
  sectionHeading(c, 'Patient');
  paragraph(c, s.patient.title, { bold: true, size: 14 });
  for (const r of s.patient.rows) row(c, r, 0);
}

/** Notice, patient and page number on every page: a printed page that strays from the stack still says whose it is. */
function footers(c: Cursor, s: PacketSummary, generatedAt: string): void {
  const birth = s.patient.rows.find((r) => r.label === 'Birth date')?.value;
  const who = c.print.text(joined([s.patient.title, birth && `born ${birth}`], ', ') ?? '');
  const pages = c.doc.getPages();
  pages.forEach((page, i) => {
    const number = `Page ${i + 1} of ${pages.length}`;
    const y = MARGIN - 4;
    page.drawLine({
      start: { x: MARGIN, y: y + 22 },
      end: { x: WIDTH - MARGIN, y: y + 22 },
      thickness: 0.5,
      color: GREY,
    });
    page.drawText(CONFIDENTIAL, { x: MARGIN, y: y + 11, size: 8, font: c.bold, color: INK });
    const right = c.regular.widthOfTextAtSize(number, 8);
    page.drawText(number, { x: WIDTH - MARGIN - right, y: y + 11, size: 8, font: c.regular, color: INK });
    const line = wrap(
      `${who}. Generated ${c.print.text(dateText(generatedAt) ?? generatedAt)}`,
      c.regular,
      8,
      WIDTH - 2 * MARGIN,
    )[0];
    page.drawText(line ?? '', { x: MARGIN, y, size: 8, font: c.regular, color: GREY });
  });
}

const entryText = (e: PacketEntry) => [e.title, ...e.rows.flatMap((r) => [r.label, r.value])];

function allText(s: PacketSummary, sections: readonly PacketSection[]): string[] {
  const head = [s.request, s.receiver, ...s.referrer.flatMap((r) => [r.label, r.value]), ...entryText(s.patient)];
  return [
    ...head.filter((t): t is string => t !== undefined),
    ...sections.flatMap((x) => x.entries.flatMap(entryText)),
  ];
}

/** Inline attachments (DocumentReference content, report PDFs) go into the PDF as embedded files. */
async function attachFiles(doc: PDFDocument, packet: ReferralPacket, created: Date | undefined): Promise<void> {
  const attachments: Attachment[] = [
    ...packet.documents.flatMap((d) => (d.content ?? []).map((x) => x.attachment)),
    ...packet.results.flatMap((r) => (r.resourceType === 'DiagnosticReport' ? (r.presentedForm ?? []) : [])),
  ];
  let n = 0;
  for (const a of attachments) {
    if (!a.data) continue;
    n++;
    // A name from the sender could carry a path or odd characters; keep letters, digits and a few marks.
    const name = (a.title ?? `attachment-${n}`).replace(/[^\w.\- ]+/g, '_').slice(0, 100) || `attachment-${n}`;
    await doc.attach(a.data, name, {
      ...(a.contentType ? { mimeType: a.contentType } : {}),
      ...(a.title ? { description: a.title } : {}),
      ...(created ? { creationDate: created } : {}),
    });
  }
}

/**
 * The printable referral packet (issue 6) for an office with neither an account nor a FHIR endpoint: letterhead,
 * patient identification, then every section of {@link packetSections}, on US Letter pages with the confidentiality
 * notice and page numbers in every footer. Pure: the time printed and stamped as the creation date is `generatedAt`
 * (an ISO instant), so the same input makes the same bytes.
 */
export async function packetPdf(packet: ReferralPacket, options: { generatedAt: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const created = Number.isNaN(Date.parse(options.generatedAt)) ? undefined : new Date(options.generatedAt);
  doc.setTitle('Referral packet');
  doc.setCreator('CareLoop');
  doc.setProducer('CareLoop');
  if (created) doc.setCreationDate(created);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const c: Cursor = { doc, regular, bold, print: printable(regular), page: doc.addPage([WIDTH, HEIGHT]), y: TOP };
  const summary = packetSummary(packet);
  const sections = packetSections(packet);
  // Read every string once before drawing, so the notice about replaced characters can lead the first page.
  for (const text of allText(summary, sections)) c.print.text(text);
  letterhead(c, summary, options.generatedAt);
  for (const section of sections) {
    sectionHeading(c, section.title);
    if (section.entries.length === 0) paragraph(c, NOTHING_INCLUDED, { color: GREY });
    for (const e of section.entries) entry(c, e);
  }
  footers(c, summary, options.generatedAt);
  await attachFiles(doc, packet, created);
  return doc.save();
}
