import type {
  AllergyIntolerance,
  Condition,
  DiagnosticReport,
  DocumentReference,
  MedicationRequest,
  MedicationStatement,
  Observation,
} from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import {
  allergyEntry,
  conditionEntry,
  diagnosticReportEntry,
  documentEntry,
  medicationEntry,
  observationEntry,
} from './entries.ts';

// One table per resource type: what the packet prints of it, and that missing elements drop their row.

const subject = { reference: 'Patient/p1' };

describe('conditions', () => {
  test.each<[string, Condition, { title: string; rows: { label: string; value: string }[] }]>([
    [
      'status, onset, severity, note',
      {
        resourceType: 'Condition',
        subject,
        clinicalStatus: { coding: [{ code: 'active' }] },
        verificationStatus: { coding: [{ code: 'provisional' }] },
        severity: { coding: [{ system: 'http://snomed.info/sct', code: '24484000', display: 'Severe' }] },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' }] },
        onsetDateTime: '2019-05-01T10:00:00-05:00',
        note: [{ text: 'Poorly controlled' }],
      },
      {
        title: 'Hypertension',
        rows: [
          { label: 'Clinical status', value: 'Active' },
          { label: 'Verification', value: 'Provisional' },
          { label: 'Severity', value: 'Severe' },
          { label: 'Onset', value: '2019-05-01 10:00 -05:00' },
          { label: 'Note', value: 'Poorly controlled' },
        ],
      },
    ],
    [
      'onset as an age, resolved',
      {
        resourceType: 'Condition',
        subject,
        clinicalStatus: { coding: [{ code: 'resolved' }] },
        code: { text: 'Asthma' },
        onsetAge: { value: 6, unit: 'years' },
        abatementString: 'adolescence',
      },
      {
        title: 'Asthma',
        rows: [
          { label: 'Clinical status', value: 'Resolved' },
          { label: 'Onset', value: '6 years' },
          { label: 'Abated', value: 'adolescence' },
        ],
      },
    ],
    ['nothing but a subject', { resourceType: 'Condition', subject }, { title: 'Condition', rows: [] }],
  ])('%s', (_name, condition, expected) => {
    expect(conditionEntry(condition)).toEqual(expected);
  });
});

describe('medications', () => {
  test.each<
    [string, MedicationRequest | MedicationStatement, { title: string; rows: { label: string; value: string }[] }]
  >([
    [
      'prescription with dosage text',
      {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject,
        medicationCodeableConcept: { text: 'Lisinopril 10 MG Oral Tablet' },
        dosageInstruction: [{ text: '1 tablet by mouth once daily' }],
        authoredOn: '2025-11-20',
        reasonCode: [{ text: 'Hypertension' }],
      },
      {
        title: 'Lisinopril 10 MG Oral Tablet',
        rows: [
          { label: 'Source', value: 'Prescription' },
          { label: 'Dosage', value: '1 tablet by mouth once daily' },
          { label: 'Status', value: 'Active' },
          { label: 'Prescribed', value: '2025-11-20' },
          { label: 'Reason', value: 'Hypertension' },
        ],
      },
    ],
    [
      'statement with structured dosage, name from a contained Medication',
      {
        resourceType: 'MedicationStatement',
        status: 'active',
        subject,
        contained: [{ resourceType: 'Medication', id: 'm', code: { text: 'Metformin 500 MG' } }],
        medicationReference: { reference: '#m' },
        informationSource: { display: 'patient' },
        effectivePeriod: { start: '2020-01-10' },
        dosage: [
          {
            doseAndRate: [{ doseQuantity: { value: 500, unit: 'mg' } }],
            route: { text: 'oral' },
            timing: { code: { text: 'twice daily' } },
            asNeededBoolean: false,
          },
        ],
      },
      {
        title: 'Metformin 500 MG',
        rows: [
          { label: 'Source', value: 'Reported by patient' },
          { label: 'Dosage', value: '500 mg, oral, twice daily' },
          { label: 'Status', value: 'Active' },
          { label: 'Taken', value: 'from 2020-01-10' },
        ],
      },
    ],
    [
      'as needed for a reason, no name',
      {
        resourceType: 'MedicationRequest',
        status: 'stopped',
        intent: 'order',
        subject,
        dosageInstruction: [{ sequence: 1, asNeededCodeableConcept: { text: 'pain' } }, { sequence: 2 }],
      },
      {
        title: 'Medication',
        rows: [
          { label: 'Source', value: 'Prescription' },
          { label: 'Dosage', value: 'as needed for pain' },
          { label: 'Status', value: 'Stopped' },
        ],
      },
    ],
  ])('%s', (_name, medication, expected) => {
    expect(medicationEntry(medication)).toEqual(expected);
  });
});

describe('allergies', () => {
  test.each<[string, AllergyIntolerance, { title: string; rows: { label: string; value: string }[] }]>([
    [
      'criticality and reactions first',
      {
        resourceType: 'AllergyIntolerance',
        patient: subject,
        code: { text: 'Penicillin' },
        type: 'allergy',
        category: ['medication'],
        criticality: 'high',
        clinicalStatus: { coding: [{ code: 'active' }] },
        reaction: [
          { manifestation: [{ text: 'Hives' }, { text: 'Wheezing' }], severity: 'severe', onset: '2012-06-12' },
          { substance: { text: 'Amoxicillin' }, manifestation: [{ coding: [{ display: 'Rash' }] }] },
        ],
      },
      {
        title: 'Penicillin',
        rows: [
          { label: 'Criticality', value: 'High' },
          { label: 'Reaction', value: 'Hives, Wheezing (severe); 2012-06-12' },
          { label: 'Reaction', value: 'Rash; substance: Amoxicillin' },
          { label: 'Type', value: 'Allergy' },
          { label: 'Category', value: 'Medication' },
          { label: 'Clinical status', value: 'Active' },
        ],
      },
    ],
    [
      'unable to assess, nothing else',
      { resourceType: 'AllergyIntolerance', patient: subject, criticality: 'unable-to-assess' },
      { title: 'Allergy', rows: [{ label: 'Criticality', value: 'Unable to assess' }] },
    ],
  ])('%s', (_name, allergy, expected) => {
    expect(allergyEntry(allergy)).toEqual(expected);
  });
});

