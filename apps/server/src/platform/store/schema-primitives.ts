// Adapted from @medplum/core src/typeschema/validation.ts (Apache-2.0, Copyright Orangebot, Inc. and Medplum
// contributors): primitive values and nulls, with the same checks and messages (ADR 0004).
import {
  createStructureIssue,
  fhirTypeToJsType,
  isValidCalendarDate,
  type TypedValue,
  type TypedValueWithPath,
  validationRegexes,
} from '@medplum/core';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

const integerMax = 2_147_483_647;
const integerRange: Record<string, readonly [number, number]> = {
  integer: [-2_147_483_648, integerMax],
  positiveInt: [1, integerMax],
  unsignedInt: [0, integerMax],
};
const base64MaxBytes = 1024 * 1024;

/**
 * Checks a primitive value (its JSON type, format and range); returns the extension part of a primitive with a `_`
 * sibling (id, extension), which the caller validates as an Element, unless the value has the wrong JSON type.
 */
export function checkPrimitive(typed: TypedValueWithPath, issues: OperationOutcomeIssue[]): TypedValue | undefined {
  const [primitive, extension] = unpack(typed);
  const path = typed.path;
  if (primitive) {
    const { type, value } = primitive;
    if (!(type in fhirTypeToJsType)) {
      issues.push(createStructureIssue(path, `Invalid JSON type: ${type} is not a valid FHIR type`));
      return undefined;
    }
    const expected = fhirTypeToJsType[type as keyof typeof fhirTypeToJsType];
    if (typeof value !== expected) {
      if (value !== null)
        issues.push(createStructureIssue(path, `Invalid JSON type: expected ${expected}, but got ${typeof value}`));
      // Medplum stops here: the extension part of a mistyped primitive is not examined.
      return undefined;
    }
    if (type === 'base64Binary') checkBase64(value as string, path, issues);
    else if (expected === 'string') checkString(value as string, type, path, issues);
    else if (expected === 'number') checkNumber(value as number, type, path, issues);
  }
  return extension;
}

function checkString(str: string, type: string, path: string, issues: OperationOutcomeIssue[]): void {
  if (!str.trim()) {
    issues.push(createStructureIssue(path, 'String must contain non-whitespace content'));
    return;
  }
  if (str.length > 1024 * 1024) {
    issues.push(createStructureIssue(path, 'String cannot be larger than 1 MB'));
    return;
  }
  const regex = validationRegexes[type];
  if (regex && !regex.exec(str)) issues.push(createStructureIssue(path, `Invalid ${type} format`));
  else if ((type === 'date' || type === 'dateTime' || type === 'instant') && !isValidCalendarDate(str))
    issues.push(createStructureIssue(path, `Invalid ${type} value`));
}

function checkNumber(n: number, type: string, path: string, issues: OperationOutcomeIssue[]): void {
  const range = integerRange[type];
  if (Number.isNaN(n) || !Number.isFinite(n)) issues.push(createStructureIssue(path, 'Invalid numeric value'));
  else if (range && !Number.isInteger(n)) issues.push(createStructureIssue(path, 'Expected number to be an integer'));
  else if (range && (n < range[0] || n > range[1]))
    issues.push(createStructureIssue(path, `Expected number to be in the range ${range[0]}..${range[1]}`));
}

function checkBase64(str: string, path: string, issues: OperationOutcomeIssue[]): void {
  const padding = str.endsWith('==') ? 2 : str.endsWith('=') ? 1 : 0;
  const dataLen = str.length - padding;
  const data = padding > 0 ? str.slice(0, -padding) : str;
  if (str.length === 0 || (padding + dataLen) % 4 !== 0 || !/^[A-Za-z\d+/]+$/.test(data)) {
    issues.push(createStructureIssue(path, 'Invalid base64Binary format'));
    return;
  }
  if (Math.max(0, Math.floor((str.length * 3) / 4) - padding) > base64MaxBytes)
    issues.push(createStructureIssue(path, `base64Binary exceeds ${base64MaxBytes} bytes`));
}

/** A primitive with a `_` sibling arrives boxed (String/Number/Boolean) with id/extension properties on it. */
function unpack(v: TypedValue): [TypedValue | undefined, TypedValue | undefined] {
  if (typeof v.value !== 'object' || !v.value) return [v, undefined];
  const primitive = (v.value as { valueOf(): unknown }).valueOf();
  if (primitive === v.value) return [undefined, { type: 'Element', value: v.value }];
  const own = new Set(Object.keys(primitive as object));
  const rest = Object.entries(v.value).filter(([k]) => !own.has(k));
  return [
    { type: v.type, value: primitive },
    { type: 'Element', value: rest.length > 0 ? Object.fromEntries(rest) : undefined },
  ];
}

/** Nulls and holes anywhere in the JSON (null is allowed only in a primitive array whose `_` sibling fills it). */
export function nullIssues(obj: Record<string, unknown>, path: string, issues: OperationOutcomeIssue[]): void {
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === null) issues.push(createStructureIssue(`${path}.${key}`, 'Invalid null value'));
    else if (Array.isArray(value)) {
      const partner = obj[key.startsWith('_') ? key.slice(1) : `_${key}`] as unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as unknown;
        if (item === undefined) issues.push(createStructureIssue(`${path}.${key}[${i}]`, 'Invalid undefined value'));
        else if (item === null && !partner?.[i])
          issues.push(createStructureIssue(`${path}.${key}[${i}]`, 'Invalid null value'));
        else if (item) nullIssues(item as Record<string, unknown>, `${path}.${key}[${i}]`, issues);
      }
    } else if (typeof value === 'object') nullIssues(value as Record<string, unknown>, `${path}.${key}`, issues);
  }
}
