/** `$find`'s answer shaped for the booking screen (docs/scheduling.md). */
type Ref = { reference?: string; display?: string };
export type ProposedAppointment = {
  resourceType: 'Appointment';
  start?: string;
  end?: string;
  participant: { actor?: Ref; required?: string; type?: { coding?: { code?: string }[] }[] }[];
  [k: string]: unknown;
};
export type FindBundle = {
  entry?: { resource?: ProposedAppointment; search?: { score?: number; extension?: { valueString?: string }[] } }[];
};

export type Proposal = Readonly<{
  key: string;
  appointment: ProposedAppointment;
  start: string;
  practitioner?: string | undefined;
  site?: string | undefined;
  interpreter: boolean;
  score: number;
  reasons: readonly string[];
}>;

export function proposals(bundle: FindBundle): Proposal[] {
  return (bundle.entry ?? []).flatMap((e, i) => {
    const a = e.resource;
    if (!a?.start) return [];
    const actors = a.participant.map((p) => p.actor?.reference ?? '');
    const practitioner = a.participant.find(
      (p) =>
        p.actor?.reference?.startsWith('Practitioner/') &&
        p.type?.some((t) => t.coding?.some((c) => c.code === 'PPRF')),
    )?.actor?.reference;
    return [
      {
        key: `${i}-${a.start}-${actors.join(',')}`,
        appointment: a,
        start: a.start,
        practitioner,
        site: a.participant.find((p) => p.required === 'information-only')?.actor?.display,
        interpreter: a.participant.some((p) => p.type?.some((t) => t.coding?.some((c) => c.code === 'translator'))),
        score: e.search?.score ?? 0,
        reasons: (e.search?.extension ?? []).flatMap((x) => (x.valueString ? [x.valueString] : [])),
      },
    ];
  });
}

/** The patient windows `$find` knows (its `window` parameter), as offered on the screen. */
export const WINDOWS = [
  { value: 'weekday-mornings', label: 'Weekday mornings' },
  { value: 'weekday-afternoons', label: 'Weekday afternoons' },
  { value: 'weekday-evenings', label: 'Weekday evenings' },
  { value: 'weekends', label: 'Weekends' },
] as const;

/** The query string of a `$find` for these choices. */
export function findQuery(q: {
  service: string;
  patient: string;
  windows: readonly string[];
  inNetwork: boolean;
  virtual: boolean;
  count?: number;
}): string {
  const p = new URLSearchParams({
    service: `HealthcareService/${q.service}`,
    patient: `Patient/${q.patient}`,
    _count: String(q.count ?? 10),
  });
  for (const w of q.windows) p.append('window', w);
  if (q.inNetwork) p.set('in-network', 'true');
  if (q.virtual) p.set('virtual', 'true');
  return p.toString();
}
