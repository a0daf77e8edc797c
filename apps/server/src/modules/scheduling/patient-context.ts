import type { Coverage, Encounter, Patient } from '@medplum/fhirtypes';
import zipcodes from 'zipcodes';
import type { Store } from '../../platform/store/index.ts';

/** What slot finding needs to know about the patient, read through the store (so access applies and it is audited). */
export type PatientContext = Readonly<{
  reference: string;
  /** Preferred language, BCP-47 primary subtag (`es`). */
  language: string | undefined;
  /** The language an interpreter is needed in: the preferred one, unless the record says none is required. */
  interpreterLanguage: string | undefined;
  /** Where home is, from the home address's postal code (US ZIP table shipped with the `zipcodes` package). */
  home: { latitude: number; longitude: number } | undefined;
  /** Payers of active coverage (`Organization/…`). */
  payers: readonly string[];
  /** Practitioners the patient has had an encounter with (`Practitioner/…`). */
  seen: ReadonlySet<string>;
}>;

const INTERPRETER_REQUIRED = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';

/** The patient's preferred language: the communication marked preferred, else the first. */
function preferredLanguage(patient: Patient): string | undefined {
  const list = patient.communication ?? [];
  const pick = list.find((c) => c.preferred) ?? list[0];
  return pick?.language.coding?.[0]?.code?.split('-')[0]?.toLowerCase();
}

/** What the patient's record says of an interpreter (HL7 core extension patient-interpreterRequired), if anything. */
const interpreterRequired = (patient: Patient): boolean | undefined =>
  patient.extension?.find((e) => e.url === INTERPRETER_REQUIRED && typeof e.valueBoolean === 'boolean')?.valueBoolean;

/** Whether the patient needs an interpreter: their record says so. */
export const needsInterpreter = (patient: Patient): boolean => interpreterRequired(patient) === true;

/** Coordinates of a US ZIP code (the first five digits), when the table knows it. */
function placeOfPostalCode(postalCode: string | undefined): { latitude: number; longitude: number } | undefined {
  const zip = /^(\d{5})(-\d{4})?$/.exec(postalCode?.trim() ?? '')?.[1];
  const hit = zip ? zipcodes.lookup(zip) : undefined;
  return hit ? { latitude: hit.latitude, longitude: hit.longitude } : undefined;
}

export async function patientContext(store: Store, patientId: string): Promise<PatientContext & { patient: Patient }> {
  const patient = await store.read<Patient>('Patient', patientId);
  const reference = `Patient/${patientId}`;
  const home = (patient.address ?? []).find((a) => a.use === 'home') ?? patient.address?.[0];
  const coverage = await store.search('Coverage', new URLSearchParams({ beneficiary: reference, status: 'active' }));
  const encounters = await store.search(
    'Encounter',
    new URLSearchParams({ subject: reference, status: 'finished', _count: '200', _sort: '-date' }),
  );
  const seen = new Set(
    (encounters.matches as Encounter[]).flatMap((e) =>
      (e.participant ?? []).flatMap((p) =>
        p.individual?.reference?.startsWith('Practitioner/') ? [p.individual.reference] : [],
      ),
    ),
  );
  return {
    patient,
    reference,
    language: preferredLanguage(patient),
    // A record that says no interpreter is needed (the patient is fluent in English too) books none.
    interpreterLanguage: interpreterRequired(patient) === false ? undefined : preferredLanguage(patient),
    home: placeOfPostalCode(home?.postalCode),
    payers: (coverage.matches as Coverage[]).flatMap((c) => c.payor.flatMap((p) => (p.reference ? [p.reference] : []))),
    seen,
  };
}
