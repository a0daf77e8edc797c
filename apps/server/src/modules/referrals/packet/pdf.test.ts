import type { Condition } from '@medplum/fhirtypes';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, test } from 'vitest';
import { patient, referralPacket } from './packet.fixture.ts';
import { packetPdf } from './pdf.ts';

const generatedAt = '2026-03-02T15:20:00Z';

/** The text of each page, read back with PDF.js (through unpdf), as a receiving office's viewer would. */
async function pages(bytes: Uint8Array): Promise<string[]> {
  return (await extractText(new Uint8Array(bytes), { mergePages: false })).text;
}

/** Thirty conditions of three rows each: several pages of entries. */
const manyConditions: Condition[] = Array.from({ length: 30 }, (_, i) => ({
  resourceType: 'Condition',
  subject: { reference: 'Patient/p1' },
  code: { text: `Condition number ${i + 1}` },
  clinicalStatus: { coding: [{ code: 'active' }] },
  onsetDateTime: '2020-01-01',
  recordedDate: '2020-01-02',
}));

describe('packetPdf', () => {
  test('a PDF; the same input gives the same bytes (the time printed is the one passed in)', async () => {
    const bytes = await packetPdf(referralPacket(), { generatedAt });
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(Buffer.from(await packetPdf(referralPacket(), { generatedAt })).equals(Buffer.from(bytes))).toBe(true);
  });

  test('read back: patient, reason, medication, and the footer on every page', async () => {
    const text = await pages(await packetPdf(referralPacket({ conditions: manyConditions }), { generatedAt }));
    expect(text.length).toBeGreaterThan(1);
    const all = text.join('\n');
    expect(all).toContain('Referral: Urgent');
    expect(all).toContain('Ana María Rodríguez');
    expect(all).toContain('Exertional chest pain with new ST depression on ECG');
    expect(all).toContain('Lisinopril 10 MG Oral Tablet');
    expect(all).toContain('1 tablet by mouth once daily');
    expect(all).toContain('Generated 2026-03-02 15:20 UTC');
    text.forEach((page, i) => {
      expect(page).toContain('Confidential: contains protected health information');
      expect(page).toContain(`Page ${i + 1} of ${text.length}`);
      expect(page).toContain('Ana María Rodríguez, born 1961-07-04');
    });
  });

  test('a long packet flows over the expected pages, entries kept whole', async () => {
    // An entry of a title and three rows takes 6 + 11 × 1.3 + 3 × 13 = 59.3 pt and a page body 792 − 54 − 94 = 644 pt,
    // so a full page holds 10 entries (11 would need 652.3). The letterhead, patient and reason leave room for 2 on
    // page 1; the other 28 take pages of 10, 10 and 8, and medications (which do not fit under them) open page 5.
    const pdf = await getDocumentProxy(
      new Uint8Array(await packetPdf(referralPacket({ conditions: manyConditions }), { generatedAt })),
    );
    expect(pdf.numPages).toBe(5);
    const perPage: number[] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const items = (await (await pdf.getPage(p)).getTextContent()).items;
      perPage.push(items.filter((i) => 'str' in i && /^Condition number \d+$/.test(i.str)).length);
    }
    expect(perPage).toEqual([2, 10, 10, 8, 0]);
  });

  test('nothing but the footer is drawn in the footer band', async () => {
    const note = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    const packet = referralPacket({ conditions: manyConditions });
    packet.serviceRequest = { ...packet.serviceRequest, note: [{ text: note }] };
    const pdf = await getDocumentProxy(new Uint8Array(await packetPdf(packet, { generatedAt })));
    for (let p = 1; p <= pdf.numPages; p++) {
      const items = (await (await pdf.getPage(p)).getTextContent()).items.flatMap((i) =>
        'str' in i && i.str.trim() ? [{ text: i.str, y: i.transform[5] as number }] : [],
      );
      const low = items.filter((i) => i.y < 54 + 40).map((i) => i.text);
      expect(low.join(' ')).toMatch(/^Confidential: contains protected health information Page \d+ of \d+ Ana María/);
      expect(items.every((i) => i.y <= 792 - 54)).toBe(true);
    }
  });

  test('a note longer than a page flows on, nothing lost', async () => {
    const note = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    const packet = referralPacket();
    packet.serviceRequest = { ...packet.serviceRequest, note: [{ text: note }] };
    const text = (await pages(await packetPdf(packet, { generatedAt }))).join(' ');
    expect(text).toContain('word0 ');
    expect(text).toContain('word1499');
    expect(text.match(/word\d+/g)?.length).toBe(1500);
  });

  test('names outside WinAnsi do not crash: accents dropped or "?", and the PDF says so', async () => {
    const packet = referralPacket({
      patient: {
        ...patient,
        name: [
          { given: ['Hương'], family: 'Nguyễn Thị' },
          { use: 'old', text: '王小明' },
        ],
      },
      receiver: { name: '北京协和医院 Cardiology' },
      conditions: [{ resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { text: 'Đau ngực 🙂' } }],
    });
    const text = (await pages(await packetPdf(packet, { generatedAt }))).join('\n');
    expect(text).toContain('Huong Nguyen Thi');
    expect(text).toContain('?????? Cardiology');
    expect(text).toContain('Dau nguc ?');
    expect(text).toContain('Some characters cannot be printed in this PDF');
    const plain = (await pages(await packetPdf(referralPacket(), { generatedAt }))).join('\n');
    expect(plain).not.toContain('Some characters cannot be printed');
  });

  test('inline document content travels as an embedded file', async () => {
    const pdf = await getDocumentProxy(new Uint8Array(await packetPdf(referralPacket(), { generatedAt })));
    const attachments = (await pdf.getAttachments()) as Record<string, { filename: string; content: Uint8Array }>;
    const ecg = Object.values(attachments ?? {}).find((a) => a.filename === 'ecg-2026-02-27.pdf');
    expect(Buffer.from(ecg?.content ?? []).toString('latin1')).toMatch(/^%PDF-1\.4/);
  });
});
