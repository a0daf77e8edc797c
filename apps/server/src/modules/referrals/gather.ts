import type {
  AllergyIntolerance,
  Condition,
  Coverage,
  DiagnosticReport,
  DocumentReference,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import type { StoreTx } from '../../platform/store/index.ts';
import type { ReferralPacket } from './packet/model.ts';

const readRef = <T extends Resource>(tx: StoreTx, ref: string | undefined) => {
  const [type, id] = (ref ?? '').split('/');
  return type && id ? tx.read<T>(type, id).catch(() => undefined) : Promise.resolve(undefined);
};

/** A receiver's name as the packet prints it ("To: …"). */
async function receiverName(tx: StoreTx, offer: Task | undefined): Promise<string | undefined> {
  const r = await readRef<Resource & { name?: unknown }>(tx, offer?.owner?.reference);
  if (!r) return undefined;
  if (r.resourceType === 'PractitionerRole') {
    const role = r as PractitionerRole;
    const p = await readRef<Practitioner>(tx, role.practitioner?.reference);
    const n = p?.name?.[0];
    return n?.text ?? ([n?.prefix?.join(' '), n?.given?.join(' '), n?.family].filter(Boolean).join(' ') || undefined);
  }
  return typeof r.name === 'string' ? r.name : undefined;
}

/**
 * The packet of a referral as the office receiving `offer` sees it (issue #6): the request, the referrer and their
 * organization, the receiver, and exactly the records the coordinator put in (ServiceRequest.supportingInfo), sorted
 * into their sections, with the patient's coverage and the payers it names. Read in the caller's transaction.
 */
export async function gatherPacket(tx: StoreTx, sr: ServiceRequest, offer?: Task): Promise<ReferralPacket> {
  const patient = (await readRef<Patient>(tx, sr.subject.reference)) as Patient;
  const items = (await Promise.all((sr.supportingInfo ?? []).map((r) => readRef<Resource>(tx, r.reference)))).filter(
    (r): r is Resource => r !== undefined,
  );
  const of = <T extends Resource>(...types: string[]) => items.filter((r) => types.includes(r.resourceType)) as T[];
  const coverage = of<Coverage>('Coverage');
  const payers = (
    await Promise.all(
      coverage.flatMap((c) =>
        c.payor
          .filter((p) => p.reference?.startsWith('Organization/'))
          .map((p) => readRef<Organization>(tx, p.reference)),
      ),
    )
  ).filter((o): o is Organization => o !== undefined);
  const requester = await readRef<Practitioner | PractitionerRole>(tx, sr.requester?.reference);
  let organization: Organization | undefined;
  if (requester?.resourceType === 'Practitioner') {
    const roles = await tx.search(
      'PractitionerRole',
      new URLSearchParams({ practitioner: `Practitioner/${requester.id}`, _count: '5' }),
    );
    const org = (roles.matches as PractitionerRole[]).find((r) => r.organization?.reference)?.organization?.reference;
    organization = await readRef<Organization>(tx, org);
  } else if (requester?.resourceType === 'PractitionerRole') {
    organization = await readRef<Organization>(tx, requester.organization?.reference);
  }
  const receiver = await receiverName(tx, offer);
  return {
    serviceRequest: sr,
    patient,
    ...(requester ? { referrer: requester } : {}),
    ...(organization ? { referrerOrganization: organization } : {}),
    ...(receiver ? { receiver: { name: receiver } } : {}),
    conditions: of<Condition>('Condition'),
    medications: of<MedicationRequest | MedicationStatement>('MedicationRequest', 'MedicationStatement'),
    allergies: of<AllergyIntolerance>('AllergyIntolerance'),
    results: of<Observation | DiagnosticReport>('Observation', 'DiagnosticReport'),
    documents: of<DocumentReference>('DocumentReference'),
    coverage,
    payers,
  };
}
