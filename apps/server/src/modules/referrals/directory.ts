import type {
  Bundle,
  Endpoint,
  Extension,
  HealthcareService,
  Location,
  Organization,
  Practitioner,
  PractitionerRole,
  Resource,
} from '@medplum/fhirtypes';
import type { Store } from '../../platform/store/index.ts';
import { distanceKm, patientContext } from '../scheduling/index.ts';
import { type ReceiverFacts, rankReceivers } from './domain/receivers.ts';
import { type Channel, EXT } from './model.ts';

/** What a coordinator looks for in a receiver (docs/referrals.md). */
export type ReceiverQuery = Readonly<{
  /** `system|code` of the specialty (PractitionerRole.specialty, HealthcareService.specialty). */
  specialty: string;
  patient?: string | undefined;
  maxDistanceKm?: number | undefined;
  inNetworkOnly: boolean;
  language?: string | undefined;
  acceptingOnly: boolean;
  count: number;
}>;

const FHIR_REST = 'hl7-fhir-rest';
const SECURE_EMAIL = 'secure-email';
const ext = (r: { extension?: Extension[] | undefined }, url: string) =>
  r.extension?.filter((e) => e.url === url) ?? [];

/** How referrals reach a receiver with these endpoint connection types (as create.ts's channelFor decides). */
const channelOfCodes = (codes: readonly string[]): Channel =>
  codes.includes(FHIR_REST) ? 'fhir' : codes.includes(SECURE_EMAIL) ? 'email' : 'internal';

/** Receivers without endpoints of their own take referrals as their organization does: one search for them all. */
async function organizationChannels(store: Store, orgRefs: readonly string[]): Promise<Map<string, Channel>> {
  const out = new Map<string, Channel>();
  const ids = [...new Set(orgRefs)].map((r) => r.slice('Organization/'.length));
  for (let i = 0; i < ids.length; i += 100) {
    const page = await store.search(
      'Organization',
      new URLSearchParams({ _id: ids.slice(i, i + 100).join(','), _include: 'Organization:endpoint', _count: '100' }),
    );
    const endpoints = new Map(page.included.map((e) => [`Endpoint/${e.id}`, e as Endpoint]));
    for (const org of page.matches as Organization[]) {
      const codes = (org.endpoint ?? []).flatMap((e) => {
        const found = endpoints.get(e.reference ?? '');
        return found?.status === 'active' ? [found.connectionType.code ?? ''] : [];
      });
      out.set(`Organization/${org.id}`, channelOfCodes(codes));
    }
  }
  return out;
}

/** Whether a practitioner or service takes new patients (plan-net newpatients: acceptingPatients yes|no|…). */
const accepting = (r: Resource): boolean =>
  !ext(r as { extension?: Extension[] }, EXT.newPatients).some((e) =>
    e.extension?.some(
      (x) => x.url === 'acceptingPatients' && x.valueCodeableConcept?.coding?.some((c) => c.code === 'no'),
    ),
  );

