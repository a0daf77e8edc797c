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

/** The patient windows `$find` knows (its `window` parameter), in the order the screen offers them. */
export const WINDOWS = ['weekday-mornings', 'weekday-afternoons', 'weekday-evenings', 'weekends'] as const;

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

const VIRTUAL = 'https://careloop.dev/fhir/StructureDefinition/virtual-visit';

/** An Appointment as the appointment lists and the calendar show it. */
export type AppointmentSummary = Readonly<{
  id: string;
  status: string;
  start?: string | undefined;
  end?: string | undefined;
  patient?: string | undefined;
  practitioner?: string | undefined;
  site?: string | undefined;
  service?: string | undefined;
  virtual: boolean;
  /** A waitlist entry's period: when the patient could come. */
  requested?: Readonly<{ start?: string | undefined; end?: string | undefined }> | undefined;
  /** The version, for the If-Match of a change. */
  version?: string | undefined;
}>;

export type StoredAppointment = ProposedAppointment & {
  id?: string;
  status?: string;
  meta?: { versionId?: string };
  requestedPeriod?: { start?: string; end?: string }[];
  supportingInformation?: Ref[];
  extension?: { url?: string; valueBoolean?: boolean }[];
};

const actorOf = (a: StoredAppointment, type: string) =>
  a.participant.find((p) => p.actor?.reference?.startsWith(`${type}/`))?.actor;

export function summarize(a: StoredAppointment): AppointmentSummary {
  const performer =
    a.participant.find(
      (p) =>
        p.actor?.reference?.startsWith('Practitioner/') &&
        p.type?.some((t) => t.coding?.some((c) => c.code === 'PPRF')),
    )?.actor ?? actorOf(a, 'Practitioner');
  const site =
    a.participant.find((p) => p.required === 'information-only' && p.actor?.display)?.actor?.display ??
    actorOf(a, 'Location')?.display;
  return {
    id: a.id ?? '',
    status: a.status ?? 'proposed',
    start: a.start,
    end: a.end,
    patient: actorOf(a, 'Patient')?.reference,
    practitioner: performer?.reference,
    site,
    service: a.supportingInformation?.find((r) => r.reference?.startsWith('HealthcareService/'))?.reference,
    virtual: a.extension?.some((x) => x.url === VIRTUAL && x.valueBoolean === true) ?? false,
    requested: a.requestedPeriod?.[0],
    version: a.meta?.versionId,
  };
}

const ACTIVE = new Set(['proposed', 'pending', 'booked', 'arrived', 'checked-in']);

/** A patient's appointments split as the screen lists them: upcoming (soonest first), past (latest first), waitlist. */
export function splitAppointments(list: readonly AppointmentSummary[], now: number) {
  const at = (a: AppointmentSummary) => (a.start ? Date.parse(a.start) : 0);
  return {
    upcoming: list.filter((a) => a.status !== 'waitlist' && at(a) >= now).sort((a, b) => at(a) - at(b)),
    past: list.filter((a) => a.status !== 'waitlist' && at(a) < now).sort((a, b) => at(b) - at(a)),
    waitlist: list.filter((a) => a.status === 'waitlist'),
  };
}

/** What may be done to an appointment now: move or cancel it before it starts; mark a no-show once it has. */
export function actionsFor(a: AppointmentSummary, now: number) {
  const started = a.start !== undefined && Date.parse(a.start) <= now;
  const open = ACTIVE.has(a.status) && a.status !== 'arrived' && a.status !== 'checked-in';
  return {
    reschedule: open && !started,
    cancel: (open && !started) || a.status === 'waitlist',
    noShow: started && (a.status === 'booked' || a.status === 'pending'),
  };
}

/** The `$reschedule` body: the new time, the resources `$find` proposed for it, and why. */
export const rescheduleBody = (proposal: ProposedAppointment, reason: string) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'start', valueDateTime: proposal.start },
    { name: 'appointment', resource: proposal },
    { name: 'reason', valueString: reason },
  ],
});

/**
 * The `$waitlist` body: the patient, the service and the days they could come (`from` the first day's start to the
 * end of the last, in the browser's time zone).
 */
export function waitlistBody(patient: string, service: string, [from, to]: readonly [string | null, string | null]) {
  const local = (day: string, plus = 0) => {
    const [y, m, d] = day.split('-').map(Number);
    return new Date(y ?? 0, (m ?? 1) - 1, (d ?? 1) + plus).toISOString();
  };
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
      { name: 'service', valueReference: { reference: `HealthcareService/${service}` } },
      ...(from ? [{ name: 'from', valueDateTime: local(from) }] : []),
      ...(to ? [{ name: 'to', valueDateTime: local(to, 1) }] : []),
    ],
  };
}

/** Midnight of the Monday starting the week of `day`, in the browser's time zone. */
export function weekStart(day: Date): Date {
  const d = new Date(day.getFullYear(), day.getMonth(), day.getDate());
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
}

/** The seven days of the week starting `start` (local midnights, right across a daylight-saving change). */
export const weekDays = (start: Date) =>
  Array.from({ length: 7 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));

/** The local calendar day of an instant, as a key (YYYY-MM-DD). */
export const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** A practitioner's appointments in a week: the search, and the answer grouped by local day, in time order. */
export function calendarQuery(practitioner: string, start: Date): string {
  const next = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 7);
  const p = new URLSearchParams([
    ['practitioner', practitioner],
    ['date', `ge${start.toISOString()}`],
    ['date', `lt${next.toISOString()}`],
    ['status', 'proposed,pending,booked,arrived,checked-in,fulfilled,noshow'],
    ['_count', '500'],
  ]);
  return p.toString();
}

export function byDay(list: readonly AppointmentSummary[]): Map<string, AppointmentSummary[]> {
  const days = new Map<string, AppointmentSummary[]>();
  for (const a of [...list].sort((x, y) => Date.parse(x.start ?? '') - Date.parse(y.start ?? ''))) {
    if (!a.start) continue;
    const key = dayKey(new Date(a.start));
    days.set(key, [...(days.get(key) ?? []), a]);
  }
  return days;
}
