// Adapted from @medplum/core src/typeschema/validation.ts and crawler.ts (Apache-2.0, Copyright Orangebot, Inc. and
// Medplum contributors). The checks and their messages are Medplum's; what differs is the walk (ADR 0004).
import {
  type Constraint,
  createConstraintIssue,
  createProcessingIssue,
  createStructureIssue,
  evalFhirPathTyped,
  type FhirPathAtom,
  getDataType,
  getTypedPropertyValue,
  getTypedPropertyValueWithPath,
  type InternalSchemaElement,
  type InternalTypeSchema,
  isEmpty,
  isPrimitiveType,
  isResource,
  LRUCache,
  type TypedValue,
  type TypedValueWithPath,
  toTypedValue,
  UCUM,
  validateResource,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { checkPrimitive, nullIssues } from './schema-primitives.ts';

/**
 * Validates a resource against its R4 StructureDefinition exactly as @medplum/core's `validateResource` does — same
 * checks, same issues, same collected tokens (a test compares the two) — but walks the data rather than the schema:
 * Medplum visits every element the type defines on every object (an Observation's 50-odd, present or not), which made
 * validation half of the cost of a write. Here an absent optional element costs one property lookup.
 * Returns the error issues (Medplum's warnings — reference target types, conflicting choice keys — are not produced).
 */
export function schemaIssues(
  resource: Resource,
  tokens: Record<string, TypedValueWithPath[]>,
): OperationOutcomeIssue[] {
  const root = toTypedValue(resource);
  const schema = getDataType(root.type);
  if (!supported(schema)) {
    return validateResource(resource, { collect: { tokens } }).filter((i) => i.severity === 'error');
  }
  return new Walk(root, schema, tokens).run();
}

// Medplum's list of invariants it does not evaluate (dom-3 is checked in validate.ts).
const skippedConstraintKeys = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
const fhirPathCache = new LRUCache<FhirPathAtom>(1_000);
const ucum = toTypedValue(UCUM);

type Candidate = { key: string; ext: string; code: string };
type Plan = { key: string; element: InternalSchemaElement; candidates: readonly Candidate[] };
const plans = new WeakMap<InternalTypeSchema, readonly Plan[]>();
const innerTypes = new WeakMap<InternalTypeSchema, Map<string, InternalTypeSchema>>();
const supportedSchemas = new WeakMap<InternalTypeSchema, boolean>();

/** Slicing, fixed and pattern values (profiles) and nested element keys take Medplum's own validator. */
function supported(schema: InternalTypeSchema): boolean {
  let ok = supportedSchemas.get(schema);
  if (ok === undefined) {
    ok = reachable(schema, new Set()).every((t) =>
      Object.entries(t.elements).every(([k, e]) => !k.includes('.') && !e.slicing && !e.fixed && !e.pattern),
    );
    supportedSchemas.set(schema, ok);
  }
  return ok;
}

function reachable(schema: InternalTypeSchema, seen: Set<InternalTypeSchema>): InternalTypeSchema[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  return [schema, ...schema.innerTypes.flatMap((t) => reachable(t, seen))];
}

/** The JSON keys under which each element of a type can appear (`valueQuantity`, `_birthDate`, …), in type order. */
function planOf(schema: InternalTypeSchema): readonly Plan[] {
  let plan = plans.get(schema);
  if (!plan) {
    plan = Object.entries(schema.elements).map(([key, element]) => {
      const choice = key.endsWith('[x]');
      const name = choice ? key.slice(0, -3) : key;
      const candidates = element.type.map((t) => {
        const json = choice ? name + (t.code[0]?.toUpperCase() ?? '') + t.code.slice(1) : name;
        return { key: json, ext: `_${json}`, code: t.code };
      });
      return { key, element, candidates };
    });
    plans.set(schema, plan);
  }
  return plan;
}

type Found = TypedValueWithPath | TypedValueWithPath[];

/**
 * Medplum's getTypedPropertyValueWithPath for an element known to be present: the value (or values) with their
 * types and paths. A primitive with a `_` sibling takes Medplum's own function, which merges the two.
 */
function presentValue(obj: TypedValueWithPath, key: string, element: InternalSchemaElement, c: Candidate): Found {
  const value =
    (obj.value as Record<string, unknown>)[c.ext] === undefined
      ? (obj.value as Record<string, unknown>)[c.key]
      : undefined;
  if (value === undefined) return getTypedPropertyValueWithPath(obj, key);
  const path = obj.path ? `${obj.path}.${key}` : key;
  if (isEmpty(value)) return { type: 'undefined', value: undefined, path };
  const code = c.code === 'Element' || c.code === 'BackboneElement' ? (element.type[0]?.code ?? c.code) : c.code;
  const typed = (v: unknown, at: string): TypedValueWithPath => ({
    type: code === 'Resource' && isResource(v) ? v.resourceType : code,
    value: v,
    path: at,
  });
  return Array.isArray(value) ? value.map((v, i) => typed(v, `${path}[${i}]`)) : typed(value, path);
}

function innerType(schema: InternalTypeSchema, name: string): InternalTypeSchema {
  let byName = innerTypes.get(schema);
  if (!byName) {
    byName = new Map(schema.innerTypes.map((t) => [t.name, t]));
    innerTypes.set(schema, byName);
  }
  return byName.get(name) ?? getDataType(name);
}

class Walk {
  private readonly issues: OperationOutcomeIssue[] = [];
  private readonly resources: Resource[] = [];

  private readonly root: TypedValue;
  private readonly schema: InternalTypeSchema;
  private readonly tokens: Record<string, TypedValueWithPath[]>;

  constructor(root: TypedValue, schema: InternalTypeSchema, tokens: Record<string, TypedValueWithPath[]>) {
    this.root = root;
    this.schema = schema;
    this.tokens = tokens;
    if (isResource(root.value)) this.resources.push(root.value);
  }

  run(): OperationOutcomeIssue[] {
    nullIssues(this.root.value as Record<string, unknown>, this.schema.path, this.issues);
    const root = { ...this.root, path: this.schema.path };
    this.constraints(root, this.schema);
    this.object(root, this.schema, this.schema.path);
    return this.issues;
  }

  /** `path` is Medplum's crawl path: element names without indexes (`Observation.component.code`). */
  private object(obj: TypedValueWithPath, schema: InternalTypeSchema, path: string): void {
    const isRes = isResource(obj.value);
    if (isRes) this.resources.push(obj.value as Resource);
    const value = typeof obj.value === 'object' && obj.value !== null ? (obj.value as Record<string, unknown>) : {};
    for (const { key, element, candidates } of planOf(schema)) {
      const c = candidates.find((k) => value[k.key] !== undefined || value[k.ext] !== undefined);
      if (!c) {
        // What Medplum reports for an absent element: only that it is required.
        if (element.min > 0) this.issues.push(createStructureIssue(`${obj.path}.${key}`, 'Missing required property'));
        continue;
      }
      const found = presentValue(obj, key, element, c);
      this.property(element, found, `${path}.${key}`);
      for (const v of Array.isArray(found) ? found : [found]) {
        if (!isPrimitiveType(v.type)) this.object(v, innerType(schema, v.type), `${path}.${key}`);
      }
    }
    this.additionalProperties(obj, schema.elements);
    if (isRes) this.resources.pop();
  }

  private property(
    element: InternalSchemaElement,
    value: TypedValueWithPath | TypedValueWithPath[],
    path: string,
  ): void {
    if (!Array.isArray(value) && value.value === undefined) {
      if (element.min > 0) this.issues.push(createStructureIssue(value.path, 'Missing required property'));
      return;
    }
    if (isEmpty(value)) {
      this.issues.push(createStructureIssue(path, 'Invalid empty value'));
      return;
    }
    if (element.isArray !== Array.isArray(value)) {
      const text = element.isArray ? 'Expected array of values for property' : 'Expected single value for property';
      this.issues.push(createStructureIssue(path, text));
      return;
    }
    const values = Array.isArray(value) ? value : [value];
    if (values.length < element.min || values.length > element.max) {
      const max = Number.isFinite(element.max) ? element.max : '*';
      this.issues.push(
        createStructureIssue(
          element.path,
          `Invalid number of values: expected ${element.min}..${max}, but found ${values.length}`,
        ),
      );
    }
    for (const v of values) {
      this.constraints(v, element);
      if (isPrimitiveType(v.type)) {
        const extension = checkPrimitive(v, this.issues);
        if (extension) this.object({ ...extension, path: v.path }, getDataType('Element'), v.path);
      } else if (isEmpty(v.value)) this.issues.push(createStructureIssue(v.path, 'Invalid empty non-primitive value'));
      this.collect(v, element);
    }
  }

  private constraints(value: TypedValueWithPath, field: InternalTypeSchema | InternalSchemaElement): void {
    for (const constraint of field.constraints ?? []) {
      if (constraint.severity === 'error' && !skippedConstraintKeys.has(constraint.key)) {
        if (!this.holds(constraint, value)) {
          this.issues.push(createConstraintIssue(value.path, constraint));
          return;
        }
      }
    }
  }

  private holds(constraint: Constraint, value: TypedValueWithPath): boolean {
    const variables: Record<string, TypedValue> = { '%context': value, '%ucum': ucum };
    const resource = this.resources.at(-1);
    if (resource) variables['%resource'] = toTypedValue(resource);
    if (isResource(this.root.value)) variables['%rootResource'] = this.root;
    try {
      const result = evalFhirPathTyped(constraint.expression, [value], variables, fhirPathCache);
      return result.length === 1 && result[0]?.value === true;
    } catch (e) {
      this.issues.push(
        createProcessingIssue(value.path, 'Error evaluating invariant expression', e as Error, {
          fhirpath: constraint.expression,
        }),
      );
      return false;
    }
  }

  /** Coded values under required bindings, for bindings.ts (Medplum's `collect.tokens`). */
  private collect(value: TypedValueWithPath, element: InternalSchemaElement): void {
    const url = element.binding?.strength === 'required' ? element.binding.valueSet : undefined;
    if (!url || !terminologyTypes.has(value.type)) return;
    let list = this.tokens[url];
    if (!list) {
      for (const key of Object.keys(this.tokens)) if (key.startsWith(`${url}|`)) list = this.tokens[key];
    }
    if (list?.some((t) => t.path === value.path)) return;
    this.tokens[url] = [...(list ?? []), value];
  }

  private additionalProperties(parent: TypedValueWithPath, elements: Record<string, InternalSchemaElement>): void {
    const object = parent.value as Record<string, unknown> | undefined;
    if (!object) return;
    for (const key of Object.keys(object)) {
      if (key === 'resourceType' || key in elements || (key.startsWith('_') && key.slice(1) in elements)) continue;
      if (isChoiceKey(parent, key, elements)) continue;
      if (object[key] !== undefined)
        this.issues.push(createStructureIssue(`${parent.path}.${key}`, `Invalid additional property "${key}"`));
    }
  }
}

const terminologyTypes = new Set(['CodeableConcept', 'Coding', 'code', 'Quantity', 'string', 'uri']);

/** Medplum's isChoiceOfType: `valueQuantity` names `value[x]` when the object holds a value for it. */
function isChoiceKey(parent: TypedValue, key: string, elements: Record<string, InternalSchemaElement>): boolean {
  const bare = key.startsWith('_') ? key.slice(1) : key;
  let candidate = '';
  for (const part of bare.split(/(?=[A-Z])/g)) {
    candidate += part;
    if (elements[`${candidate}[x]`]) return Boolean(getTypedPropertyValue(parent, candidate));
  }
  return false;
}
