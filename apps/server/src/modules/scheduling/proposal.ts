import type { Appointment, AppointmentParticipant, Coding, HealthcareService } from '@medplum/fhirtypes';
import type { Site } from './directory.ts';
import { EXT, PARTICIPANT_TYPE, type VisitType } from './domain/fhir-mapping.ts';
import type { Slot } from './domain/slots.ts';

/** A candidate visit: the slot, with whom and where, and what ranks it. */
export type Candidate = Slot &
  Readonly<{
    resourceId: string;
    /** Role → the resource taking it (`Practitioner/…`, `Location/…`, `Device/…`). */
    actors: Readonly<Record<string, string>>;
    site: Site | undefined;
    distanceKm?: number;
    isVirtual: boolean;
    hasSeenBefore: boolean;
    isInNetwork?: boolean;
  }>;

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The participant types for the roles a visit needs (the others have none). */
const ROLE_TYPE: Record<string, Coding | undefined> = PARTICIPANT_TYPE;

/**
 * A found time as a FHIR Appointment with status `proposed`: the service and visit type, start and end, the busy
 * period with buffers (extension busy-period), the patient and every resource taking part — and the site, named
 * information-only (it is where the visit is, not a resource it books). `$book` takes it as it is.
 */
export function proposal(service: HealthcareService, type: VisitType, patientId: string, c: Candidate): Appointment {
  const resources: AppointmentParticipant[] = Object.entries(c.actors).map(([role, actor]) => {
    const t = ROLE_TYPE[role];
    return {
      actor: { reference: actor },
      ...(t ? { type: [{ coding: [t] }] } : {}),
      required: 'required',
      status: 'needs-action',
    };
  });
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    serviceType: service.type,
    appointmentType: { coding: [type.code] },
    start: iso(c.start),
    end: iso(c.end),
    minutesDuration: type.durationMinutes,
    extension: [
      {
        url: EXT.busyPeriod,
        valuePeriod: {
          start: iso(c.start - type.bufferBeforeMinutes * MINUTE),
          end: iso(c.end + type.bufferAfterMinutes * MINUTE),
        },
      },
      ...(c.isVirtual ? [{ url: EXT.virtual, valueBoolean: true }] : []),
    ],
    supportingInformation: [{ reference: `HealthcareService/${service.id}` }],
    participant: [
      { actor: { reference: `Patient/${patientId}` }, required: 'required', status: 'needs-action' },
      ...resources,
      ...(c.site && !c.isVirtual
        ? [
            {
              actor: { reference: `Location/${c.site.id}`, display: c.site.name },
              required: 'information-only' as const,
              status: 'accepted' as const,
            },
          ]
        : []),
    ],
  };
}
