import type { Appointment, AppointmentParticipant, Extension, Resource } from '@medplum/fhirtypes';
import { SCHEDULING_EXTENSIONS as EXT, PARTICIPANT_TYPE } from '../../apps/server/src/modules/scheduling/index.ts';
import type { Store } from '../../apps/server/src/platform/store/index.ts';
import {
  allBookings,
  type BenchPatient,
  type Bookable,
  type Booking,
  INTERPRETING,
  openMs,
  SERVICE_ID,
  SERVICE_TYPE,
  VISIT,
  VISIT_CODES,
  WEEKDAYS,
  type World,
} from './slots-data.ts';
import { PAYERS } from './slots-tables.ts';
import { note } from './stats.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

// The bench:slots population (slots-data.ts) as FHIR resources, written through the store as the product writes them.

const iso = (ms: number) => new Date(ms).toISOString();
const time = (hhmm: string) => `${hhmm}:00`;
const bcp47 = (code: string) => ({ coding: [{ system: 'urn:ietf:bcp:47', code }] });
const minutes = (value: number) => ({ value, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' });

function scheduleOf(b: Bookable, serviceType: { system: string; code: string }): Resource {
  const hours: Extension[] = b.rules.map((rule) => ({
    url: EXT.workingHours,
    extension: [
      { url: 'rrule', valueString: `FREQ=WEEKLY;BYDAY=${rule.days.map((d) => WEEKDAYS[d - 1]).join(',')}` },
      { url: 'start', valueTime: time(rule.start) },
      { url: 'end', valueTime: time(rule.end) },
    ],
  }));
  const exceptions: Extension[] = b.exceptions.map((e) => ({
    url: EXT.hoursException,
    extension: [
      { url: 'date', valueDate: e.date },
      ...e.hours.map((h) => ({
        url: 'hours',
        extension: [
          { url: 'start', valueTime: time(h.start) },
          { url: 'end', valueTime: time(h.end) },
        ],
      })),
    ],
  }));
  // Interpreters are at no site: their Schedule says which clock its hours are on.
  const zone: Extension[] = b.kind === 'interpreter' ? [{ url: EXT.timeZone, valueCode: b.zone }] : [];
  return {
    resourceType: 'Schedule',
    id: b.schedule,
    active: true,
    actor: [{ reference: b.actor }, ...(b.kind === 'practitioner' ? [{ reference: `Location/${b.site}` }] : [])],
    serviceType: [{ coding: [serviceType] }],
    extension: [...zone, ...hours, ...exceptions],
  };
}

/** Sites, rooms, payers, practitioners and their roles, interpreters, Schedules, time off, the service. */
function* directory(world: World): Generator<Resource> {
  for (const s of world.sites)
    yield {
      resourceType: 'Location',
      id: s.id,
      name: s.name,
      status: 'active',
      extension: [{ url: EXT.timeZone, valueCode: s.zone }],
      position: { latitude: s.latitude, longitude: s.longitude },
    };
  for (const room of world.rooms)
    yield {
      resourceType: 'Location',
      id: room.actor.slice('Location/'.length),
      name: `Exam room ${room.actor.split('-room-')[1]}`,
      status: 'active',
      physicalType: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: 'ro' }],
      },
      partOf: { reference: `Location/${room.site}` },
    };
  for (const [id, name] of PAYERS) yield { resourceType: 'Organization', id, name };
  for (const [n, p] of [...world.practitioners, ...world.interpreters].entries()) {
    const id = p.actor.slice('Practitioner/'.length);
    yield {
      resourceType: 'Practitioner',
      id,
      name: [{ family: `${p.kind === 'interpreter' ? 'Interpreter' : 'Doctor'} ${n}` }],
      communication: p.languages.map(bcp47),
    };
    if (p.networks.length)
      yield {
        resourceType: 'PractitionerRole',
        id: `bs-role-${id}`,
        active: true,
        practitioner: { reference: p.actor },
        ...(p.site ? { location: [{ reference: `Location/${p.site}` }] } : {}),
        extension: p.networks.map((reference) => ({ url: EXT.network, valueReference: { reference } })),
      };
  }
  for (const b of [...world.practitioners, ...world.rooms]) yield scheduleOf(b, SERVICE_TYPE);
  for (const b of world.interpreters) yield scheduleOf(b, INTERPRETING);
  for (const b of world.practitioners)
    for (const [k, off] of b.timeOff.entries())
      yield {
        resourceType: 'Slot',
        id: `bs-off-${b.schedule}-${k}`,
        schedule: { reference: `Schedule/${b.schedule}` },
        status: 'busy-unavailable',
        start: iso(off.start),
        end: iso(off.end),
        comment: 'Leave',
      };
  const visitType = (code: string, duration: number): Extension => ({
    url: EXT.appointmentType,
    extension: [
      { url: 'code', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code } },
      { url: 'duration', valueDuration: minutes(duration) },
      { url: 'bufferAfter', valueDuration: minutes(VISIT.bufferAfter) },
      { url: 'requires', valueCode: 'practitioner' },
      { url: 'requires', valueCode: 'room' },
    ],
  });
  yield {
    resourceType: 'HealthcareService',
    id: SERVICE_ID,
    active: true,
    name: 'Primary care',
    type: [{ coding: [SERVICE_TYPE] }],
    location: world.sites.map((s) => ({ reference: `Location/${s.id}` })),
    extension: [visitType(VISIT_CODES.FOLLOWUP, VISIT.minutes), visitType(VISIT_CODES.NEW, 60)],
  };
  for (const c of world.coordinators)
    yield { resourceType: 'Practitioner', id: c.slice('Practitioner/'.length), name: [{ family: 'Coordinator' }] };
}