/** The facts of one candidate receiver, from it and the resources its search included. */
function factsOf(
  r: PractitionerRole | HealthcareService,
  included: Map<string, Resource>,
  orgChannels: Map<string, Channel>,
): ReceiverFacts {
  const locations = (r.location ?? []).flatMap((l) => {
    const loc = included.get(l.reference ?? '') as Location | undefined;
    return loc?.position ? [{ latitude: loc.position.latitude, longitude: loc.position.longitude }] : [];
  });
  const practitioner =
    r.resourceType === 'PractitionerRole'
      ? (included.get(r.practitioner?.reference ?? '') as Practitioner | undefined)
      : undefined;
  const languages =
    (r.resourceType === 'HealthcareService' ? r.communication : (practitioner?.communication ?? []))
      ?.flatMap((c) => c.coding ?? [])
      .flatMap((c) => (c.code ? [c.code.split('-')[0]?.toLowerCase() as string] : [])) ?? [];
  const endpoints = (r.endpoint ?? []).flatMap((e) => {
    const found = included.get(e.reference ?? '') as
      | { connectionType?: { code?: string }; status?: string }
      | undefined;
    return found?.status === 'active' && found.connectionType?.code ? [found.connectionType.code] : [];
  });
  const org = r.resourceType === 'HealthcareService' ? r.providedBy?.reference : r.organization?.reference;
  const channel = endpoints.length ? channelOfCodes(endpoints) : (orgChannels.get(org ?? '') ?? 'internal');
  return {
    reference: `${r.resourceType}/${r.id}`,
    name:
      r.resourceType === 'HealthcareService'
        ? (r.name ?? 'Service')
        : (practitioner?.name?.[0]?.text ??
            [
              practitioner?.name?.[0]?.prefix?.join(' '),
              practitioner?.name?.[0]?.given?.join(' '),
              practitioner?.name?.[0]?.family,
            ]
              .filter(Boolean)
              .join(' ')) ||
          'Practitioner',
    locations,
    languages,
    networks: ext(r, EXT.network).flatMap((e) => (e.valueReference?.reference ? [e.valueReference.reference] : [])),
    accepting: accepting(r) && (!practitioner || accepting(practitioner)),
    channel,
  };
}

/**
 * The receivers' directory (issue #6): practitioners (PractitionerRole) and services (HealthcareService) of a
 * specialty, inside CareLoop or outside it, with where they are, the languages they work in, their payer networks,
 * whether they take new patients and how they receive referrals — filtered and ranked for a patient (nearest, in
 * network, speaking their language), each with its reasons.
 */
export async function findReceivers(store: Store, q: ReceiverQuery): Promise<Bundle> {
  const search = (type: 'PractitionerRole' | 'HealthcareService', includes: string[]) =>
    store.search(
      type,
      new URLSearchParams([
        ['specialty', q.specialty],
        ['active', 'true'],
        ['_count', '500'],
        ...includes.map((i) => ['_include', i] as [string, string]),
      ]),
    );
  const roles = await search('PractitionerRole', [
    'PractitionerRole:practitioner',
    'PractitionerRole:location',
    'PractitionerRole:endpoint',
  ]);
  const services = await search('HealthcareService', ['HealthcareService:location', 'HealthcareService:endpoint']);
  const included = new Map([...roles.included, ...services.included].map((r) => [`${r.resourceType}/${r.id}`, r]));
  const candidates = [...(roles.matches as PractitionerRole[]), ...(services.matches as HealthcareService[])];
  const patient = q.patient ? await patientContext(store, q.patient) : undefined;
  const orgChannels = await organizationChannels(
    store,
    candidates.flatMap((c) => {
      if (c.endpoint?.length) return [];
      const org = c.resourceType === 'HealthcareService' ? c.providedBy?.reference : c.organization?.reference;
      return org?.startsWith('Organization/') ? [org] : [];
    }),
  );
  const ranked = rankReceivers(
    candidates.map((c) => factsOf(c, included, orgChannels)),
    {
      distanceKm: (r) => {
        const home = patient?.home;
        if (!home || r.locations.length === 0) return undefined;
        return Math.min(...r.locations.map((l) => distanceKm(home, l)));
      },
      payers: patient?.payers ?? [],
      language: q.language ?? patient?.language,
      maxDistanceKm: q.maxDistanceKm,
      inNetworkOnly: q.inNetworkOnly,
      acceptingOnly: q.acceptingOnly,
    },
  ).slice(0, q.count);
  const byRef = new Map(candidates.map((c) => [`${c.resourceType}/${c.id}`, c]));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: ranked.length,
    entry: ranked.map((r) => ({
      resource: byRef.get(r.reference) as Resource,
      search: {
        mode: 'match',
        score: r.score,
        extension: [
          { url: 'https://careloop.dev/fhir/StructureDefinition/referral-channel', valueCode: r.channel },
          ...r.reasons.map((why) => ({
            url: 'https://careloop.dev/fhir/StructureDefinition/rank-reason',
            valueString: why,
          })),
        ],
      },
    })),
  };
}
