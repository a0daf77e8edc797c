import type {
  Coding,
  Condition,
  Encounter,
  EncounterParticipant,
  MedicationRequest,
  Observation,
  Reference,
} from '@medplum/fhirtypes';
import { type AcuteReason, ADMISSION_REASONS, EMERGENCY_REASONS } from './acute.ts';
import { coding, concept, demoMeta, SYSTEM } from './codes.ts';
import { CONDITIONS, type ConditionDef } from './conditions.ts';
import {
  clinicLocationId,
  DEPARTMENT_LOCATION_ID,
  ED_LOCATION_ID,
  INPATIENT_LOCATION_ID,
  SITE_NAME,
  SITE_ORG_ID,
} from './facilities.ts';
import { patientIds, ref } from './ids.ts';
import { buildEncounterDiagnosis, medicationRequest } from './patient-clinical.ts';
import { nextSeq, type PatientContext, type PatientDraft, STREAM, useStream } from './patient-context.ts';
import { buildVitals } from './patient-vitals.ts';
import type { Rng } from './random.ts';
import type { RosterMember } from './roster.ts';
import { atLocalTime, DAY_MS, formatDateTime, HOUR_MS, toWeekday } from './time.ts';

/** The encounter history of a patient and everything recorded during it. */
export type EncounterHistory = {
  encounters: Encounter[];
  observations: Observation[];
  diagnoses: Condition[];
  medications: MedicationRequest[];
};

const CLASS = {
  ambulatory: coding(SYSTEM.v3ActCode, 'AMB', 'ambulatory'),
  emergency: coding(SYSTEM.v3ActCode, 'EMER', 'emergency'),
  inpatient: coding(SYSTEM.v3ActCode, 'IMP', 'inpatient encounter'),
} satisfies Record<string, Coding>;

const TYPE = {
  checkUp: ['185349003', 'Encounter for check up'],
  wellChild: ['410620009', 'Well child visit'],
  followUp: ['390906007', 'Follow-up encounter'],
  emergency: ['50849002', 'Emergency room admission'],
  admission: ['32485007', 'Hospital admission'],
  emergencyAdmission: ['183452005', 'Emergency hospital admission'],
} as const;

const PARTICIPATION = {
  primary: concept(SYSTEM.v3ParticipationType, 'PPRF', 'primary performer'),
  attender: concept(SYSTEM.v3ParticipationType, 'ATND', 'attender'),
  admitter: concept(SYSTEM.v3ParticipationType, 'ADM', 'admitter'),
  discharger: concept(SYSTEM.v3ParticipationType, 'DIS', 'discharger'),
};

function participant(type: keyof typeof PARTICIPATION, member: RosterMember): EncounterParticipant {
  return { type: [PARTICIPATION[type]], individual: ref('Practitioner', member.practitionerId) };
}

type EncounterInput = {
  cls: Coding;
  type: readonly [string, string];
  startMs: number;
  endMs: number;
  participants: EncounterParticipant[];
  locationId: string;
  serviceProviderSite: keyof typeof SITE_ORG_ID;
  reasonCode?: readonly [string, string];
  reasonReference?: Reference<Condition>;
  hospitalization?: Encounter['hospitalization'];
};

function encounter(draft: PatientDraft, input: EncounterInput): Encounter {
  const period = { start: formatDateTime(input.startMs), end: formatDateTime(input.endMs) };
  return {
    resourceType: 'Encounter',
    id: patientIds.encounter(draft.index, nextSeq(draft, 'encounter')),
    meta: demoMeta(),
    status: 'finished',
    class: input.cls,
    type: [concept(SYSTEM.snomed, input.type[0], input.type[1])],
    subject: ref('Patient', draft.id),
    participant: input.participants.map((p) => ({ ...p, period })),
    period,
    ...(input.reasonCode ? { reasonCode: [concept(SYSTEM.snomed, input.reasonCode[0], input.reasonCode[1])] } : {}),
    ...(input.reasonReference ? { reasonReference: [input.reasonReference] } : {}),
    ...(input.hospitalization ? { hospitalization: input.hospitalization } : {}),
    location: [{ location: ref('Location', input.locationId), status: 'completed', period }],
    serviceProvider: ref('Organization', SITE_ORG_ID[input.serviceProviderSite], SITE_NAME[input.serviceProviderSite]),
  };
}

