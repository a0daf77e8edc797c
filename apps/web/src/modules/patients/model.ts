/**
 * A patient's chart for the workbench, from `Patient/{id}/$everything`: the header facts a coordinator checks first,
 * the timeline of what happened and what is planned, and the lists (problems, medications, allergies, care team).
 * Pure: the page renders what this returns, in the record's words or, where the record has none, by key (`Phrase`),
 * so that the page says them in the user's language.
 */

type Coding = { system?: string; code?: string; display?: string };
type Concept = { coding?: Coding[]; text?: string };
type Ref = { reference?: string; display?: string };
type Resource = { resourceType: string; id?: string; [k: string]: unknown };

/** What the chart says where the record has no words of its own: a key of the `patients` catalogue's `said` group. */
export type Said =
  | 'unnamedPatient'
  | 'coverageOnFile'
  | 'encounter'
  | 'appointment'
  | 'referral'
  | 'referralFor'
  | 'task'
  | 'message'
  | 'unknownMember'
  | 'medication';
/** A text of the chart: the record's own words, or the page's (`said`, with the values it names), never English. */
export type Phrase = string | Readonly<{ said: Said; values?: Readonly<{ what: string }> }>;
const say = (said: Said, values?: { what: string }): Phrase => (values ? { said, values } : { said });

export type Header = Readonly<{
  name: Phrase;
  birthDate?: string | undefined;
  age?: number | undefined;
  gender?: string | undefined;
  /** The preferred language as the record names it, and its BCP-47 code, for the page to name it in the user's. */
  language?: string | undefined;
  languageCode?: string | undefined;
  interpreter: boolean;
  risk?: number | undefined;
  coverage: readonly Phrase[];
  coordinator?: string | undefined;
  alerts: readonly string[];
}>;

/** One line of the timeline: `status` is the resource's status code, which the page words by `kind`. */
export type TimelineEntry = Readonly<{ at: string; kind: string; title: Phrase; status: string; id: string }>;

export type Chart = Readonly<{
  header: Header;
  timeline: readonly TimelineEntry[];
  problems: readonly string[];
  medications: readonly Phrase[];
  allergies: readonly string[];
  careTeam: readonly { name: Phrase; role: string }[];
}>;

const INTERPRETER = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';
const COORDINATOR = 'care-coordinator';

const text = (c: Concept | undefined) =>
  c?.text ?? c?.coding?.find((x) => x.display)?.display ?? c?.coding?.[0]?.code ?? '';
const active = (r: Resource) => {
  const status = (r.clinicalStatus as Concept | undefined)?.coding?.[0]?.code ?? (r.status as string | undefined);
  return status === undefined || status === 'active' || status === 'recurrence' || status === 'relapse';
};
const of = <T extends Resource>(all: readonly Resource[], type: string) =>
  all.filter((r) => r.resourceType === type) as T[];

