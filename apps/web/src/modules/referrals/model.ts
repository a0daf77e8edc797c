/**
 * Referrals for the workbench: what goes in a packet, the receivers found, and offers on the board (docs/referrals.md).
 * Pure, and it words nothing itself: groups, stages and columns are keys the screens say in the user's language.
 */
type Coding = { system?: string; code?: string; display?: string };
type Concept = { coding?: Coding[]; text?: string };
type Resource = { resourceType: string; id?: string; [k: string]: unknown };

export const STAGE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/referral-stage';
export const OFFER_TOKEN = 'http://hl7.org/fhir/CodeSystem/task-code|fulfill';
const HISTORY = 'https://careloop.dev/fhir/StructureDefinition/referral-stage-history';

const text = (c: Concept | undefined) =>
  c?.text ?? c?.coding?.find((x) => x.display)?.display ?? c?.coding?.[0]?.code ?? '';

/** The packet's groups, in the order the form lists them (keys of the `referrals` catalogue's `packet`). */
export type PacketGroup = 'problems' | 'medications' | 'allergies' | 'results' | 'documents';
/** One thing the packet may include; `label` is undefined only for a document of no stated type. */
export type PacketItem = Readonly<{ reference: string; group: PacketGroup; label?: string | undefined }>;

/** What a coordinator may put in the packet, from the patient's `$everything`: active problems and medications,
 * allergies, the latest results and documents. */
export function packetItems(bundle: { entry?: { resource?: Resource }[] }): PacketItem[] {
  const all = (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const ref = (r: Resource) => `${r.resourceType}/${r.id}`;
  const newest = (type: string, at: string, n: number) =>
    all
      .filter((r) => r.resourceType === type)
      .sort((a, b) => String(b[at] ?? '').localeCompare(String(a[at] ?? '')))
      .slice(0, n);
  const activeStatus = (r: Resource) =>
    ((r.clinicalStatus as Concept | undefined)?.coding?.[0]?.code ?? 'active') === 'active';
  const items: PacketItem[] = [
    ...all
      .filter((r) => r.resourceType === 'Condition' && activeStatus(r))
      .map((r) => ({ reference: ref(r), group: 'problems' as const, label: text(r.code as Concept) })),
    ...all
      .filter((r) => r.resourceType === 'MedicationRequest' && r.status === 'active')
      .map((r) => ({
        reference: ref(r),
        group: 'medications' as const,
        label: text(r.medicationCodeableConcept as Concept),
      })),
    ...all
      .filter((r) => r.resourceType === 'AllergyIntolerance')
      .map((r) => ({ reference: ref(r), group: 'allergies' as const, label: text(r.code as Concept) })),
    ...newest('Observation', 'effectiveDateTime', 5).map((r) => {
      const q = r.valueQuantity as { value?: number; unit?: string } | undefined;
      const value = q?.value !== undefined ? `: ${q.value} ${q.unit ?? ''}`.trimEnd() : '';
      return { reference: ref(r), group: 'results' as const, label: `${text(r.code as Concept)}${value}` };
    }),
    ...newest('DocumentReference', 'date', 5).map((r) => ({
      reference: ref(r),
      group: 'documents' as const,
      label: text(r.type as Concept) || undefined,
    })),
  ];
  // Nothing to name it by: left out, except a document, which is worth sending even untitled.
  return items.filter((i) => i.label !== '');
}

/** The specialties receivers can be searched by: those the organization's services offer (system|code, label). */
export function specialties(services: readonly Resource[]): { value: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const s of services)
    for (const c of (s.specialty as Concept[] | undefined) ?? [])
      for (const coding of c.coding ?? [])
        if (coding.system && coding.code && !seen.has(`${coding.system}|${coding.code}`))
          seen.set(`${coding.system}|${coding.code}`, coding.display ?? c.text ?? coding.code);
  return [...seen].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
}

export type Offer = Readonly<{
  id: string;
  referral?: string | undefined;
  patient?: string | undefined;
  /** Who the offer is to: their name, else their reference; undefined when the offer names no one. */
  receiver?: string | undefined;
  /** The offer's owner (`Practitioner/…` for a receiver inside CareLoop). */
  owner?: string | undefined;
  /** A referral-stage code (`Stage`), as the server sends it. */
  stage: string;
  due?: string | undefined;
  stalled: boolean;
  reason?: string | undefined;
  history: readonly { stage: string; at: string }[];
}>;

/** An offer Task as the board shows it: stalled when still open past its stage's deadline. */
export function offerOf(task: Resource, now: number): Offer {
  const stage =
    (task.businessStatus as Concept | undefined)?.coding?.find((c) => c.system === STAGE_SYSTEM)?.code ?? 'draft';
  const due = (task.restriction as { period?: { end?: string } } | undefined)?.period?.end;
  const closed = ['closed', 'declined', 'cancelled', 'withdrawn', 'expired'].includes(stage);
  const history = (
    (task.extension as { url: string; extension?: { url: string; valueCode?: string; valueDateTime?: string }[] }[]) ??
    []
  )
    .filter((e) => e.url === HISTORY)
    .flatMap((e) => {
      const s = e.extension?.find((x) => x.url === 'stage')?.valueCode;
      const at = e.extension?.find((x) => x.url === 'at')?.valueDateTime;
      return s && at ? [{ stage: s, at }] : [];
    });
  const owner = task.owner as { reference?: string; display?: string } | undefined;
  return {
    id: task.id as string,
    referral: (task.basedOn as { reference?: string }[] | undefined)?.[0]?.reference,
    patient: (task.for as { reference?: string } | undefined)?.reference,
    receiver: owner?.display ?? owner?.reference,
    owner: owner?.reference,
    stage,
    due,
    stalled: !closed && stage !== 'draft' && !!due && Date.parse(due) < now,
    reason: (task.statusReason as Concept | undefined)?.text,
    history,
  };
}

/** Where an offer stands: the server's referral-stage codes (keys of the `referrals` catalogue's `stage`). */
export type Stage =
  | 'draft'
  | 'sent'
  | 'received'
  | 'accepted'
  | 'declined'
  | 'scheduled'
  | 'seen'
  | 'report-received'
  | 'closed'
  | 'cancelled'
  | 'withdrawn'
  | 'expired';

/** The board's columns, in the loop's order, by key of the `referrals` catalogue's `column` (drafts are not shown). */
export const COLUMNS: readonly {
  key: 'waiting' | 'accepted' | 'report' | 'closed' | 'ended';
  stages: readonly Stage[];
}[] = [
  { key: 'waiting', stages: ['sent', 'received'] },
  { key: 'accepted', stages: ['accepted', 'scheduled', 'seen'] },
  { key: 'report', stages: ['report-received'] },
  { key: 'closed', stages: ['closed'] },
  { key: 'ended', stages: ['declined', 'expired', 'withdrawn', 'cancelled'] },
];

/** The column an offer in this stage stands in; undefined for a draft or a stage this workbench does not know. */
export const columnOf = (stage: string) => COLUMNS.find((c) => (c.stages as readonly string[]).includes(stage))?.key;
