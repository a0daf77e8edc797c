/**
 * Administration for the workbench: accounts as GET /admin/users answers them, the audit search (GET /admin/audit)
 * built from the screen's filters, and its AuditEvents shaped for the results table (the server's side of these is
 * apps/server/src/modules/admin/routes.ts).
 */

/** Every role an account can hold, in the server's order (platform/identity/roles.ts). */
export const ROLES = [
  'administrator',
  'supervisor',
  'care-coordinator',
  'clinician',
  'patient',
  'proxy',
  'integration-client',
] as const;
export type Role = (typeof ROLES)[number];

/** An account as the server shows it: never a password hash or an MFA secret. */
export type AdminUser = Readonly<{
  username: string;
  displayName: string | null;
  fhirReference: string | null;
  roles: readonly string[];
  active: boolean;
  mfaEnrolled: boolean;
  mfaRequired: boolean;
}>;

/** Where the account stands with its second factor: staff must enrol; patients, proxies and clients need not. */
export const mfaState = (u: AdminUser): 'enrolled' | 'pending' | 'notRequired' =>
  u.mfaEnrolled ? 'enrolled' : u.mfaRequired ? 'pending' : 'notRequired';

/**
 * Who a user is in the audit trail: the record they are linked to (`Practitioner/7`), else their user name — the
 * requestor the server files each event under.
 */
export const agentOf = (u: Pick<AdminUser, 'username' | 'fhirReference'>) => u.fhirReference ?? u.username;

export type NewUserForm = Readonly<{
  username: string;
  roles: readonly string[];
  displayName: string;
  email: string;
  fhirReference: string;
  password: string;
}>;

/** POST /admin/users' body: trimmed, the empty optional fields left out (the server checks what is given). */
export function newUserBody(form: NewUserForm): Record<string, unknown> {
  const optional = { displayName: form.displayName, email: form.email, fhirReference: form.fhirReference };
  return {
    username: form.username.trim(),
    roles: [...form.roles],
    ...Object.fromEntries(Object.entries(optional).flatMap(([k, v]) => (v.trim() === '' ? [] : [[k, v.trim()]]))),
    ...(form.password === '' ? {} : { password: form.password }),
  };
}

/** A REST subtype's code, or a DICOM security event's code and the name the screen calls it by. */
export const SUBTYPES = [
  { code: 'read', name: 'read' },
  { code: 'vread', name: 'vread' },
  { code: 'search-type', name: 'search-type' },
  { code: 'search-system', name: 'search-system' },
  { code: 'history-instance', name: 'history-instance' },
  { code: 'create', name: 'create' },
  { code: 'update', name: 'update' },
  { code: 'patch', name: 'patch' },
  { code: 'delete', name: 'delete' },
  { code: 'transaction', name: 'transaction' },
  { code: 'batch', name: 'batch' },
  { code: 'operation', name: 'operation' },
  { code: '110122', name: 'login' },
  { code: '110123', name: 'logout' },
  { code: '110127', name: 'break-the-glass' },
  { code: '110136', name: 'role-change' },
  { code: '110137', name: 'permission-change' },
] as const;
export type SubtypeName = (typeof SUBTYPES)[number]['name'];

/** C create, R read or search, U update, D delete, E execute (FHIR AuditEvent.action). */
export const ACTIONS = ['C', 'R', 'U', 'D', 'E'] as const;
export type ActionCode = (typeof ACTIONS)[number];

const isAction = (v: string | null | undefined): v is ActionCode => (ACTIONS as readonly string[]).includes(v ?? '');

/** The audit search as the screen holds it (and its address shows it): `from`/`to` as local date-times. */
export type AuditFilters = Readonly<{
  agent?: string;
  patient?: string;
  action?: ActionCode;
  subtype?: string;
  from?: string;
  to?: string;
}>;

const TEXT_FILTERS = ['agent', 'patient', 'subtype', 'from', 'to'] as const;

/** Events per page of results. */
export const PAGE_SIZE = 25;

/** The filters and the page offset from the screen's address (`?agent=…&offset=50`); unknown values dropped. */
export function filtersFrom(params: URLSearchParams): { filters: AuditFilters; offset: number } {
  const filters: Record<string, string> = {};
  for (const k of TEXT_FILTERS) {
    const v = params.get(k)?.trim();
    if (v) filters[k] = v;
  }
  const action = params.get('action');
  if (isAction(action)) filters.action = action;
  const offset = Number.parseInt(params.get('offset') ?? '', 10);
  return { filters, offset: Number.isFinite(offset) && offset > 0 ? offset : 0 };
}

/** The screen's address for these filters and page (the inverse of filtersFrom). */
export function paramsFor(filters: AuditFilters, offset = 0): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  if (offset > 0) params.set('offset', String(offset));
  return params;
}