/** Truncates an instant to the whole minute, as clinical systems record times. */
function toMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

/** A clinic appointment start: a weekday between 08:00 and 16:30 local time about `daysAgo` days before now. */
function clinicSlot(rng: Rng, ctx: PatientContext, draft: PatientDraft, daysAgo: number): number {
  const day = Math.max(draft.birthMs, toWeekday(ctx.nowMs - daysAgo * DAY_MS));
  return atLocalTime(day, rng.int(8, 16), rng.pick([0, 15, 30]));
}

/** How many days of history a patient can have: two years, or the whole life of a young child. */
function lookbackDays(ctx: PatientContext, draft: PatientDraft): number {
  return Math.max(2, Math.min(730, Math.floor((ctx.nowMs - draft.birthMs) / DAY_MS) - 1));
}

function ambulatoryVisits(ctx: PatientContext, rng: Rng, draft: PatientDraft, history: EncounterHistory): void {
  const window = lookbackDays(ctx, draft);
  const chronic = draft.problems.length;
  // Infants have frequent well-child visits; adults with chronic disease see their PCP every few months.
  const pcpCount = draft.age < 2 ? rng.int(3, 6) : Math.min(6, 1 + Math.floor(chronic * rng.float(0.6, 1.4)));
  const days = Array.from({ length: pcpCount }, () => rng.int(Math.min(3, window), window)).sort((a, b) => b - a);
  days.forEach((daysAgo, i) => {
    const isLatest = i === days.length - 1;
    const startMs = clinicSlot(rng, ctx, draft, daysAgo);
    const endMs = startMs + rng.pick([20, 30, 40]) * 60_000;
    const type = draft.age < 18 ? TYPE.wellChild : i === 0 || chronic === 0 ? TYPE.checkUp : TYPE.followUp;
    const enc = encounter(draft, {
      cls: CLASS.ambulatory,
      type,
      startMs,
      endMs,
      participants: [participant('primary', draft.pcp)],
      locationId: clinicLocationId(draft.clinic),
      serviceProviderSite: draft.clinic,
      ...(type === TYPE.followUp && draft.problems[0]
        ? { reasonReference: ref('Condition', rng.pick(draft.problems).id) }
        : {}),
    });
    history.encounters.push(enc);
    if (isLatest)
      history.observations.push(
        ...buildVitals(rng, draft, {
          encounterId: enc.id ?? '',
          effectiveMs: startMs + 5 * 60_000,
          performerId: draft.pcp.practitionerId,
        }),
      );
  });
  for (const specialist of draft.specialists) {
    const problem =
      draft.problems.find((p) => (CONDITIONS[p.key] as ConditionDef).specialist?.[0] === specialist.department) ??
      draft.problems[0];
    for (let n = rng.int(1, 3); n > 0; n--) {
      const startMs = clinicSlot(rng, ctx, draft, rng.int(Math.min(3, window), Math.min(window, 540)));
      const site = specialist.sites.includes(draft.clinic) ? draft.clinic : 'hospital';
      history.encounters.push(
        encounter(draft, {
          cls: CLASS.ambulatory,
          type: TYPE.followUp,
          startMs,
          endMs: startMs + rng.pick([30, 45, 60]) * 60_000,
          participants: [participant('primary', specialist)],
          locationId:
            site === 'hospital' ? DEPARTMENT_LOCATION_ID[specialist.department] : clinicLocationId(draft.clinic),
          serviceProviderSite: site,
          ...(problem ? { reasonReference: ref('Condition', problem.id) } : {}),
        }),
      );
    }
  }
}

