import { describe, expect, test } from 'vitest';
import { packetHtml } from './html.ts';
import { patient, referralPacket } from './packet.fixture.ts';

describe('packetHtml', () => {
  test('an accessible, self-contained page: language, headings in order, tables with row headers', () => {
    const html = packetHtml(referralPacket());
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain('<title>Referral: Urgent</title>');
    expect(html).toContain('<h1 class="urgent">Referral: Urgent</h1>');
    const h2 = [...html.matchAll(/<h2 id="(\w+)">([^<]+)<\/h2>/g)].map((m) => m[2]);
    expect(h2).toEqual([
      'Patient',
      'Reason for referral',
      'Conditions',
      'Medications',
      'Allergies and intolerances',
      'Recent results',
      'Documents',
      'Coverage',
    ]);
    expect(html).toContain('<h3>Lisinopril 10 MG Oral Tablet</h3>');
    expect(html).toContain('<tr><th scope="row">Dosage</th><td>1 tablet by mouth once daily</td></tr>');
    expect(html).toContain('<tr><th scope="row">Interpreter needed</th><td>Yes</td></tr>');
    expect(html).toContain('Confidential: contains protected health information');
    // No script, nothing fetched from elsewhere (the link page must not leak its token or the patient to a third party).
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import/i);
  });

  test('every value is escaped: a condition named <script> stays text', () => {
    const html = packetHtml(
      referralPacket({
        conditions: [
          {
            resourceType: 'Condition',
            subject: { reference: 'Patient/p1' },
            code: { text: '<script>alert(1)</script>' },
          },
        ],
        receiver: { name: '"><img src=x onerror=alert(1)>' },
        patient: { ...patient, name: [{ text: "O'Brien & <b>Sons</b>" }] },
      }),
    );
    expect(html).toContain('<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3>');
    expect(html).toContain('To: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;');
    expect(html).not.toMatch(/<script|<img|<b>/);
  });

  test('the page actions come right after the summary, before the clinical sections', () => {
    const actions =
      '<form method="post" action="/referral/accept"><button type="submit">Accept referral</button></form>';
    const html = packetHtml(referralPacket(), { actions });
    const at = html.indexOf(actions);
    expect(at).toBeGreaterThan(html.indexOf('Interpreter needed'));
    expect(at).toBeLessThan(html.indexOf('<h2 id="reason">'));
    expect(packetHtml(referralPacket())).not.toContain('<form');
  });

  test('an empty section says nothing was included; routine is not styled urgent', () => {
    const packet = referralPacket({ allergies: [] });
    const html = packetHtml({ ...packet, serviceRequest: { ...packet.serviceRequest, priority: 'routine' } });
    expect(html).toContain('<h2 id="allergies">Allergies and intolerances</h2><p>None included in this packet.</p>');
    expect(html).toContain('<h1>Referral: Routine</h1>');
  });

  test('line breaks in notes are kept (white-space: pre-line), never turned into markup', () => {
    const html = packetHtml(referralPacket());
    expect(html).toContain('<td>Symptoms worse over two weeks.\nPlease see within 7 days. (Dr. Natarajan)</td>');
    expect(html).toContain('white-space:pre-line');
  });
});
