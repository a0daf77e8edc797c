import type {
  AllergyIntolerance,
  Condition,
  Coverage,
  DiagnosticReport,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  PractitionerRole,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { r4Examples, syntheaResources } from '../../../../test/corpora.ts';
import { type PacketSection, packetSections, packetSummary, type ReferralPacket } from './model.ts';
import { patient, referralPacket } from './packet.fixture.ts';

const subject = { reference: 'Patient/p1' };

/** The one entry of `key` in a packet that holds only `overrides`' resources. */
function only(key: PacketSection['key'], overrides: Partial<ReferralPacket>) {
  const empty = { conditions: [], medications: [], allergies: [], results: [], documents: [], coverage: [] };
  const section = packetSections(referralPacket({ ...empty, ...overrides })).find((s) => s.key === key);
  return section?.entries[0];
}

/** Every printed string of a packet, to check none says "undefined" or "[object Object]". */
function allText(packet: ReferralPacket): string[] {
  const s = packetSummary(packet);
  const entries = [s.patient, ...packetSections(packet).flatMap((x) => x.entries)];
  return [
    ...[s.priority, s.request, s.receiver].filter((t) => t !== undefined),
    ...s.referrer.flatMap((r) => [r.label, r.value]),
    ...entries.flatMap((e) => [e.title, ...e.rows.flatMap((r) => [r.label, r.value])]),
  ];
}

const isJunk = (t: string) => /undefined|null|\[object|NaN/.test(t) || t.trim() === '';

describe('summary and reason for referral', () => {
  test('letterhead: urgency, what is asked, who refers whom', () => {
    const s = packetSummary(referralPacket());
    expect(s.priority).toBe('Urgent');
    expect(s.request).toBe('Cardiology: Cardiology consultation and echocardiogram');
    expect(s.receiver).toBe('North Shore Cardiology');
    expect(s.referrer).toEqual([
      { label: 'Referring organization', value: 'Lakeside Family Health' },
      { label: 'Work phone', value: '(312) 555-0140' },
      { label: 'Fax', value: '(312) 555-0149' },
      { label: 'Address', value: '1200 S Halsted St, Chicago, IL 60607' },
      { label: 'Referring clinician', value: 'Dr. Priya Natarajan, MD, Family practice' },
      { label: 'Work phone', value: '(312) 555-0142' },
    ]);
  });

  test('patient identification, with language named and interpreter need', () => {
    expect(packetSummary(referralPacket()).patient).toEqual({
      title: 'Ana María Rodríguez',
      rows: [
        { label: 'Birth date', value: '1961-07-04' },
        { label: 'Sex', value: 'Female' },
        { label: 'MRN', value: 'MRN-004512 (Lakeside Family Health)' },
        { label: 'Mobile phone', value: '(312) 555-0188' },
        { label: 'Address', value: '2240 W Cermak Rd, Apt 3, Chicago, IL 60608' },
        { label: 'Preferred language', value: 'Spanish' },
        { label: 'Interpreter needed', value: 'Yes' },
      ],
    });
  });

  test('a bare patient and request print only what they have', () => {
    const bare = referralPacket({
      patient: { resourceType: 'Patient' },
      serviceRequest: { resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject },
      referrer: undefined,
      receiver: undefined,
    });
    const { referrerOrganization: _, ...withoutOrg } = bare;
    const s = packetSummary(withoutOrg);
    expect(s).toEqual({
      priority: undefined,
      request: undefined,
      referrer: [],
      receiver: undefined,
      patient: { title: 'Name not recorded', rows: [] },
    });
    expect(packetSections(withoutOrg)[0]?.entries).toEqual([{ title: 'Referral', rows: [] }]);
  });

  test('the reason comes first, then notes, priority, specialty, service, dates', () => {
    expect(packetSections(referralPacket())[0]).toEqual({
      key: 'reason',
      title: 'Reason for referral',
      entries: [
        {
          title: 'Cardiology consultation and echocardiogram',
          rows: [
            { label: 'Reason', value: 'Exertional chest pain with new ST depression on ECG' },
            { label: 'Note', value: 'Symptoms worse over two weeks.\nPlease see within 7 days. (Dr. Natarajan)' },
            { label: 'Priority', value: 'Urgent' },
            { label: 'Specialty', value: 'Cardiology' },
            { label: 'Service', value: 'Cardiology consultation and echocardiogram' },
            { label: 'Requested for', value: '2026-03-03 – 2026-03-10' },
            { label: 'Ordered', value: '2026-03-02 09:15 -06:00' },
          ],
        },
      ],
    });
  });

  test('every section is there, in order, and an empty one stays (the receiver sees what was not sent)', () => {
    const sections = packetSections(referralPacket({ allergies: [], documents: [] }));
    expect(sections.map((s) => s.key)).toEqual([
      'reason',
      'conditions',
      'medications',
      'allergies',
      'results',
      'documents',
      'coverage',
    ]);
    expect(sections.find((s) => s.key === 'allergies')?.entries).toEqual([]);
  });
});

describe('coverage', () => {
  test.each<[string, Coverage, Organization[], { title: string; rows: { label: string; value: string }[] }]>([
    [
      'payer by name, member id, group',
      {
        resourceType: 'Coverage',
        status: 'active',
        beneficiary: subject,
        payor: [{ reference: 'Organization/bcbs' }],
        subscriberId: 'XJH904417',
        relationship: { coding: [{ code: 'self' }] },
        class: [{ type: { coding: [{ code: 'group' }] }, value: '0045127', name: 'City of Chicago' }],
        order: 1,
        period: { start: '2026-01-01', end: '2026-12-31' },
      },
      [{ resourceType: 'Organization', id: 'bcbs', name: 'Blue Cross Blue Shield of Illinois' }],
      {
        title: 'Blue Cross Blue Shield of Illinois',
        rows: [
          { label: 'Member ID', value: 'XJH904417' },
          { label: 'Relationship to subscriber', value: 'Self' },
          { label: 'Group', value: '0045127 (City of Chicago)' },
          { label: 'Order', value: 'Primary' },
          { label: 'Period', value: '2026-01-01 – 2026-12-31' },
        ],
      },
    ],
    [
      'member id from an identifier, payer from its display, cancelled',
      {
        resourceType: 'Coverage',
        status: 'cancelled',
        beneficiary: subject,
        payor: [{ display: 'Medicaid' }],
        identifier: [{ value: 'other' }, { type: { coding: [{ code: 'MB' }] }, value: 'M-1' }],
      },
      [],
      {
        title: 'Medicaid',
        rows: [
          { label: 'Member ID', value: 'M-1' },
          { label: 'Status', value: 'Cancelled' },
        ],
      },
    ],
    [
      'self-pay',
      { resourceType: 'Coverage', status: 'active', beneficiary: subject, payor: [{ reference: 'Patient/p1' }] },
      [],
      { title: 'Self-pay', rows: [] },
    ],
  ])('%s', (_name, coverage, payers, expected) => {
    expect(only('coverage', { coverage: [coverage], payers })).toEqual(expected);
  });
});

const examples = r4Examples('referral packet');
const byId = <T extends Resource>(type: T['resourceType'], id: string): T => {
  const found = examples?.find((r) => r.resourceType === type && r.id === id);
  if (!found) throw new Error(`R4 example ${type}/${id} is missing`);
  return found as T;
};

describe.skipIf(!examples)('official R4 examples (skipped when ../shared/data is absent)', () => {
  test('a referral to ENT (ServiceRequest/myringotomy) with Patient/example and PractitionerRole/example', () => {
    const packet = referralPacket({
      serviceRequest: byId<ServiceRequest>('ServiceRequest', 'myringotomy'),
      patient: byId<Patient>('Patient', 'example'),
      referrer: byId<PractitionerRole>('PractitionerRole', 'example'),
      receiver: undefined,
      coverage: [byId<Coverage>('Coverage', '9876B1')],
      payers: [byId<Organization>('Organization', '2')],
    });
    const s = packetSummary(packet);
    expect(s.request).toBe('ENT: Insertion of grommets');
    expect(s.receiver).toBe('Dr Dave');
    expect(s.patient.title).toBe('Peter James Chalmers');
    expect(s.patient.rows).toContainEqual({ label: 'MRN', value: '12345 (Acme Healthcare)' });
    expect(s.patient.rows).toContainEqual({ label: 'Work phone', value: '(03) 5555 6473' });
    expect(s.patient.rows).not.toContainEqual(expect.objectContaining({ value: '(03) 5555 8834' })); // use: old
    expect(s.referrer).toContainEqual({
      label: 'Referring clinician',
      value: 'Dr Adam Careful, General medical practice',
    });
    const [reason, , , , , , coverage] = packetSections(packet);
    expect(reason?.entries[0]?.rows.slice(0, 3)).toEqual([
      { label: 'Reason', value: 'For consideration of Grommets' },
      expect.objectContaining({
        label: 'Note',
        value: expect.stringMatching(/^In the past 2 years .*\(Serena Shrink, 2014-02-14\)$/),
      }),
      { label: 'Priority', value: 'Routine' },
    ]);
    expect(reason?.entries[0]?.rows).toContainEqual({ label: 'Requested for', value: 'until 2014-03-14' });
    expect(coverage?.entries[0]?.title).toBe('XYZ Insurance');
    expect(coverage?.entries[0]?.rows).toContainEqual({
      label: 'Plan',
      value: 'B37FC (Full Coverage: Medical, Dental, Pharmacy, Vision, EHC)',
    });
    expect(coverage?.entries[0]?.rows).toContainEqual({ label: 'Rx BIN', value: '987654' });
  });

  test('a reason held as a contained Condition (ServiceRequest/physiotherapy) is named', () => {
    const [reason] = packetSections(
      referralPacket({ serviceRequest: byId<ServiceRequest>('ServiceRequest', 'physiotherapy') }),
    );
    expect(reason?.entries[0]?.rows[0]).toEqual({ label: 'Reason', value: 'Cystic Fibrosis' });
  });

  test('no example prints "undefined" or an empty row', () => {
    const of = <T extends Resource>(type: string) => (examples ?? []).filter((r): r is T => r.resourceType === type);
    for (const serviceRequest of of<ServiceRequest>('ServiceRequest')) {
      for (const p of of<Patient>('Patient')) {
        const packet = referralPacket({
          serviceRequest,
          patient: p,
          coverage: of<Coverage>('Coverage'),
          payers: of<Organization>('Organization'),
        });
        expect(allText(packet).filter(isJunk), `${serviceRequest.id} × ${p.id}`).toEqual([]);
      }
    }
  });
});

const synthea = syntheaResources('referral packet', 1);

describe.skipIf(!synthea)('Synthea patient (skipped when ../shared/data is absent)', () => {
  const of = <T extends Resource>(type: string) => (synthea ?? []).filter((r): r is T => r.resourceType === type);

  test('blood pressure reads as its two components, generator noise rounded', () => {
    const bp = of<Observation>('Observation').find((o) => o.code?.coding?.[0]?.code === '55284-4');
    const rows = only('results', { results: [bp as Observation] })?.rows ?? [];
    expect(rows.map((r) => r.label)).toEqual(['Diastolic Blood Pressure', 'Systolic Blood Pressure', 'Date']);
    for (const r of rows.slice(0, 2)) expect(r.value).toMatch(/^\d+(\.\d{1,2})? mm\[Hg\]$/);
  });

  test('every condition, medication and result of the patient prints cleanly', () => {
    const packet = referralPacket({
      patient: of<Patient>('Patient')[0] ?? patient,
      conditions: of<Condition>('Condition'),
      medications: of<MedicationRequest>('MedicationRequest'),
      results: [...of<Observation>('Observation'), ...of<DiagnosticReport>('DiagnosticReport')],
      allergies: of<AllergyIntolerance>('AllergyIntolerance'),
    });
    expect(packet.conditions.length).toBeGreaterThan(0);
    expect(allText(packet).filter(isJunk)).toEqual([]);
  });
});