function pickReason(rng: Rng, reasons: readonly AcuteReason[], draft: PatientDraft): AcuteReason {
  const weighted = reasons.map((r) => [r, r.weight(draft.age, draft.has)] as const).filter(([, w]) => w > 0);
  return weighted.length > 0 ? rng.weighted(weighted) : (reasons[0] as AcuteReason);
}

function emergencyVisits(ctx: PatientContext, rng: Rng, draft: PatientDraft, history: EncounterHistory): void {
  const chronic = draft.problems.length;
  const p = Math.min(0.45, (draft.age < 5 ? 0.2 : 0.1) + 0.03 * chronic);
  if (!rng.chance(p)) return;
  const window = Math.min(lookbackDays(ctx, draft), 365);
  for (let n = rng.chance(0.85) ? 1 : 2; n > 0; n--) {
    const reason = pickReason(rng, EMERGENCY_REASONS, draft);
    const startMs = toMinute(ctx.nowMs - rng.float(0.5, window) * DAY_MS);
    const endMs = toMinute(Math.min(ctx.nowMs - HOUR_MS, startMs + rng.float(2, 7) * HOUR_MS));
    const physician = rng.pick(ctx.specialistsByDepartment.emergency);
    history.encounters.push(
      encounter(draft, {
        cls: CLASS.emergency,
        type: TYPE.emergency,
        startMs,
        endMs,
        participants: [participant('attender', physician)],
        locationId: ED_LOCATION_ID,
        serviceProviderSite: 'hospital',
        reasonCode: reason.snomed,
        hospitalization: { dischargeDisposition: concept(SYSTEM.dischargeDisposition, 'home', 'Home') },
      }),
    );
  }
}

/** Length of stay in days: US mean is about 4.5 days, with a long tail. */
const LENGTH_OF_STAY: readonly (readonly [number, number])[] = [
  [1, 15],
  [2, 20],
  [3, 20],
  [4, 14],
  [5, 10],
  [6, 7],
  [7, 5],
  [9, 4],
  [12, 3],
  [16, 2],
];

function dischargeDisposition(rng: Rng, age: number): readonly [string, string] {
  const isOlder = age >= 65;
  return rng.weighted<readonly [string, string]>([
    [['home', 'Home'], isOlder ? 55 : 84],
    [['snf', 'Skilled nursing facility'], isOlder ? 19 : 2],
    [['rehab', 'Rehabilitation'], isOlder ? 10 : 4],
    [['hosp', 'Hospice'], isOlder ? 4 : 0.2],
    [['other-hcf', 'Other healthcare facility'], 3],
    [['long', 'Long-term care'], isOlder ? 3 : 0.3],
    [['aadvice', 'Left against advice'], 2],
    [['alt-home', 'Alternative home'], 2],
  ]);
}

