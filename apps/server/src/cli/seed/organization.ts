import type {
  Address,
  CodeableConcept,
  ContactPoint,
  Extension,
  HealthcareService,
  HealthcareServiceAvailableTime,
  Location,
  Organization,
  Practitioner,
  PractitionerRole,
  Resource,
} from '@medplum/fhirtypes';
import {
  concept,
  demoMeta,
  EXTENSION,
  LANGUAGES,
  type LanguageCode,
  languageConcept,
  SYSTEM,
  specialtyConcept,
  staffRoleConcept,
  TIME_ZONE,
} from './codes.ts';
import {
  DEPARTMENT_SERVICE_ID,
  HOSPITAL_SERVICES,
  LOCATIONS,
  type LocationDef,
  PAYERS,
  primaryCareServiceId,
  SITE_NAME,
  SITE_ORG_ID,
  SYSTEM_NAME,
  SYSTEM_ORG_ID,
  workLocationId,
} from './facilities.ts';
import { CLINICS, SITE_PLACES, type SiteKey } from './geography.ts';
import { availableTimeOf, OUTPATIENT_HOURS, type WorkWeek, workWeekOf } from './hours.ts';
import { ref } from './ids.ts';
import { interpreterResources } from './interpreters.ts';
import { networkExtensions } from './networks.ts';
import { isOutpatient, primaryCareType } from './outpatient.ts';
import { ROOMS } from './rooms.ts';
import { buildRoster, type Credential, type Roster, type RosterMember } from './roster.ts';
import { appointmentTypeExtension, VISIT_KINDS, visitKindsOf } from './visit-types.ts';

