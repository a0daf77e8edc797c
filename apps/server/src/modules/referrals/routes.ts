import type { CodeableConcept, ParametersParameter, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import { invalid } from '../../platform/errors.ts';
import type { OutboundKey } from '../../platform/fhir-client/index.ts';
import { actorOf, storeOf } from '../../platform/http/auth/index.ts';
import { operationParameters } from '../../platform/http/fhir-parameters.ts';
import { first, languageTag, maxDistanceKm, type Query } from '../../platform/http/query.ts';
import type { Store } from '../../platform/store/index.ts';
import type { Urgency } from './create.ts';
import { findReceivers } from './directory.ts';
import { isStage } from './domain/lifecycle.ts';
import { gatherPacket } from './gather.ts';
import { referralMeasuresView } from './measures.ts';
import { cancelReferral, readOfferForSync, refer, stepOffer } from './operations.ts';
import { packetPdf } from './packet/pdf.ts';
import { syncOffer } from './remote.ts';

export type ReferralRouteDeps = Readonly<{ clock: Clock; key: OutboundKey; baseUrl: string; store: Store }>;

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const URGENCY = new Set(['routine', 'urgent', 'asap', 'stat']);

const params = (ps: readonly ParametersParameter[], name: string) => ps.filter((p) => p.name === name);
const one = (ps: readonly ParametersParameter[], name: string) => {
  const found = params(ps, name);
  if (found.length > 1) throw invalid(`${name} may be given once`, name);
  return found[0];
};
const text = (ps: readonly ParametersParameter[], name: string, max: number) => {
  const v = one(ps, name);
  const s = (v?.valueString ?? v?.valueCode)?.trim();
  if (v && !s) throw invalid(`${name} must be a non-empty string`, name);
  return s?.slice(0, max);
};
const refs = (ps: readonly ParametersParameter[], name: string) =>
  params(ps, name).map((p, i) => {
    const r = p.valueReference?.reference;
    if (!r) throw invalid(`${name}[${i}] must be a reference`, `${name}[${i}]`);
    return r;
  });

/** The specialty asked for: a CodeableConcept, a Coding, or `system|code`. */
function specialty(ps: readonly ParametersParameter[]): CodeableConcept {
  const p = one(ps, 'specialty');
  if (p?.valueCodeableConcept?.coding?.some((c) => c.code)) return p.valueCodeableConcept;
  if (p?.valueCoding?.code)
    return { coding: [p.valueCoding], ...(p.valueCoding.display ? { text: p.valueCoding.display } : {}) };
  const token = p?.valueString ?? p?.valueCode;
  const m = token ? /^([^|\s]+)\|([^|\s]+)$/.exec(token) : null;
  if (m) return { coding: [{ system: m[1] as string, code: m[2] as string }] };
  throw invalid('specialty is required: a CodeableConcept, a Coding, or system|code', 'specialty');
}

const id = (value: string, field: string) => {
  if (!ID.test(value)) throw invalid(`Unknown ${field}`, field);
  return value;
};

/**
 * Referrals under /fhir/R4 (issue #6, docs/referrals.md): `ServiceRequest/$refer` creates and sends one,
 * `ServiceRequest/$receivers` searches the receivers' directory, `ServiceRequest/$referral-measures` reports the loop,
 * `ServiceRequest/{id}/$cancel` ends a referral, `ServiceRequest/{id}/$packet` prints its packet (PDF), and on an
 * offer `Task/{id}/$advance` moves it on and `Task/{id}/$sync` reads a remote offer back now.
 */
export async function referralRoutes(app: FastifyInstance, deps: ReferralRouteDeps): Promise<void> {
  app.addHook('preHandler', async (request) => {
    const name = /\$([a-z-]+)/.exec(request.url)?.[1] ?? 'refer';
    storeOf(request).audit.interaction = { action: 'E', subtype: 'operation', operation: `$${name}`.slice(0, 40) };
  });
  const now = () => deps.clock.now();

  app.post<{ Body: unknown }>('/ServiceRequest/$refer', async (request, reply) => {
    const ps = operationParameters(request.body);
    const known = new Set(['patient', 'reason', 'urgency', 'specialty', 'note', 'packet', 'receiver', 'strategy']);
    const unknown = ps.find((p) => !known.has(p.name));
    if (unknown) throw invalid(`Unknown parameter ${unknown.name.slice(0, 40)}`, unknown.name.slice(0, 40));
    const patient = one(ps, 'patient')?.valueReference?.reference;
    if (!patient?.startsWith('Patient/')) throw invalid('patient is required: Patient/{id}', 'patient');
    const reason = text(ps, 'reason', 1000);
    if (!reason) throw invalid('reason is required', 'reason');
    const urgency = text(ps, 'urgency', 20) ?? 'routine';
    if (!URGENCY.has(urgency)) throw invalid('urgency must be routine, urgent, asap or stat', 'urgency');
    const strategy = text(ps, 'strategy', 20) ?? 'sequential';
    if (strategy !== 'parallel' && strategy !== 'sequential')
      throw invalid('strategy must be parallel or sequential', 'strategy');
    const { serviceRequest, offers } = await refer(
      storeOf(request),
      actorOf(request),
      {
        patient: id(patient.slice('Patient/'.length), 'patient'),
        reason,
        urgency: urgency as Urgency,
        specialty: specialty(ps),
        note: text(ps, 'note', 4000),
        packet: refs(ps, 'packet'),
        candidates: refs(ps, 'receiver'),
        strategy,
      },
      now(),
    );
    reply
      .code(201)
      .header('Location', `ServiceRequest/${serviceRequest.id}/_history/${serviceRequest.meta?.versionId}`);
    return {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [serviceRequest, ...offers].map((r) => ({
        fullUrl: `${deps.baseUrl}/fhir/R4/${r.resourceType}/${r.id}`,
        resource: r,
      })),
    };
  });

  app.get<{ Querystring: Query }>('/ServiceRequest/$receivers', async (request) => {
    const q = request.query;
    const known = ['specialty', 'patient', 'max-distance', 'in-network', 'language', 'accepting', '_count'];
    for (const name of Object.keys(q))
      if (!known.includes(name)) throw invalid(`Unknown parameter ${name.slice(0, 40)}`, name.slice(0, 40));
    const spec = first(q, 'specialty');
    if (!spec || !/^[^|\s]*\|?[^|\s]+$/.test(spec))
      throw invalid('specialty is required: system|code or code', 'specialty');
    const patient = first(q, 'patient');
    const km = maxDistanceKm(q);
    const language = languageTag(q);
    const count = Number(first(q, '_count') ?? 20);
    if (!Number.isInteger(count) || count < 1 || count > 100) throw invalid('_count must be 1 to 100', '_count');
    const flag = (name: string) => {
      const v = first(q, name);
      if (v === undefined || v === 'false') return false;
      if (v === 'true') return true;
      throw invalid(`${name} must be true or false`, name);
    };
    return findReceivers(storeOf(request), {
      specialty: spec,
      patient: patient === undefined ? undefined : id(patient.replace(/^Patient\//, ''), 'patient'),
      maxDistanceKm: km,
      inNetworkOnly: flag('in-network'),
      language: language?.split('-')[0]?.toLowerCase(),
      acceptingOnly: flag('accepting'),
      count,
    });
  });

  app.get<{ Querystring: Query }>('/ServiceRequest/$referral-measures', async (request) => {
    const q = request.query;
    for (const name of Object.keys(q))
      if (name !== 'from' && name !== 'to') throw invalid(`Unknown parameter ${name.slice(0, 40)}`, name.slice(0, 40));
    const day = (name: string) => {
      const v = first(q, name);
      if (v !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))))
        throw invalid(`${name} must be a date (YYYY-MM-DD)`, name);
      return v;
    };
    // By default the last 365 days, today included.
    const today = now().toZonedDateTimeISO('UTC').toPlainDate();
    const from = day('from') ?? today.subtract({ days: 365 }).toString();
    const to = day('to') ?? today.add({ days: 1 }).toString();
    if (from >= to) throw invalid('from must be before to', 'from');
    return referralMeasuresView(storeOf(request), { from, to });
  });

  app.get<{ Params: { id: string } }>('/ServiceRequest/:id/$packet', async (request, reply) => {
    const srId = id(request.params.id, 'id');
    const store = storeOf(request);
    const sr = await store.read<ServiceRequest>('ServiceRequest', srId);
    const pdf = await packetPdf(await gatherPacket(store, sr), { generatedAt: now().toString() });
    return pdfReply(reply, pdf);
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/ServiceRequest/:id/$cancel', async (request) => {
    const reason = text(operationParameters(request.body), 'reason', 500);
    if (!reason) throw invalid('reason is required', 'reason');
    return cancelReferral(storeOf(request), actorOf(request), id(request.params.id, 'id'), reason, now());
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/Task/:id/$advance', async (request) => {
    const ps = operationParameters(request.body);
    const stage = text(ps, 'stage', 40);
    if (!isStage(stage)) throw invalid('stage is required: a referral stage (docs/referrals.md)', 'stage');
    const ref = (name: string) => one(ps, name)?.valueReference?.reference;
    return stepOffer(
      storeOf(request),
      actorOf(request),
      id(request.params.id, 'id'),
      stage,
      { reason: text(ps, 'reason', 500), appointment: ref('appointment'), report: ref('report') },
      now(),
    );
  });

  app.post<{ Params: { id: string } }>('/Task/:id/$sync', async (request) => {
    const taskId = id(request.params.id, 'id');
    // Read as the caller first: only staff who may see the offer may have it synced.
    await readOfferForSync(storeOf(request), actorOf(request), taskId);
    await syncOffer({ store: deps.store, key: deps.key, baseUrl: deps.baseUrl, now }, taskId);
    return storeOf(request).read<Task>('Task', taskId);
  });
}

/** A PDF, never cached (it carries PHI), offered for download. */
export const pdfReply = (reply: FastifyReply, pdf: Uint8Array) =>
  reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', 'attachment; filename="referral-packet.pdf"')
    .header('cache-control', 'no-store')
    .send(Buffer.from(pdf));
