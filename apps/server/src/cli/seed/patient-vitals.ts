import type { Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import { concept, demoMeta, SYSTEM } from './codes.ts';
import { patientIds, ref } from './ids.ts';
import { nextSeq, type PatientDraft } from './patient-context.ts';
import type { Rng } from './random.ts';
import { formatDateTime } from './time.ts';

/** Vital signs and the HbA1c result recorded at a primary-care visit, with LOINC codes and UCUM units. */

const VITAL_SIGNS = concept(SYSTEM.observationCategory, 'vital-signs', 'Vital Signs');
const LABORATORY = concept(SYSTEM.observationCategory, 'laboratory', 'Laboratory');

function quantity(value: number, unit: string, code = unit): Quantity {
  return { value, unit, system: SYSTEM.ucum, code };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Typical body height in cm for an age and sex (CDC growth-chart medians, linearised between ages). */
function medianHeight(age: number, isFemale: boolean): number {
  if (age < 1) return 50 + 25 * age;
  if (age < 2) return 75 + 12 * (age - 1);
  if (age < 13) return 87 + 6 * (age - 2);
  if (age < 18) return Math.min(isFemale ? 163 : 176, 153 + (isFemale ? 2 : 5.5) * (age - 13));
  return (isFemale ? 162 : 176) - Math.max(0, age - 60) * 0.1;
}

/** Typical BMI by age for children, and a draw for adults that respects an obesity diagnosis. */
function drawBmi(rng: Rng, age: number, isObese: boolean): number {
  if (age < 2) return rng.normal(17, 1.2, 13, 21);
  if (age < 18) {
    const median = age < 6 ? 15.8 : age < 13 ? 17.5 : 21;
    return isObese
      ? rng.normal(median * 1.35, 1.5, median * 1.2, median * 1.8)
      : rng.normal(median, 1.6, median * 0.8, median * 1.15);
  }
  return isObese ? rng.normal(34.5, 4, 30, 48) : rng.normal(25.3, 2.6, 18.6, 29.9);
}

/** Inputs of {@link buildVitals}. */
export type VitalsInput = { encounterId: string; effectiveMs: number; performerId: string };

/** The observations of one visit: blood pressure, heart rate, height, weight, BMI, SpO₂ and (for diabetes) HbA1c. */
export function buildVitals(rng: Rng, draft: PatientDraft, input: VitalsInput): Observation[] {
  const effective = formatDateTime(input.effectiveMs);
  const observations: Observation[] = [];
  const add = (
    code: string,
    display: string,
    value: Quantity | ObservationComponent[],
    category = VITAL_SIGNS,
  ): void => {
    observations.push({
      resourceType: 'Observation',
      id: patientIds.observation(draft.index, nextSeq(draft, 'observation')),
      meta: demoMeta(),
      status: 'final',
      category: [category],
      code: concept(SYSTEM.loinc, code, display),
      subject: ref('Patient', draft.id),
      encounter: ref('Encounter', input.encounterId),
      effectiveDateTime: effective,
      issued: effective,
      performer: [ref('Practitioner', input.performerId)],
      ...(Array.isArray(value) ? { component: value } : { valueQuantity: value }),
    });
  };
  const ageYears = (input.effectiveMs - draft.birthMs) / (365.2425 * 86_400_000);
  const isFemale = draft.sex === 'female' || (draft.sex === 'other' && draft.nameSex === 'female');
  const has = draft.has;

  if (ageYears >= 3) {
    const isHypertensive = has.has('hypertension');
    const [sys, dia] =
      ageYears < 18
        ? [rng.normal(104, 8, 85, 125), rng.normal(64, 6, 45, 80)]
        : isHypertensive
          ? [rng.normal(141, 13, 115, 185), rng.normal(87, 8, 65, 110)]
          : [rng.normal(118, 9, 95, 139), rng.normal(75, 6, 58, 89)];
    add('85354-9', 'Blood pressure panel with all children optional', [
      {
        code: concept(SYSTEM.loinc, '8480-6', 'Systolic blood pressure'),
        valueQuantity: quantity(Math.round(sys), 'mm[Hg]'),
      },
      {
        code: concept(SYSTEM.loinc, '8462-4', 'Diastolic blood pressure'),
        valueQuantity: quantity(Math.round(dia), 'mm[Hg]'),
      },
    ]);
  }
  const heartRate =
    ageYears < 1
      ? rng.normal(128, 10, 100, 160)
      : ageYears < 12
        ? rng.normal(95, 10, 70, 125)
        : has.has('atrialFibrillation')
          ? rng.normal(86, 14, 55, 130)
          : rng.normal(73, 9, 50, 100);
  add('8867-4', 'Heart rate', quantity(Math.round(heartRate), '/min'));

  const heightCm = medianHeight(ageYears, isFemale) * rng.normal(1, 0.04, 0.9, 1.1);
  const bmi = drawBmi(rng, ageYears, has.has('obesity'));
  const heightM = heightCm / 100;
  const weightKg = round(bmi * heightM * heightM, 1);
  add('8302-2', 'Body height', quantity(round(heightCm, 1), 'cm'));
  add('29463-7', 'Body weight', quantity(weightKg, 'kg'));
  if (ageYears >= 2)
    add('39156-5', 'Body mass index (BMI) [Ratio]', quantity(round(weightKg / (heightM * heightM), 1), 'kg/m2'));

  const isHypoxic = has.has('copd') || has.has('heartFailure');
  const spo2 = isHypoxic ? rng.normal(93, 2, 86, 98) : rng.normal(98, 1, 95, 100);
  add('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', quantity(Math.round(spo2), '%'));

  if (has.has('diabetesType2') || has.has('diabetesType1')) {
    add(
      '4548-4',
      'Hemoglobin A1c/Hemoglobin.total in Blood',
      quantity(round(rng.normal(7.6, 1.2, 5.7, 13), 1), '%'),
      LABORATORY,
    );
  }
  return observations;
}