/** Options of {@link generateOrganizationResources}. */
export type OrganizationOptions = {
  /** Seed for practitioner names; the structure (sites, specialties, ids) is the same for every seed. */
  seed: number;
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const OPEN = `${OUTPATIENT_HOURS.open}:00`;
const CLOSE = `${OUTPATIENT_HOURS.close}:00`;

function siteAddress(site: SiteKey): Address {
  const p = SITE_PLACES[site];
  return {
    use: 'work',
    type: 'physical',
    line: [p.line],
    city: p.city,
    district: p.district,
    state: 'TX',
    postalCode: p.postalCode,
    country: 'US',
  };
}

function sitePhone(site: SiteKey): ContactPoint {
  return { system: 'phone', value: SITE_PLACES[site].phone, use: 'work' };
}

function organizations(): Organization[] {
  const provider = concept(SYSTEM.organizationType, 'prov', 'Healthcare Provider');
  const system: Organization = {
    resourceType: 'Organization',
    id: SYSTEM_ORG_ID,
    meta: demoMeta(),
    // The health system's clock: deadlines count business days (US federal holidays) in its zone.
    extension: [{ url: EXTENSION.timezone, valueCode: TIME_ZONE }],
    active: true,
    type: [provider],
    name: SYSTEM_NAME,
    alias: ['BCH'],
    telecom: [sitePhone('hospital'), { system: 'url', value: 'https://bayoucityhealth.example' }],
    address: [siteAddress('hospital')],
  };
  const sites = (['hospital', ...CLINICS] as const).map(
    (site): Organization => ({
      resourceType: 'Organization',
      id: SITE_ORG_ID[site],
      meta: demoMeta(),
      extension: [{ url: EXTENSION.timezone, valueCode: TIME_ZONE }],
      active: true,
      type: [provider],
      name: SITE_NAME[site],
      telecom: [sitePhone(site)],
      address: [siteAddress(site)],
      partOf: ref('Organization', SYSTEM_ORG_ID, SYSTEM_NAME),
    }),
  );
  const payers = PAYERS.map(
    (p): Organization => ({
      resourceType: 'Organization',
      id: p.id,
      meta: demoMeta(),
      active: true,
      type: [
        p.kind === 'commercial'
          ? concept(SYSTEM.organizationType, 'ins', 'Insurance Company')
          : concept(SYSTEM.organizationType, 'govt', 'Government'),
        concept(SYSTEM.organizationType, 'pay', 'Payer'),
      ],
      name: p.name,
      telecom: [{ system: 'phone', value: p.phone, use: 'work' }],
    }),
  );
  return [system, ...sites, ...payers];
}

function location(def: LocationDef): Location {
  const place = SITE_PLACES[def.site];
  return {
    resourceType: 'Location',
    id: def.id,
    meta: demoMeta(),
    extension: [{ url: EXTENSION.timezone, valueCode: TIME_ZONE }],
    status: 'active',
    name: def.name,
    mode: 'instance',
    type: [concept(SYSTEM.v3RoleCode, def.type[0], def.type[1])],
    telecom: [sitePhone(def.site)],
    address: siteAddress(def.site),
    physicalType: concept(SYSTEM.locationPhysicalType, def.physicalType[0], def.physicalType[1]),
    position: { latitude: place.latitude, longitude: place.longitude },
    managingOrganization: ref('Organization', SITE_ORG_ID[def.site], SITE_NAME[def.site]),
    ...(def.partOf ? { partOf: ref('Location', def.partOf) } : {}),
    hoursOfOperation: def.isAlwaysOpen
      ? [{ daysOfWeek: [...WEEKDAYS, 'sat', 'sun'], allDay: true }]
      : [{ daysOfWeek: [...WEEKDAYS], openingTime: OPEN, closingTime: CLOSE }],
  };
}

function languagesOf(members: readonly RosterMember[]): LanguageCode[] {
  const set = new Set<LanguageCode>();
  for (const m of members) for (const l of m.languages) set.add(l);
  return (Object.keys(LANGUAGES) as LanguageCode[]).filter((l) => set.has(l));
}

function healthcareServices(clinicians: readonly RosterMember[], staff: readonly RosterMember[]): HealthcareService[] {
  const everyone = [...clinicians, ...staff];
  const hours: HealthcareServiceAvailableTime[] = [
    { daysOfWeek: [...WEEKDAYS], availableStartTime: OPEN, availableEndTime: CLOSE },
  ];
  const primaryCare = CLINICS.map(
    (clinic): HealthcareService => ({
      resourceType: 'HealthcareService',
      id: primaryCareServiceId(clinic),
      meta: demoMeta(),
      extension: VISIT_KINDS['primary-care'].map(appointmentTypeExtension),
      active: true,
      providedBy: ref('Organization', SITE_ORG_ID[clinic], SITE_NAME[clinic]),
      category: [concept(SYSTEM.serviceCategory, '17', 'General Practice')],
      type: [concept(SYSTEM.serviceType, '124', 'General Practice'), primaryCareType(clinic)],
      specialty: [specialtyConcept('familyMedicine')],
      location: [ref('Location', workLocationId('primary-care', clinic))],
      name: `Primary Care – ${SITE_NAME[clinic]}`,
      telecom: [sitePhone(clinic)],
      communication: languagesOf(
        everyone.filter((m) => m.department === 'primary-care' && m.sites.includes(clinic)),
      ).map(languageConcept),
      appointmentRequired: true,
      availableTime: hours,
    }),
  );
  const hospital = HOSPITAL_SERVICES.map((def): HealthcareService => {
    const members = everyone.filter((m) => m.department === def.department);
    const sites = [...new Set(members.flatMap((m) => m.sites))];
    const isAlwaysOpen = def.department === 'emergency' || def.department === 'hospital-medicine';
    const kinds = visitKindsOf(def.department);
    return {
      resourceType: 'HealthcareService',
      id: DEPARTMENT_SERVICE_ID[def.department],
      meta: demoMeta(),
      ...(kinds.length ? { extension: kinds.map(appointmentTypeExtension) } : {}),
      active: true,
      providedBy: ref('Organization', SITE_ORG_ID.hospital, SITE_NAME.hospital),
      category: [concept(SYSTEM.serviceCategory, def.category[0], def.category[1])],
      type: def.types.map(([code, display]) => concept(SYSTEM.serviceType, code, display)),
      specialty: [...new Set(members.map((m) => m.specialty))].map(specialtyConcept),
      location: sites.map((site) => ref('Location', workLocationId(def.department, site))),
      name: def.name,
      telecom: [sitePhone('hospital')],
      communication: languagesOf(members).map(languageConcept),
      appointmentRequired: !isAlwaysOpen,
      availableTime: isAlwaysOpen ? [{ daysOfWeek: [...WEEKDAYS, 'sat', 'sun'], allDay: true }] : hours,
    };
  });
  return [...primaryCare, ...hospital];
}

// HL7 v2 table 0360 has degrees for physicians, nurses and PhDs but none for physical therapists or social workers.
const DEGREE: Partial<Record<Credential, readonly [string, string]>> = {
  MD: ['MD', 'Doctor of Medicine'],
  DO: ['DO', 'Doctor of Osteopathy'],
  PhD: ['PHD', 'Doctor of Philosophy'],
  RN: ['RN', 'Registered Nurse'],
};

const ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/practitioner-role';
const PRACTITIONER_ROLE: Partial<Record<Credential, CodeableConcept>> = {
  MD: concept(ROLE_SYSTEM, 'doctor', 'Doctor'),
  DO: concept(ROLE_SYSTEM, 'doctor', 'Doctor'),
  RN: concept(ROLE_SYSTEM, 'nurse', 'Nurse'),
};

/** Fake NPIs start with 9: real NPIs start with 1 or 2, so these can never collide with a real provider. */
function npi(member: RosterMember, ordinal: number): string {
  return `9${String(ordinal * 7919 + (member.sex === 'female' ? 17 : 29)).padStart(9, '0')}`;
}

function practitioner(m: RosterMember, ordinal: number): Practitioner {
  const isDoctor = m.credential === 'MD' || m.credential === 'DO' || m.credential === 'PhD';
  const degree = DEGREE[m.credential];
  const primarySite = m.sites[0] ?? 'hospital';
  return {
    resourceType: 'Practitioner',
    id: m.practitionerId,
    meta: demoMeta(),
    identifier: [
      {
        use: 'official',
        type: concept(SYSTEM.v2IdentifierType, 'NPI', 'National provider identifier'),
        system: SYSTEM.npi,
        value: npi(m, ordinal),
      },
    ],
    active: true,
    name: [
      {
        use: 'official',
        family: m.family,
        given: m.given,
        ...(isDoctor ? { prefix: ['Dr.'] } : {}),
        suffix: [m.credential],
      },
    ],
    telecom: [sitePhone(primarySite), { system: 'email', value: m.email, use: 'work' }],
    address: [siteAddress(primarySite)],
    gender: m.sex,
    ...(degree ? { qualification: [{ code: concept(SYSTEM.v2Degree, degree[0], degree[1]) }] } : {}),
    communication: m.languages.map(languageConcept),
  };
}

/** What a PractitionerRole adds for booking: payer networks, and the working week of those who see outpatients. */
type Booking = { networks: Extension[]; week: WorkWeek | undefined };

function practitionerRole(m: RosterMember, booking: Booking): PractitionerRole {
  const primarySite = m.sites[0] ?? 'hospital';
  const services =
    m.department === 'primary-care'
      ? m.sites.flatMap((site) => (site === 'hospital' ? [] : [primaryCareServiceId(site)]))
      : [DEPARTMENT_SERVICE_ID[m.department]];
  const roleCode = m.staffRole ? staffRoleConcept(m.staffRole) : PRACTITIONER_ROLE[m.credential];
  return {
    resourceType: 'PractitionerRole',
    id: m.roleId,
    meta: demoMeta(),
    ...(booking.networks.length ? { extension: booking.networks } : {}),
    active: true,
    practitioner: ref('Practitioner', m.practitionerId, `${m.given.join(' ')} ${m.family}, ${m.credential}`),
    organization: m.staffRole
      ? ref('Organization', SYSTEM_ORG_ID, SYSTEM_NAME)
      : ref('Organization', SITE_ORG_ID[primarySite], SITE_NAME[primarySite]),
    ...(roleCode ? { code: [roleCode] } : {}),
    specialty: m.staffRole
      ? [specialtyConcept('careCoordination'), specialtyConcept(m.specialty)]
      : [specialtyConcept(m.specialty)],
    location: m.sites.map((site) => ref('Location', workLocationId(m.department, site))),
    healthcareService: services.map((id) => ref('HealthcareService', id)),
    telecom: [sitePhone(primarySite), { system: 'email', value: m.email, use: 'work' }],
    availableTime: booking.week
      ? availableTimeOf(booking.week)
      : [{ daysOfWeek: [...WEEKDAYS], availableStartTime: '08:00:00', availableEndTime: '17:00:00' }],
    ...(booking.week ? { availabilityExceptions: booking.week.label } : {}),
  };
}

/** Networks and working weeks by roster member: staff are in no network; the outpatient rotation as the Schedules. */
function bookingOf(roster: Roster): (m: RosterMember) => Booking {
  const ordinal = new Map<RosterMember, number>(roster.clinicians.map((m, i) => [m, i]));
  const outpatientOrdinal = new Map<RosterMember, number>(roster.clinicians.filter(isOutpatient).map((m, i) => [m, i]));
  return (m) => {
    const o = outpatientOrdinal.get(m);
    return {
      networks: m.staffRole ? [] : networkExtensions(m, ordinal.get(m) ?? 0),
      week: o === undefined ? undefined : workWeekOf(o),
    };
  };
}

/**
 * The health system: its organisation tree (system → hospital and four clinics), payers, locations and exam rooms,
 * services with their visit types, the 41 clinicians (with their payer networks), three interpreters and the
 * care-coordination staff (eight coordinators, one supervisor) with their roles. Schedules come from
 * {@link generateSchedules}, which needs a day.
 *
 * Staff are Practitioners whose PractitionerRole.code is a CareLoop staff role; the user accounts that log in as them
 * come with the authentication issue and will point at these Practitioner ids.
 */
export function generateOrganizationResources(options: OrganizationOptions): Resource[] {
  const roster = buildRoster(options.seed);
  const members = [...roster.clinicians, ...roster.staff];
  const booking = bookingOf(roster);
  return [
    ...organizations(),
    ...[...LOCATIONS, ...ROOMS].map(location),
    ...healthcareServices(roster.clinicians, roster.staff),
    ...members.map((m, i) => practitioner(m, i + 1)),
    ...members.map((m) => practitionerRole(m, booking(m))),
    ...interpreterResources(options.seed),
  ];
}