/** One inpatient stay ending at `dischargeMs`; recent stays keep their diagnosis and discharge prescription active. */
function admission(
  ctx: PatientContext,
  rng: Rng,
  draft: PatientDraft,
  dischargeMs: number,
  isRecent: boolean,
  history: EncounterHistory,
): void {
  const reason = pickReason(rng, ADMISSION_REASONS, draft);
  const admitMs = toMinute(
    Math.max(draft.birthMs + HOUR_MS, dischargeMs - rng.weighted(LENGTH_OF_STAY) * DAY_MS - rng.float(0, 12) * HOUR_MS),
  );
  const [source, sourceDisplay] = rng.weighted<readonly [string, string]>([
    [['emd', 'From accident/emergency department'], 65],
    [['gp', 'General Practitioner referral'], 10],
    [['mp', 'Medical Practitioner/physician referral'], 8],
    [['outp', 'From outpatient department'], 8],
    [['hosp-trans', 'Transferred from other hospital'], 5],
    [['nursing', 'From nursing home'], draft.age >= 75 ? 6 : 0.5],
  ]);
  const [disposition, dispositionDisplay] = dischargeDisposition(rng, draft.age);
  const hospitalist = rng.pick(ctx.specialistsByDepartment['hospital-medicine']);
  const participants = [participant('attender', hospitalist), participant('discharger', hospitalist)];
  if (source === 'emd') participants.unshift(participant('admitter', rng.pick(ctx.specialistsByDepartment.emergency)));
  const chronic = draft.problems.find((p) => CHRONIC_REASON[reason.snomed[0]] === p.key);
  const enc = encounter(draft, {
    cls: CLASS.inpatient,
    type: source === 'emd' ? TYPE.emergencyAdmission : TYPE.admission,
    startMs: admitMs,
    endMs: dischargeMs,
    participants,
    locationId: INPATIENT_LOCATION_ID,
    serviceProviderSite: 'hospital',
    reasonCode: reason.snomed,
    hospitalization: {
      admitSource: concept(SYSTEM.admitSource, source, sourceDisplay),
      dischargeDisposition: concept(SYSTEM.dischargeDisposition, disposition, dispositionDisplay),
    },
  });
  const encounterId = enc.id ?? '';
  let reasonRef: Reference<Condition>;
  if (chronic) reasonRef = ref('Condition', chronic.id);
  else {
    const resolvedMs = isRecent ? undefined : Math.min(ctx.nowMs - DAY_MS, dischargeMs + rng.int(7, 30) * DAY_MS);
    const diagnosis = buildEncounterDiagnosis(draft, reason.snomed, encounterId, admitMs, resolvedMs, hospitalist);
    history.diagnoses.push(diagnosis);
    reasonRef = ref('Condition', diagnosis.id ?? '');
  }
  enc.reasonReference = [reasonRef];
  history.encounters.push(enc);
  if (reason.dischargeMedication && disposition !== 'hosp') {
    history.medications.push(
      medicationRequest(draft, {
        medication: reason.dischargeMedication,
        authoredMs: dischargeMs - HOUR_MS,
        requester: hospitalist,
        category: 'discharge',
        reason: reasonRef,
        encounterId,
        status: isRecent ? 'active' : 'completed',
      }),
    );
  }
}

const CHRONIC_REASON: Record<string, string> = { '84114007': 'heartFailure', '195967001': 'asthma' };

/**
 * Inpatient stays. About one patient in ten was discharged within the last 30 days — the population a transitions-of-
 * care worklist is about — with older and sicker patients more likely; some others have an older stay.
 */
function inpatientStays(ctx: PatientContext, rng: Rng, draft: PatientDraft, history: EncounterHistory): void {
  const chronic = Math.min(draft.problems.length, 6);
  const pRecent = Math.min(0.4, 0.055 + 0.022 * chronic + (draft.age >= 75 ? 0.05 : 0) + (draft.age < 1 ? 0.04 : 0));
  const window = lookbackDays(ctx, draft);
  if (rng.chance(pRecent)) {
    // 1–29 whole days ago at a daytime discharge hour: strictly within the last 30 days and never in the future.
    const daysAgo = rng.int(1, Math.min(29, window - 1));
    const dischargeMs = atLocalTime(ctx.nowMs - daysAgo * DAY_MS, rng.int(10, 17), rng.pick([0, 15, 30, 45]));
    admission(ctx, rng, draft, Math.min(dischargeMs, ctx.nowMs - HOUR_MS), true, history);
  }
  if (window > 60 && rng.chance(pRecent * 0.8)) {
    const dischargeMs = atLocalTime(ctx.nowMs - rng.int(45, window) * DAY_MS, rng.int(10, 17), 0);
    admission(ctx, rng, draft, dischargeMs, false, history);
  }
}

/** Past encounters: primary-care and specialist visits, emergency visits and inpatient stays. */
export function buildEncounterHistory(ctx: PatientContext, draft: PatientDraft): EncounterHistory {
  const rng = useStream(ctx, draft.index, STREAM.encounters);
  const history: EncounterHistory = { encounters: [], observations: [], diagnoses: [], medications: [] };
  ambulatoryVisits(ctx, rng, draft, history);
  emergencyVisits(ctx, rng, draft, history);
  inpatientStays(ctx, rng, draft, history);
  return history;
}