/** A local date-time (`2026-06-01T09:30`, as a datetime-local field gives it) as an ISO instant; undefined if invalid. */
export function instant(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** GET /admin/audit for one page of these filters, newest first. */
export function auditPath(filters: AuditFilters, offset: number, count = PAGE_SIZE): string {
  const q = new URLSearchParams();
  if (filters.agent) q.set('agent', filters.agent);
  if (filters.patient)
    q.set('patient', filters.patient.startsWith('Patient/') ? filters.patient : `Patient/${filters.patient}`);
  if (filters.action) q.set('action', filters.action);
  if (filters.subtype) q.set('subtype', filters.subtype);
  const from = instant(filters.from);
  const to = instant(filters.to);
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  q.set('sort', 'desc');
  q.set('_count', String(count));
  q.set('_offset', String(offset));
  return `/admin/audit?${q}`;
}

/**
 * The patient's accounting of disclosures (HIPAA: who saw their record, when, why) as a CSV download, for the
 * searched patient and period; undefined without a patient.
 */
export function disclosuresPath(filters: AuditFilters): string | undefined {
  if (!filters.patient) return undefined;
  const q = new URLSearchParams({ patient: filters.patient.replace(/^Patient\//, '') });
  const from = instant(filters.from);
  const to = instant(filters.to);
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  return `/admin/audit/disclosures?${q}`;
}

/** Where a page sits in the results, and the offsets of the newer and older pages (undefined: there is none). */
export function pageOf(offset: number, shown: number, total: number, count = PAGE_SIZE) {
  return {
    first: shown === 0 ? 0 : offset + 1,
    last: shown === 0 ? 0 : offset + shown,
    newer: offset > 0 ? Math.max(0, offset - count) : undefined,
    older: offset + shown < total ? offset + count : undefined,
  };
}

type Reference = { reference?: string; display?: string };
type Coding = { system?: string; code?: string; display?: string };
type AuditEvent = {
  id?: string;
  action?: string;
  recorded?: string;
  outcome?: string;
  outcomeDesc?: string;
  subtype?: Coding[];
  purposeOfEvent?: { coding?: Coding[] }[];
  agent?: { who?: Reference; requestor?: boolean }[];
  entity?: { what?: Reference; role?: Coding }[];
};
export type AuditBundle = { total?: number; entry?: { resource?: AuditEvent }[] };

const OUTCOMES = { '0': 'success', '4': 'minor', '8': 'serious', '12': 'major' } as const;

/** One audit record as the results table shows it. */
export type AuditRow = Readonly<{
  id: string;
  recorded: string;
  /** The user name (or `user:…`, `system:…`) the server recorded. */
  who: string;
  whoReference?: string | undefined;
  action?: ActionCode | undefined;
  subtype?: SubtypeName | undefined;
  /** The subtype's code when the screen has no words for it, or the operation's name (`$everything`). */
  detail?: string | undefined;
  patients: readonly string[];
  entities: readonly string[];
  outcome: (typeof OUTCOMES)[keyof typeof OUTCOMES] | 'unknown';
  outcomeDesc?: string | undefined;
  /** Break-the-glass access (purpose of use ETREAT). */
  emergency: boolean;
}>;

/** The search's AuditEvents as rows, in the order the server gave (newest first). */
export function auditRows(bundle: AuditBundle): AuditRow[] {
  return (bundle.entry ?? []).flatMap((e, i) => {
    const ev = e.resource;
    if (!ev) return [];
    const agent = ev.agent?.find((a) => a.requestor) ?? ev.agent?.[0];
    const sub = ev.subtype?.[0];
    const known = SUBTYPES.find((s) => s.code === sub?.code);
    const purposes = (ev.purposeOfEvent ?? []).flatMap((p) => p.coding ?? []);
    const entities = ev.entity ?? [];
    const refs = (patient: boolean) =>
      entities.flatMap((x) => ((x.role?.code === '1') === patient && x.what?.reference ? [x.what.reference] : []));
    const patients = refs(true);
    return [
      {
        id: ev.id ?? `row-${i}`,
        recorded: ev.recorded ?? '',
        who: agent?.who?.display ?? agent?.who?.reference ?? '',
        whoReference: agent?.who?.reference,
        action: isAction(ev.action) ? ev.action : undefined,
        subtype: known?.name,
        detail: known ? (sub?.code === 'operation' ? sub.display : undefined) : sub?.code,
        patients,
        // A patient's own Patient resource is also an entity of the event: shown once, as the patient.
        entities: refs(false).filter((r) => !patients.includes(r)),
        outcome: OUTCOMES[(ev.outcome ?? '') as keyof typeof OUTCOMES] ?? 'unknown',
        outcomeDesc: ev.outcomeDesc,
        emergency: purposes.some((c) => c.code === 'ETREAT'),
      },
    ];
  });
}

/** A break-the-glass grant as GET /admin/break-glass lists it. */
export type Grant = Readonly<{
  id: string;
  username: string;
  patient: string;
  reason: string;
  grantedAt: string;
  expiresAt: string;
  reviewedAt: string | null;
  reviewNote: string | null;
}>;

/** The audit search for what a grant opened: that patient, by that user, from the moment it was granted. */
export function grantAudit(grant: Grant, users: readonly AdminUser[]): AuditFilters {
  const user = users.find((u) => u.username.toLowerCase() === grant.username.toLowerCase());
  const local = (iso: string) => {
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  return {
    patient: grant.patient.replace(/^Patient\//, ''),
    ...(user ? { agent: agentOf(user) } : {}),
    from: local(grant.grantedAt),
  };
}
