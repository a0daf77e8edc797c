import type { Endpoint, Organization, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../../platform/clock.ts';
import { signLink } from '../../platform/links/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import { type SmsSender, textableNumber } from '../../platform/sms/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { channelFor } from './create.ts';
import { officeMessage, type PatientEvent, patientMessage } from './domain/texts.ts';
import { EXT, isReceived, serviceRequestOf } from './model.ts';

export type MessageDeps = Readonly<{
  store: Store;
  clock: Clock;
  mailer: Mailer;
  sms: SmsSender;
  linkKey: Buffer;
  baseUrl: string;
  /** How long an office's link works (REFERRAL_LINK_DAYS). */
  linkDays: number;
  log: { warn(o: object, m: string): void };
}>;

/** The purpose an office link is signed for: one offer, viewed and answered without an account. */
export const OFFICE_LINK = 'referral-office';

/** The office link of an offer, valid `linkDays` from `from`. */
function officeLink(
  deps: Pick<MessageDeps, 'linkKey' | 'baseUrl' | 'linkDays'>,
  offerId: string,
  from: Temporal.Instant,
) {
  const expiresAt = from.add({ hours: 24 * deps.linkDays });
  const token = signLink(deps.linkKey, { purpose: OFFICE_LINK, subject: offerId, expiresAt });
  return { url: `${deps.baseUrl}/referral?token=${token}`, expiresAt };
}

/**
 * Tells the patient what happened to their referral — sent (once, however many receivers), accepted (once: the first
 * acceptance wins), booked — by e-mail and text message, whichever they have. A referral received from another
 * server tells nobody: the referrer's side keeps its patient informed.
 */
export async function sendPatientMessage(
  deps: MessageDeps,
  job: { serviceRequest: string; event: PatientEvent },
): Promise<void> {
  const sr = await deps.store.read<ServiceRequest>('ServiceRequest', job.serviceRequest).catch(() => undefined);
  if (!sr || isReceived(sr)) return;
  const patient = await deps.store.read<Patient>('Patient', (sr.subject.reference ?? '').slice('Patient/'.length));
  const language = patient.communication?.find((c) => c.preferred)?.language.coding?.[0]?.code ?? 'en';
  const message = patientMessage(job.event, language);
  const email = patient.telecom?.find((t) => t.system === 'email')?.value;
  const mobile = textableNumber(patient.telecom);
  if (email && deps.mailer.configured)
    await deps.mailer.send({ to: email, subject: message.subject, text: message.text });
  if (mobile) await deps.sms.send({ to: mobile, body: message.sms });
  if (!(email && deps.mailer.configured) && !mobile)
    deps.log.warn(
      { job: 'referral-patient-message', event: job.event },
      'referral message not sent: no e-mail (or SMTP) and no mobile number',
    );
}

/** The referring organization's name, for the office e-mail (never a person's). */
async function referrerName(store: Store, sr: ServiceRequest): Promise<string> {
  const requester = sr.requester?.reference;
  if (requester?.startsWith('Practitioner/')) {
    const roles = await store.search('PractitionerRole', new URLSearchParams({ practitioner: requester, _count: '5' }));
    const orgRef = roles.matches
      .map((r) => (r as { organization?: { reference?: string } }).organization?.reference)
      .find(Boolean);
    const org = orgRef
      ? await store.read<Organization>('Organization', orgRef.slice(13)).catch(() => undefined)
      : undefined;
    if (org?.name) return org.name;
  }
  return 'A CareLoop care team';
}

/**
 * E-mails a receiving office its link to a new offer (or word that it was withdrawn), at the address of its
 * `secure-email` Endpoint. Sent only while the offer is still at the stage the e-mail is about.
 */
export async function sendOfficeEmail(
  deps: MessageDeps,
  job: { offer: string; kind?: 'new' | 'withdrawn' },
): Promise<void> {
  const offer = await deps.store.read<Task>('Task', job.offer);
  const kind = job.kind ?? 'new';
  const stage = offer.businessStatus?.coding?.[0]?.code;
  if (kind === 'new' ? stage !== 'sent' : stage !== 'withdrawn' && stage !== 'expired') return;
  const [type, id] = (offer.owner?.reference ?? '').split('/') as [string, string];
  const receiver = await deps.store.read<Resource>(type, id);
  const { endpoint } = await channelFor(deps.store, receiver);
  const to = (endpoint as Endpoint | undefined)?.address.replace(/^mailto:/i, '');
  if (!to || !deps.mailer.configured) {
    deps.log.warn({ job: 'referral-office-email' }, 'referral e-mail not sent: no office address (or SMTP)');
    return;
  }
  const sr = await deps.store.read<ServiceRequest>('ServiceRequest', (serviceRequestOf(offer) ?? '').slice(15));
  const sentAt = offer.extension?.find(
    (e) => e.url === EXT.history && e.extension?.some((x) => x.valueCode === 'sent'),
  );
  const from = sentAt?.extension?.find((x) => x.url === 'at')?.valueDateTime;
  const link =
    kind === 'new'
      ? officeLink(deps, offer.id as string, from ? Temporal.Instant.from(from) : deps.clock.now())
      : undefined;
  const message = officeMessage(
    kind,
    await referrerName(deps.store, sr),
    link && { url: link.url, until: link.expiresAt.toString().slice(0, 10) },
  );
  await deps.mailer.send({ to, ...message });
}