describe('results', () => {
  const obs = (o: Partial<Observation>): Observation =>
    ({ resourceType: 'Observation', status: 'final', ...o }) as Observation;
  test.each<[string, Observation | DiagnosticReport, { title: string; rows: { label: string; value: string }[] }]>([
    [
      'quantity with interpretation and range',
      obs({
        code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] },
        valueQuantity: { value: 182, unit: 'mg/dL' },
        interpretation: [{ coding: [{ code: 'H', display: 'High' }] }],
        referenceRange: [{ low: { value: 70, unit: 'mg/dL' }, high: { value: 99, unit: 'mg/dL' } }],
        effectiveDateTime: '2026-02-20T08:30:00-06:00',
      }),
      {
        title: 'Glucose',
        rows: [
          { label: 'Value', value: '182 mg/dL' },
          { label: 'Interpretation', value: 'High' },
          { label: 'Reference range', value: '70–99 mg/dL' },
          { label: 'Date', value: '2026-02-20 08:30 -06:00' },
        ],
      },
    ],
    [
      'blood pressure components',
      obs({
        code: { text: 'Blood pressure' },
        component: [
          { code: { text: 'Systolic' }, valueQuantity: { value: 152, unit: 'mmHg' } },
          { code: { text: 'Diastolic' }, valueQuantity: { value: 94, unit: 'mmHg' } },
          { code: { text: 'Cuff' } },
        ],
        effectivePeriod: { start: '2026-02-20' },
        status: 'preliminary',
      }),
      {
        title: 'Blood pressure',
        rows: [
          { label: 'Systolic', value: '152 mmHg' },
          { label: 'Diastolic', value: '94 mmHg' },
          { label: 'Date', value: 'from 2026-02-20' },
          { label: 'Status', value: 'Preliminary' },
        ],
      },
    ],
    [
      'coded and string values',
      obs({ code: { text: 'Smoking status' }, valueCodeableConcept: { coding: [{ display: 'Former smoker' }] } }),
      { title: 'Smoking status', rows: [{ label: 'Value', value: 'Former smoker' }] },
    ],
    [
      'no value, with the reason',
      obs({
        code: { text: 'Potassium' },
        dataAbsentReason: { coding: [{ code: 'error' }] },
        issued: '2026-02-21T07:00:00Z',
      }),
      {
        title: 'Potassium',
        rows: [
          { label: 'Value', value: 'No value: Error' },
          { label: 'Date', value: '2026-02-21 07:00 UTC' },
        ],
      },
    ],
    ['nothing at all', obs({}), { title: 'Observation', rows: [] }],
    [
      'report: conclusion, what it includes, the attached form',
      {
        resourceType: 'DiagnosticReport',
        status: 'amended',
        code: { text: 'Lipid panel' },
        conclusion: 'LDL above goal',
        result: [{ display: 'LDL' }, { reference: 'Observation/x' }, { display: 'HDL' }],
        effectiveDateTime: '2026-02-20',
        presentedForm: [{ contentType: 'application/pdf', title: 'lipids.pdf', data: 'JVBERi0=', size: 52_300 }],
      },
      {
        title: 'Lipid panel',
        rows: [
          { label: 'Conclusion', value: 'LDL above goal' },
          { label: 'Includes', value: 'LDL; HDL' },
          { label: 'Date', value: '2026-02-20' },
          { label: 'Status', value: 'Amended' },
          { label: 'Report', value: 'lipids.pdf (application/pdf, 51.1 kB), attached' },
        ],
      },
    ],
  ])('%s', (_name, result, expected) => {
    expect(result.resourceType === 'Observation' ? observationEntry(result) : diagnosticReportEntry(result)).toEqual(
      expected,
    );
  });
});

describe('documents', () => {
  const doc = (d: Partial<DocumentReference>): DocumentReference =>
    ({ resourceType: 'DocumentReference', status: 'current', content: [], ...d }) as DocumentReference;
  test.each<[string, DocumentReference, { title: string; rows: { label: string; value: string }[] }]>([
    [
      'title, type, date, content type, attached',
      doc({
        type: { coding: [{ system: 'http://loinc.org', code: '11524-6', display: 'EKG study' }] },
        date: '2026-02-27T10:10:00-06:00',
        author: [{ display: 'Dr. Priya Natarajan' }],
        content: [{ attachment: { contentType: 'application/pdf', title: 'ecg.pdf', data: 'JVBERi0=' } }],
      }),
      {
        title: 'ecg.pdf',
        rows: [
          { label: 'Type', value: 'EKG study' },
          { label: 'Date', value: '2026-02-27 10:10 -06:00' },
          { label: 'Author', value: 'Dr. Priya Natarajan' },
          { label: 'Content', value: 'ecg.pdf (application/pdf), attached' },
        ],
      },
    ],
    [
      'described but not attached',
      doc({
        description: 'Discharge summary',
        content: [{ attachment: { contentType: 'text/plain', url: 'Binary/1' } }],
      }),
      { title: 'Discharge summary', rows: [{ label: 'Content', value: 'text/plain, not included' }] },
    ],
  ])('%s', (_name, document, expected) => {
    expect(documentEntry(document)).toEqual(expected);
  });
});
