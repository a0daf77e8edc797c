import {
  capitalize,
  fhirPathIs,
  getElementDefinition,
  type InternalSchemaElement,
  isEmpty,
  isQuantity,
  isQuantityEquivalent,
  isResource,
  type TypedValue,
} from '@medplum/core';

/**
 * A search parameter's FHIRPath, compiled for the shapes nine in ten R4 parameters take — a path (`Observation.code`),
 * optionally narrowed by `.ofType(T)` or `.where(resolve() is T)`, parenthesised or not — into plain property
 * navigation with the element lookups done once. It gives exactly what @medplum/core's evaluator gives (a test
 * compares them on the R4 examples and Synthea); `undefined` means the expression has another shape, and a thrown
 * {@link Unsupported} means this value needs the general evaluator (primitive extensions), which the caller then uses.
 */
export type CompiledPath = (resource: TypedValue) => TypedValue[];

export class Unsupported extends Error {}

type Step = { kind: 'child'; name: string } | { kind: 'ofType'; type: string } | { kind: 'resolveIs'; type: string };

const shape = /^[A-Z][A-Za-z]*(\.(§ofType:[A-Za-z]+|§is:[A-Za-z]+|[a-z][A-Za-z0-9]*))*$/;

/** A union of compiled paths (`a | b`), with FHIRPath's union semantics (duplicates removed); undefined if any is not. */
export function compileUnion(parts: readonly string[]): CompiledPath | undefined {
  const compiled = parts.map(compilePath);
  if (compiled.some((c) => c === undefined)) return undefined;
  const fns = compiled as CompiledPath[];
  if (fns.length === 1) return fns[0];
  return (input) => unionOf(fns.flatMap((f) => f(input)));
}

/**
 * FHIRPath union as @medplum/core evaluates it (removeDuplicates with fhirPathEquals on values that carry their path):
 * numbers and quantities by value, other elements only when they are the same element, primitives by value.
 */
function unionOf(values: readonly TypedValue[]): TypedValue[] {
  const out: TypedValue[] = [];
  for (const v of values) if (!out.some((o) => sameValue(o, v))) out.push(v);
  return out;
}

function sameValue(x: TypedValue, y: TypedValue): boolean {
  const a = (x.value as { valueOf(): unknown } | undefined)?.valueOf();
  const b = (y.value as { valueOf(): unknown } | undefined)?.valueOf();
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-8;
  if (isQuantity(a) && isQuantity(b)) return isQuantityEquivalent(a, b);
  if (typeof a === 'object' && typeof b === 'object') return a === b && x.type === y.type;
  return a === b;
}

function compilePath(expression: string): CompiledPath | undefined {
  const flat = expression
    .trim()
    .replace(/\.ofType\(([A-Za-z]+)\)/g, '.§ofType:$1')
    .replace(/\.where\(resolve\(\) is ([A-Za-z]+)\)/g, '.§is:$1');
  // What is left is dotted names and grouping parentheses, which do not change what a path navigates to.
  const bare = flat.replace(/[()]/g, '');
  if (!shape.test(bare) || !balanced(flat)) return undefined;
  const [root, ...rest] = bare.split('.');
  const steps: Step[] = rest.map((s) => {
    if (s.startsWith('§ofType:')) return { kind: 'ofType', type: s.slice(8) };
    if (s.startsWith('§is:')) return { kind: 'resolveIs', type: s.slice(4) };
    return { kind: 'child', name: s };
  });
  return (input) => {
    if (!isResource(input.value, root as never)) return [];
    let values: TypedValue[] = [input];
    for (const step of steps) {
      if (step.kind === 'child') values = values.flatMap((v) => child(v, step.name));
      else if (step.kind === 'ofType') values = values.filter((v) => fhirPathIs(v, step.type));
      else values = values.filter((v) => resolvedType(v) === step.type);
    }
    return values;
  };
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

type Property = { keys: readonly { key: string; ext: string; code: string }[]; elementType: string };

const properties = new Map<string, Map<string, Property | null>>();

/** Where a property lives in JSON (one key, or one per type of a choice `[x]`), looked up once per type and name. */
function propertyOf(type: string, name: string): Property | null {
  let ofType = properties.get(type);
  if (!ofType) {
    ofType = new Map();
    properties.set(type, ofType);
  }
  let p = ofType.get(name);
  if (p === undefined) {
    const element: InternalSchemaElement | undefined = getElementDefinition(type, name);
    if (!element?.type?.length) p = null;
    else {
      const last = element.path.slice(element.path.lastIndexOf('.') + 1);
      const choice = last.endsWith('[x]');
      const base = choice ? last.slice(0, -3) : last;
      p = {
        keys: element.type.map((t) => {
          const key = choice ? base + capitalize(t.code) : base;
          return { key, ext: `_${key}`, code: t.code };
        }),
        elementType: (element.type[0] as { code: string }).code,
      };
    }
    ofType.set(name, p);
  }
  return p;
}

/** @medplum/core's getTypedPropertyValueWithSchema, for values without primitive extensions. */
function child(tv: TypedValue, name: string): TypedValue[] {
  const value = tv.value as Record<string, unknown> | undefined;
  if (!value || typeof value !== 'object') return [];
  const p = propertyOf(tv.type, name);
  if (p === null) throw new Unsupported(`${tv.type}.${name}`);
  let result: unknown;
  let type = 'undefined';
  for (const { key, ext, code } of p.keys) {
    if (value[ext] !== undefined) throw new Unsupported(ext);
    result = value[key];
    if (result !== undefined) {
      type = code;
      break;
    }
  }
  if (isEmpty(result)) return [];
  if (type === 'Element' || type === 'BackboneElement') type = p.elementType;
  const typed = (v: unknown): TypedValue => ({
    type: type === 'Resource' && isResource(v) ? v.resourceType : type,
    value: v,
  });
  return (Array.isArray(result) ? result.map(typed) : [typed(result)]).filter((t) => t.value !== undefined);
}

/** The type FHIRPath's resolve() gives a Reference or reference string (@medplum/core, functions.ts). */
function resolvedType(tv: TypedValue): string | undefined {
  const v = tv.value as unknown;
  let ref: string | undefined;
  if (typeof v === 'string') ref = v;
  else if (typeof v === 'object' && v !== null) {
    const r = v as { resource?: { resourceType?: string }; reference?: string; type?: string; identifier?: unknown };
    if (r.resource) return r.resource.resourceType;
    if (r.reference) ref = r.reference;
    else if (r.type && r.identifier) ref = `${r.type}?identifier`;
  }
  if (ref?.includes('?')) return ref.split('?')[0];
  if (ref?.includes('/')) return ref.split('/')[0];
  return undefined;
}
