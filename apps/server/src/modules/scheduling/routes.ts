import { languageOf } from '@careloop/fhir';
import type { Appointment, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import { invalid } from '../../platform/errors.ts';
import { storeOf } from '../../platform/http/auth/index.ts';
import { operationParameters } from '../../platform/http/fhir-parameters.ts';
import { first, languageTag, maxDistanceKm, type Query } from '../../platform/http/query.ts';
import { type BookingDeps, bookAppointment, cancelAppointment, confirmHold, rescheduleAppointment } from './book.ts';
import { PATIENT_WINDOW_PRESETS } from './domain/patient-windows.ts';
import type { ReminderOffset } from './domain/reminders.ts';
import { type FindInput, findAppointments, type WindowPreset } from './find.ts';
import { markNoShow, noShowRate } from './no-show.ts';
import { joinWaitlist } from './waitlist.ts';

export type SchedulingDeps = Readonly<{
  clock: Clock;
  holdMinutes: number;
  joinUrl: () => string;
  reminders: readonly ReminderOffset[];
}>;

const DAY = 86_400_000;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

const all = (q: Query, name: string) => {
  const v = q[name];
  return v === undefined ? [] : Array.isArray(v) ? v : v.split(',');
};

const reference = (value: string | undefined, type: string, name: string, required: boolean) => {
  if (value === undefined) {
    if (required) throw invalid(`${name} is required: ${type}/{id}`, name);
    return undefined;
  }
  const id = value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
  if (!ID.test(id)) throw invalid(`${name} must be ${type}/{id}`, name);
  return id;
};
const instant = (value: string | undefined, name: string, fallback: number) => {
  if (value === undefined) return fallback;
  const ms = /T.*(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(`${name} must be a date-time with a time zone`, name);
  return ms;
};
const bool = (value: string | undefined, name: string) => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalid(`${name} must be true or false`, name);
};

const KNOWN = new Set([
  'service',
  'appointment-type',
  'patient',
  'start',
  'end',
  'window',
  'timeZone',
  'virtual',
  'in-network',
  'language',
  'max-distance',
  '_count',
]);

/** `$find`'s parameters (a query string, or a Parameters body flattened to one), each checked; 400 names a bad one. */
function findInput(q: Query, now: number): FindInput {
  for (const name of Object.keys(q))
    if (!KNOWN.has(name)) throw invalid(`Unknown parameter ${name.slice(0, 40)}`, name.slice(0, 40));
  const start = instant(first(q, 'start'), 'start', now);
  const end = instant(first(q, 'end'), 'end', Math.max(start, now) + 30 * DAY);
  if (end - start > 90 * DAY) throw invalid('The horizon is at most 90 days', 'end');
  const windows = all(q, 'window');
  for (const w of windows)
    if (!Object.hasOwn(PATIENT_WINDOW_PRESETS, w))
      throw invalid(`Unknown window ${w.slice(0, 40)}: ${Object.keys(PATIENT_WINDOW_PRESETS).join(', ')}`, 'window');
  const count = Number(first(q, '_count') ?? 10);
  if (!Number.isInteger(count) || count < 1 || count > 50) throw invalid('_count must be 1 to 50', '_count');
  const km = maxDistanceKm(q);
  const language = languageTag(q);
  const timeZone = first(q, 'timeZone');
  if (timeZone !== undefined && !Intl.supportedValuesOf('timeZone').includes(timeZone) && timeZone !== 'UTC')
    throw invalid('timeZone must be an IANA time zone', 'timeZone');
  return {
    service: reference(first(q, 'service'), 'HealthcareService', 'service', true) as string,
    appointmentType: first(q, 'appointment-type'),
    patient: reference(first(q, 'patient'), 'Patient', 'patient', true) as string,
    start,
    end,
    windows: windows as WindowPreset[],
    timeZone,
    isVirtual: bool(first(q, 'virtual'), 'virtual'),
    inNetworkOnly: bool(first(q, 'in-network'), 'in-network'),
    language: language?.split('-')[0]?.toLowerCase(),
    maxDistanceKm: km,
    count,
  };
}

/** A Parameters body as a query: each parameter's value as text (references by their reference). */
function flatten(parameters: readonly ParametersParameter[]): Query {
  const q: Record<string, string[]> = {};
  for (const p of parameters) {
    const v =
      p.valueString ??
      p.valueCode ??
      p.valueDateTime ??
      p.valueInstant ??
      p.valueReference?.reference ??
      p.valueUri ??
      (p.valueBoolean !== undefined
        ? String(p.valueBoolean)
        : p.valueDecimal !== undefined
          ? String(p.valueDecimal)
          : p.valueInteger !== undefined
            ? String(p.valueInteger)
            : undefined);
    if (v === undefined)
      throw invalid(`Parameter ${p.name?.slice(0, 40)} has no value`, p.name?.slice(0, 40) ?? 'parameter');
    q[p.name] = [...(q[p.name] ?? []), v];
  }
  return q;
}

const param = (parameters: readonly ParametersParameter[], name: string) => parameters.find((p) => p.name === name);

/**
 * Scheduling under /fhir/R4 (issue #5, docs/scheduling.md): `Appointment/$find` (GET or POST), `Appointment/$book`,
 * `Appointment/$waitlist`, `Appointment/$no-show-rate`, and on one appointment `$confirm` (a hold), `$reschedule`,
 * `$cancel`, `$no-show` — FHIR Parameters bodies.
 */
export async function schedulingRoutes(app: FastifyInstance, deps: SchedulingDeps): Promise<void> {
  app.addHook('preHandler', async (request) => {
    const name = /\$([a-z-]+)/.exec(request.url)?.[1] ?? 'find';
    storeOf(request).audit.interaction = { action: 'E', subtype: 'operation', operation: `$${name}`.slice(0, 40) };
  });
  const booking = (): BookingDeps => ({
    now: deps.clock.now(),
    holdMinutes: deps.holdMinutes,
    joinUrl: deps.joinUrl,
    reminders: deps.reminders,
  });

  app.get<{ Querystring: Query }>('/Appointment/$find', async (request) =>
    findAppointments(
      storeOf(request),
      findInput(request.query, deps.clock.now().epochMilliseconds),
      deps.clock.now(),
      languageOf(request.headers['accept-language']),
    ),
  );
  app.post<{ Body: unknown }>('/Appointment/$find', async (request) =>
    findAppointments(
      storeOf(request),
      findInput(flatten(operationParameters(request.body)), deps.clock.now().epochMilliseconds),
      deps.clock.now(),
      languageOf(request.headers['accept-language']),
    ),
  );

  app.get<{ Querystring: Query }>('/Appointment/$no-show-rate', async (request) => {
    for (const name of Object.keys(request.query))
      if (name !== 'patient' && name !== 'location')
        throw invalid(`Unknown parameter ${name.slice(0, 40)}`, name.slice(0, 40));
    const patient = reference(first(request.query, 'patient'), 'Patient', 'patient', false);
    const location = reference(first(request.query, 'location'), 'Location', 'location', false);
    return noShowRate(
      storeOf(request),
      { patient: patient && `Patient/${patient}`, location: location && `Location/${location}` },
      deps.clock.now(),
    );
  });

  app.post<{ Body: unknown }>('/Appointment/$waitlist', async (request, reply) => {
    const q = flatten(operationParameters(request.body));
    for (const name of Object.keys(q))
      if (!['service', 'patient', 'from', 'to', 'appointment-type'].includes(name))
        throw invalid(`Unknown parameter ${name.slice(0, 40)}`, name.slice(0, 40));
    const now = deps.clock.now().epochMilliseconds;
    const from = instant(first(q, 'from'), 'from', now);
    const entry = await joinWaitlist(
      storeOf(request),
      {
        service: reference(first(q, 'service'), 'HealthcareService', 'service', true) as string,
        patient: reference(first(q, 'patient'), 'Patient', 'patient', true) as string,
        from: new Date(from).toISOString(),
        to: new Date(instant(first(q, 'to'), 'to', from + 30 * DAY)).toISOString(),
        appointmentType: first(q, 'appointment-type'),
      },
      deps.clock.now(),
    );
    reply.code(201).header('Location', `Appointment/${entry.id}/_history/${entry.meta?.versionId}`);
    return entry;
  });

  app.post<{ Body: unknown }>('/Appointment/$book', async (request, reply) => {
    const body = request.body as Partial<Appointment | Parameters> | undefined;
    const parameters = body?.resourceType === 'Appointment' ? [] : operationParameters(body);
    const appointment =
      body?.resourceType === 'Appointment'
        ? (body as Appointment)
        : (param(parameters, 'appointment')?.resource as Appointment | undefined);
    if (!appointment) throw invalid('appointment is required (a proposed Appointment from $find)', 'appointment');
    const hold = param(parameters, 'hold')?.valueBoolean === true;
    const booked = await bookAppointment(storeOf(request), appointment, booking(), { hold });
    reply.code(201).header('Location', `Appointment/${booked.id}/_history/${booked.meta?.versionId}`);
    return booked;
  });

  app.post<{ Params: { id: string; operation: string }; Body: unknown }>(
    '/Appointment/:id/:operation',
    async (request, reply) => {
      const { id, operation } = request.params;
      if (!ID.test(id)) throw invalid('Unknown appointment', 'id');
      const parameters = operationParameters(request.body);
      const text = (name: string) => {
        const v = param(parameters, name)?.valueString?.trim();
        if (!v) throw invalid(`${name} is required`, name);
        return v.slice(0, 500);
      };
      const store = storeOf(request);
      switch (operation) {
        case '$confirm':
          return confirmHold(store, id, booking());
        case '$cancel':
          return cancelAppointment(store, id, text('reason'), booking());
        case '$no-show':
          return markNoShow(store, id, deps.clock.now());
        case '$reschedule': {
          const start = param(parameters, 'start')?.valueDateTime ?? param(parameters, 'start')?.valueInstant;
          if (!start) throw invalid('start is required', 'start');
          const proposal = param(parameters, 'appointment')?.resource as Appointment | undefined;
          return rescheduleAppointment(
            store,
            id,
            { start, participant: proposal?.participant, reason: text('reason') },
            booking(),
          );
        }
        default:
          reply.code(404);
          return {
            resourceType: 'OperationOutcome',
            issue: [
              {
                severity: 'error',
                code: 'not-found',
                diagnostics: `Unknown Appointment operation ${operation.slice(0, 40)}`,
              },
            ],
          };
      }
    },
  );
}