/** Whole years from a birth date (YYYY-MM-DD) to `today` (YYYY-MM-DD). */
export function ageOn(birthDate: string | undefined, today: string): number | undefined {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return undefined;
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

const humanName = (p: Resource): Phrase => {
  const n = (p.name as { given?: string[]; family?: string; text?: string }[] | undefined)?.[0];
  return n?.text ?? ([...(n?.given ?? []), n?.family].filter(Boolean).join(' ') || say('unnamedPatient'));
};

function header(patient: Resource, all: readonly Resource[], today: string): Header {
  const communication = (patient.communication as { language: Concept; preferred?: boolean }[] | undefined) ?? [];
  const language = communication.find((c) => c.preferred) ?? communication[0];
  const interpreter =
    (patient.extension as { url: string; valueBoolean?: boolean }[] | undefined)?.some(
      (e) => e.url === INTERPRETER && e.valueBoolean === true,
    ) === true ||
    of(all, 'Flag').some(
      (f) =>
        f.status === 'active' &&
        text(f.code as Concept)
          .toLowerCase()
          .includes('interpreter'),
    );
  const risks = of(all, 'RiskAssessment')
    .filter((r) => r.status !== 'entered-in-error')
    .sort((a, b) => String(b.occurrenceDateTime ?? '').localeCompare(String(a.occurrenceDateTime ?? '')));
  const risk = (risks[0]?.prediction as { probabilityDecimal?: number }[] | undefined)?.[0]?.probabilityDecimal;
  const coverage = of(all, 'Coverage')
    .filter((c) => c.status === 'active')
    .map((c) => {
      const payer = (c.payor as Ref[] | undefined)?.[0]?.display;
      const plan = (c.class as { name?: string; value?: string }[] | undefined)?.[0];
      return [payer, plan?.name ?? plan?.value].filter(Boolean).join(' — ') || say('coverageOnFile');
    });
  const coordinator = of(all, 'CareTeam')
    .filter((t) => t.status === 'active')
    .flatMap((t) => (t.participant as { role?: Concept[]; member?: Ref }[] | undefined) ?? [])
    .find((p) => p.role?.some((r) => r.coding?.some((c) => c.code === COORDINATOR)))?.member?.display;
  const alerts = of(all, 'Flag')
    .filter((f) => f.status === 'active')
    .map((f) => text(f.code as Concept));
  const birthDate = patient.birthDate as string | undefined;
  return {
    name: humanName(patient),
    birthDate,
    age: ageOn(birthDate, today),
    gender: patient.gender as string | undefined,
    language: language ? text(language.language) : undefined,
    languageCode: language?.language.coding?.[0]?.code,
    interpreter,
    risk,
    coverage,
    coordinator,
    alerts,
  };
}

/** What each kind of resource contributes to the timeline: when, what, and a line of detail. */
const TIMELINE: Record<string, (r: Resource) => Omit<TimelineEntry, 'id' | 'kind' | 'status'> | undefined> = {
  Encounter: (r) => {
    const at = (r.period as { start?: string } | undefined)?.start;
    const kind = r.class as Coding | undefined;
    const type = text((r.type as Concept[] | undefined)?.[0]) || kind?.display || kind?.code || say('encounter');
    return at ? { at, title: type } : undefined;
  },
  Appointment: (r) => {
    const at = r.start as string | undefined;
    const what =
      text((r.serviceType as Concept[] | undefined)?.[0]) || text(r.appointmentType as Concept) || say('appointment');
    return at ? { at, title: what } : undefined;
  },
  ServiceRequest: (r) => {
    const at = r.authoredOn as string | undefined;
    const what = text(r.code as Concept);
    return at ? { at, title: what ? say('referralFor', { what }) : say('referral') } : undefined;
  },
  Task: (r) => {
    const at = r.authoredOn as string | undefined;
    const title = (r.description as string | undefined) || text(r.code as Concept) || say('task');
    return at ? { at, title } : undefined;
  },
  Communication: (r) => {
    const at = r.sent as string | undefined;
    return at ? { at, title: text((r.category as Concept[] | undefined)?.[0]) || say('message') } : undefined;
  },
};

export function chartOf(
  bundle: { entry?: { resource?: Resource }[] },
  patientId: string,
  today: string,
): Chart | undefined {
  const all = (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const patient = all.find((r) => r.resourceType === 'Patient' && r.id === patientId);
  if (!patient) return undefined;
  const timeline = all
    .flatMap((r) => {
      const entry = TIMELINE[r.resourceType]?.(r);
      const status = String(r.status ?? '');
      return entry ? [{ ...entry, kind: r.resourceType, status, id: `${r.resourceType}/${r.id}` }] : [];
    })
    .sort((a, b) => b.at.localeCompare(a.at));
  const careTeam = of(all, 'CareTeam')
    .filter((t) => t.status === 'active')
    .flatMap((t) => (t.participant as { role?: Concept[]; member?: Ref }[] | undefined) ?? [])
    .map((p) => ({ name: p.member?.display ?? p.member?.reference ?? say('unknownMember'), role: text(p.role?.[0]) }));
  return {
    header: header(patient, all, today),
    timeline,
    problems: of(all, 'Condition')
      .filter(active)
      .map((c) => text(c.code as Concept)),
    medications: of(all, 'MedicationRequest')
      .filter((m) => m.status === 'active')
      .map(
        (m) =>
          text(m.medicationCodeableConcept as Concept) ||
          (m.medicationReference as Ref | undefined)?.display ||
          say('medication'),
      ),
    allergies: of(all, 'AllergyIntolerance')
      .filter(active)
      .map((a) => text(a.code as Concept)),
    careTeam,
  };
}
