import type { Patient } from '@medplum/fhirtypes';
import type { ReferralPacket } from './model.ts';

// A realistic urgent cardiology referral from a family-medicine practice, with one or two of each resource type. Tests
// override the parts they assert on.

/** A one-page PDF ("%PDF-1.4" …), base64: enough for an inline DocumentReference attachment. */
const tinyPdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

/** Ana María Rodríguez, Spanish-speaking, needs an interpreter. */
export const patient: Patient = {
  resourceType: 'Patient',
  id: 'p1',
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: true }],
  identifier: [
    {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
      system: 'urn:oid:2.16.840.1.113883.19.5',
      value: 'MRN-004512',
      assigner: { display: 'Lakeside Family Health' },
    },
  ],
  name: [{ use: 'official', given: ['Ana', 'María'], family: 'Rodríguez' }],
  telecom: [
    { system: 'phone', value: '(312) 555-0188', use: 'mobile', rank: 1 },
    { system: 'phone', value: '(312) 555-0100', use: 'old' },
  ],
  gender: 'female',
  birthDate: '1961-07-04',
  address: [{ use: 'home', line: ['2240 W Cermak Rd', 'Apt 3'], city: 'Chicago', state: 'IL', postalCode: '60608' }],
  communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true }],
};

/** The packet; `overrides` replace whole fields. */
export function referralPacket(overrides: Partial<ReferralPacket> = {}): ReferralPacket {
  return {
    serviceRequest: {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      priority: 'urgent',
      performerType: {
        coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207RC0000X', display: 'Cardiology' }],
      },
      code: { text: 'Cardiology consultation and echocardiogram' },
      reasonCode: [{ text: 'Exertional chest pain with new ST depression on ECG' }],
      note: [{ text: 'Symptoms worse over two weeks.\nPlease see within 7 days.', authorString: 'Dr. Natarajan' }],
      occurrencePeriod: { start: '2026-03-03', end: '2026-03-10' },
      authoredOn: '2026-03-02T09:15:00-06:00',
    },
    patient,
    referrer: {
      resourceType: 'PractitionerRole',
      practitioner: { reference: 'Practitioner/dr1', display: 'Dr. Priya Natarajan, MD' },
      specialty: [{ coding: [{ system: 'http://snomed.info/sct', code: '419772000', display: 'Family practice' }] }],
      telecom: [{ system: 'phone', value: '(312) 555-0142', use: 'work' }],
    },
    referrerOrganization: {
      resourceType: 'Organization',
      name: 'Lakeside Family Health',
      telecom: [
        { system: 'phone', value: '(312) 555-0140', use: 'work' },
        { system: 'fax', value: '(312) 555-0149', use: 'work' },
      ],
      address: [{ line: ['1200 S Halsted St'], city: 'Chicago', state: 'IL', postalCode: '60607' }],
    },
    receiver: { name: 'North Shore Cardiology' },
    conditions: [
      {
        resourceType: 'Condition',
        subject: { reference: 'Patient/p1' },
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' }] },
        onsetDateTime: '2019-05',
      },
      { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { text: 'Type 2 diabetes mellitus' } },
    ],
    medications: [
      {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        medicationCodeableConcept: { text: 'Lisinopril 10 MG Oral Tablet' },
        dosageInstruction: [{ text: '1 tablet by mouth once daily' }],
        authoredOn: '2025-11-20',
      },
      {
        resourceType: 'MedicationStatement',
        status: 'active',
        subject: { reference: 'Patient/p1' },
        medicationCodeableConcept: {
          coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '861007' }],
        },
        dosage: [
          {
            doseAndRate: [{ doseQuantity: { value: 500, unit: 'mg' } }],
            route: { text: 'oral' },
            timing: { code: { text: 'twice daily' } },
          },
        ],
      },
    ],
    allergies: [
      {
        resourceType: 'AllergyIntolerance',
        patient: { reference: 'Patient/p1' },
        code: { text: 'Penicillin' },
        criticality: 'high',
        reaction: [{ manifestation: [{ text: 'Hives' }, { text: 'Wheezing' }], severity: 'severe' }],
      },
    ],
    results: [
      {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'Hemoglobin A1c' },
        valueQuantity: { value: 7.8, unit: '%' },
        effectiveDateTime: '2026-02-20T08:30:00-06:00',
      },
      {
        resourceType: 'DiagnosticReport',
        status: 'final',
        code: { text: '12-lead ECG' },
        conclusion: 'Sinus rhythm, 1 mm ST depression V4–V6',
        effectiveDateTime: '2026-02-27T10:05:00-06:00',
      },
    ],
    documents: [
      {
        resourceType: 'DocumentReference',
        status: 'current',
        type: { text: 'ECG tracing' },
        date: '2026-02-27T10:10:00-06:00',
        content: [{ attachment: { contentType: 'application/pdf', title: 'ecg-2026-02-27.pdf', data: tinyPdf } }],
      },
    ],
    coverage: [
      {
        resourceType: 'Coverage',
        status: 'active',
        beneficiary: { reference: 'Patient/p1' },
        payor: [{ reference: 'Organization/bcbs' }],
        subscriberId: 'XJH904417',
        class: [{ type: { coding: [{ code: 'group' }] }, value: '0045127', name: 'City of Chicago' }],
        period: { start: '2026-01-01', end: '2026-12-31' },
      },
    ],
    payers: [{ resourceType: 'Organization', id: 'bcbs', name: 'Blue Cross Blue Shield of Illinois' }],
    ...overrides,
  };
}
