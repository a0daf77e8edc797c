import { badRequest, notSupported } from '@careloop/fhir';
import { Temporal } from 'temporal-polyfill';
import { OutcomeError } from '../../platform/errors.ts';
import { isStoredType, patientCompartmentParams, resourceTypes } from '../../platform/store/index.ts';

/** System (`/$export`), all patients (`/Patient/$export`) or one Group's members (`/Group/{id}/$export`). */
export type ExportLevel = 'system' | 'patient' | 'group';

/** What an export asked for; stored with the export and shown back in the manifest's `request`. */
export type ExportRequest = Readonly<{
  level: ExportLevel;
  groupId?: string;
  /** `_type`, when given. */
  types?: readonly string[];
  /** `_since` as an ISO instant, when given. */
  since?: string;
  /** The kick-off URL. */
  url: string;
  /** The account that asked: only it can poll, fetch or cancel the export. */
  requestedBy?: string;
}>;

const ndjsonFormats = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const knownParams = new Set(['_type', '_since', '_outputFormat']);

/** Types a patient-level export can hold: Patient and every type in the Patient compartment (R4 CompartmentDefinition). */
export function compartmentTypes(): string[] {
  return resourceTypes.filter((t) => t === 'Patient' || patientCompartmentParams(t).length > 0);
}

/** The types an export of `level` covers when `_type` is absent. */
export function defaultTypes(level: ExportLevel): string[] {
  return level === 'system' ? [...resourceTypes] : compartmentTypes();
}

/**
 * Checks the kick-off (Bulk Data Access IG v2, "Bulk Data Kick-off Request") and returns what it asks for; throws a
 * 400 OutcomeError naming the offending header or parameter. `_typeFilter` and other parameters CareLoop does not
 * support are refused, as the IG asks, unless `Prefer: handling=lenient`.
 */
export function parseKickoff(
  level: ExportLevel,
  query: URLSearchParams,
  prefer: string,
  url: string,
  groupId?: string,
): ExportRequest {
  if (!/(^|[\s,;])respond-async([\s,;]|$)/.test(prefer))
    throw new OutcomeError(badRequest('$export needs the header Prefer: respond-async', 'Prefer'), 400);
  const isLenient = /handling\s*=\s*lenient/.test(prefer);
  for (const name of new Set(query.keys())) {
    if (!knownParams.has(name) && !isLenient)
      throw new OutcomeError(
        notSupported(`$export does not support the parameter ${name.replace(/[^\w.-]/g, '?').slice(0, 40)}`, name),
        400,
      );
  }
  const format = query.get('_outputFormat');
  if (format !== null && !ndjsonFormats.has(format))
    throw new OutcomeError(badRequest('_outputFormat must be application/fhir+ndjson', '_outputFormat'), 400);
  const types = parseTypes(query.getAll('_type'), level);
  const since = query.get('_since');
  return {
    level,
    ...(groupId !== undefined ? { groupId } : {}),
    ...(types ? { types } : {}),
    ...(since !== null ? { since: parseInstant(since, '_since') } : {}),
    url,
  };
}

/** `_type=Patient,Observation` (the parameter may also repeat); undefined when absent. */
export function parseTypes(values: readonly string[], level: ExportLevel): string[] | undefined {
  if (values.length === 0) return undefined;
  const types = [...new Set(values.flatMap((v) => v.split(',')).map((t) => t.trim()))];
  const allowed = new Set(defaultTypes(level));
  for (const t of types) {
    if (!isStoredType(t))
      throw new OutcomeError(
        badRequest(`_type names an unknown resource type ${JSON.stringify(t.slice(0, 40))}`, '_type'),
        400,
      );
    if (!allowed.has(t))
      throw new OutcomeError(
        badRequest(`${t} is not in the Patient compartment, so a ${level}-level export cannot hold it`, '_type'),
        400,
      );
  }
  return types;
}

// FHIR `instant`: a full date-time with seconds and a time zone (R4 §2.24.0.3).
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A FHIR instant, normalized to UTC; 400 naming `parameter` otherwise. */
export function parseInstant(text: string, parameter: string): string {
  if (instantPattern.test(text)) {
    try {
      return Temporal.Instant.from(text).toString();
    } catch {
      // falls through to the 400 below (e.g. month 13)
    }
  }
  throw new OutcomeError(
    badRequest(`${parameter} must be a FHIR instant such as 2025-01-31T00:00:00Z`, parameter),
    400,
  );
}