/** A patient, their coverage, past encounters and care team (their coordinator on it). */
function* patientRecords(world: World, patient: BenchPatient): Generator<Resource> {
  const i = Number(patient.id.slice('bs-p'.length));
  yield {
    resourceType: 'Patient',
    id: patient.id,
    name: [{ family: `Patient ${i}`, given: ['Bench'] }],
    birthDate: `19${40 + (i % 60)}-0${1 + (i % 9)}-1${i % 10}`,
    address: [{ use: 'home', city: 'Houston', state: 'TX', postalCode: patient.zip }],
    ...(patient.language ? { communication: [{ language: bcp47(patient.language), preferred: true }] } : {}),
  } as Resource;
  if (patient.payer)
    yield {
      resourceType: 'Coverage',
      id: `bs-cov-${i}`,
      status: 'active',
      beneficiary: { reference: `Patient/${patient.id}` },
      payor: [{ reference: patient.payer }],
    };
  for (const [j, practitioner] of patient.seen.entries()) {
    const at = world.start - (30 + ((i * 37 + j * 101) % 600)) * DAY + 15 * 3_600_000;
    yield {
      resourceType: 'Encounter',
      id: `bs-enc-${i}-${j}`,
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patient.id}` },
      participant: [{ individual: { reference: practitioner } }],
      period: { start: iso(at), end: iso(at + 30 * MINUTE) },
    };
  }
  yield {
    resourceType: 'CareTeam',
    id: `bs-team-${i}`,
    status: 'active',
    subject: { reference: `Patient/${patient.id}` },
    participant: [{ member: { reference: patient.coordinator } }],
  };
}

/** A booking as a booked Appointment, as `$book` writes one: the trigger fills appointment_booking from it. */
function appointmentOf(b: Booking): Appointment {
  const site = b.practitioner.site as string;
  const resources: AppointmentParticipant[] = [
    {
      actor: { reference: b.practitioner.actor },
      type: [{ coding: [PARTICIPANT_TYPE.practitioner] }],
      required: 'required',
      status: 'accepted',
    },
    { actor: { reference: b.room.actor }, required: 'required', status: 'accepted' },
    ...(b.interpreter
      ? [
          {
            actor: { reference: b.interpreter.actor },
            type: [{ coding: [PARTICIPANT_TYPE.interpreter] }],
            required: 'required' as const,
            status: 'accepted' as const,
          },
        ]
      : []),
  ];
  return {
    resourceType: 'Appointment',
    id: b.id,
    status: 'booked',
    serviceType: [{ coding: [SERVICE_TYPE] }],
    appointmentType: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: VISIT_CODES[b.type] }],
    },
    start: iso(b.start),
    end: iso(b.end),
    minutesDuration: (b.end - b.start) / MINUTE,
    extension: [{ url: EXT.busyPeriod, valuePeriod: { start: iso(b.start), end: iso(b.busyEnd) } }],
    supportingInformation: [{ reference: `HealthcareService/${SERVICE_ID}` }],
    participant: [
      { actor: { reference: `Patient/${b.patient.id}` }, required: 'required', status: 'accepted' },
      ...resources,
      { actor: { reference: `Location/${site}` }, required: 'information-only', status: 'accepted' },
    ],
  };
}

export type LoadReport = Readonly<{
  resources: number;
  appointments: number;
  ms: number;
  /** Booked time of practitioners (busy periods) over their open hours. */
  bookedShare: number;
}>;

/** Loads the world and its bookings through `store.putMany` (batches of 500, two in flight). */
export async function loadSlotsWorld(store: Store, world: World): Promise<LoadReport> {
  const start = performance.now();
  let resources = 0;
  let appointments = 0;
  let busy = 0;
  let reported = 0;
  const batches = (function* () {
    let batch: Resource[] = [];
    const add = function* (r: Resource) {
      batch.push(r);
      if (batch.length === 500) {
        yield batch;
        batch = [];
      }
    };
    for (const r of directory(world)) yield* add(r);
    for (const patient of world.patients) for (const r of patientRecords(world, patient)) yield* add(r);
    for (const day of allBookings(world))
      for (const b of day) {
        appointments++;
        busy += b.busyEnd - b.start;
        yield* add(appointmentOf(b));
      }
    if (batch.length) yield batch;
  })();
  const worker = async () => {
    for (let next = batches.next(); !next.done; next = batches.next()) {
      await store.putMany(next.value);
      resources += next.value.length;
      if (resources - reported >= 25_000) {
        reported = resources;
        note(
          `loaded ${resources.toLocaleString('en-US')} resources (${Math.round(resources / ((performance.now() - start) / 1000))}/s)`,
        );
      }
    }
  };
  await Promise.all([worker(), worker()]);
  const open = world.practitioners.reduce((sum, p) => sum + openMs(world, p), 0);
  return { resources, appointments, ms: performance.now() - start, bookedShare: busy / open };
}
