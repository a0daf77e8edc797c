import type { CodeableConcept } from '@medplum/fhirtypes';
import { concept, SYSTEM } from './codes.ts';
import {
  clinicLocationId,
  DEPARTMENT_SERVICE_ID,
  HOSPITAL_SERVICES,
  primaryCareServiceId,
  SITE_NAME,
  workLocationId,
} from './facilities.ts';
import type { ClinicKey, SiteKey } from './geography.ts';
import type { Department, RosterMember } from './roster.ts';

/** Where and for what outpatients are booked: the services with visit types, and who offers them where. */

/** Departments whose clinicians see booked outpatients (not the emergency department or the wards). */
export type OutpatientDepartment = Exclude<Department, 'emergency' | 'hospital-medicine' | 'care-coordination'>;

const OUTPATIENT: ReadonlySet<Department> = new Set<OutpatientDepartment>([
  'primary-care',
  'cardiology',
  'oncology',
  'orthopedics',
  'endocrinology',
  'physical-therapy',
  'behavioral-health',
]);

/** Whether a roster member sees booked outpatients. */
export function isOutpatient(member: RosterMember): member is RosterMember & { department: OutpatientDepartment } {
  return !member.staffRole && OUTPATIENT.has(member.department);
}

/**
 * Each clinic's own primary-care service code. `$find` offers the Schedules whose serviceType matches any of the
 * service's types, so if every clinic's clinicians carried General Practice (124), booking "Primary Care – Heights"
 * would propose Bellaire's doctors; the clinic's code keeps each clinic's primary care to its own clinicians and rooms.
 */
export function primaryCareType(clinic: ClinicKey): CodeableConcept {
  return concept(SYSTEM.careloopService, `primary-care-${clinic}`, `Primary care – ${SITE_NAME[clinic]}`);
}

/** The service type a clinician's Schedule offers at a clinic or the hospital. */
export function clinicianServiceType(member: RosterMember & { department: OutpatientDepartment }): CodeableConcept {
  if (member.department === 'primary-care') return primaryCareType(member.sites[0] as ClinicKey);
  const def = HOSPITAL_SERVICES.find((s) => s.department === member.department);
  // Behavioral health offers psychiatry and psychology: each clinician offers their own.
  const [code, display] =
    member.department === 'behavioral-health' && member.specialty !== 'psychiatry'
      ? (def?.types[1] ?? ['', ''])
      : (def?.types[0] ?? ['', '']);
  return concept(SYSTEM.serviceType, code, display);
}

/** The HealthcareService a clinician's outpatient visits belong to. */
export function serviceIdOf(member: RosterMember & { department: OutpatientDepartment }): string {
  return member.department === 'primary-care'
    ? primaryCareServiceId(member.sites[0] as ClinicKey)
    : DEPARTMENT_SERVICE_ID[member.department];
}

/** The Location where a clinician sees patients at a site: a clinic building or their department's hospital wing. */
export function siteLocationOf(member: RosterMember, site: SiteKey): string {
  return site === 'hospital' ? workLocationId(member.department, site) : clinicLocationId(site);
}
