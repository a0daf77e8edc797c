import fc from 'fast-check';
import { resourceTypes } from '../src/platform/store/index.ts';

/** URLs cannot carry lone surrogates: make the string well formed before percent-encoding it. */
const enc = (s: string) => encodeURIComponent(s.toWellFormed());
/** A path segment (or `Type/id`) percent-encoded, keeping its slashes. */
export const pathPart = (s: string) => enc(s).replace(/%2F/g, '/');

/**
 * fast-check generators for FHIR-shaped input, from valid resources to junk: `known` yields ids that exist on the
 * server under test, so references, updates and compartments sometimes hit real resources.
 */
export function fhirArbitraries(known: fc.Arbitrary<string>) {
  const nasty = [
    '\u0000',
    '\ud800',
    '\udfff',
    '\u202e',
    '\ufeff',
    '%',
    '%00',
    '|',
    ',',
    '\\',
    '$',
    '"',
    "'",
    '<',
    '&',
    '\n',
    'é',
    'Ω',
    '🙂',
    ' ',
  ];
  const text = fc.string({
    unit: fc.oneof(
      fc.constantFrom(...nasty),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.constantFrom('a', 'Z', '0', '-', '.'),
    ),
    maxLength: 24,
  });
  const huge = fc.constantFrom('x'.repeat(70_000), 'é'.repeat(20_000), '🙂'.repeat(10_000));
  const number = fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 2 ** 53 + 1),
  );
  const dateLike = fc.oneof(
    fc.constantFrom(
      '2026',
      '2026-02',
      '2026-02-28',
      '2026-02-30',
      '2026-13-01',
      '0000-01-01',
      '9999-12-31T23:59:59Z',
      '2026-03-10T23:30:00-05:00',
      '2026-03-10T25:00:00Z',
      'today',
      '',
    ),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  );
  const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null), dateLike);

  const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(
        fc.oneof(
          text,
          fc.constantFrom('reference', 'system', 'code', 'value', 'url', 'id', 'extension', 'resourceType'),
        ),
        tie('value'),
        { maxKeys: 4 },
      ),
    ),
  })).value;

  const reference = fc.oneof(
    fc.constantFrom('Patient/', '#x', 'urn:uuid:abc', 'http://example.org/fhir/Patient/1', 'Patient?identifier=a|b'),
    text,
    known.map((id) => `Patient/${id}`),
  );

  /** Plausible FHIR elements (right and wrong types) plus arbitrary junk keys. */
  const element = fc.oneof(
    fc.record({
      key: fc.constantFrom('name'),
      value: fc.oneof(
        fc.array(
          fc.record({ family: fc.oneof(text, huge), given: fc.array(text, { maxLength: 2 }) }, { requiredKeys: [] }),
          { maxLength: 2 },
        ),
        junk,
      ),
    }),
    fc.record({
      key: fc.constantFrom('birthDate', 'effectiveDateTime', 'authoredOn', 'date', 'issued'),
      value: fc.oneof(dateLike, junk),
    }),
    fc.record({
      key: fc.constantFrom('gender', 'status', 'intent', 'active'),
      value: fc.oneof(fc.constantFrom('male', 'final', 'order', 'requested', true), scalar),
    }),
    fc.record({
      key: fc.constantFrom('identifier'),
      value: fc.array(fc.record({ system: text, value: text }, { requiredKeys: [] }), { maxLength: 2 }),
    }),
    fc.record({
      key: fc.constantFrom('subject', 'for', 'patient', 'managingOrganization', 'encounter'),
      value: fc.oneof(fc.record({ reference }), junk),
    }),
    fc.record({
      key: fc.constantFrom('code'),
      value: fc.oneof(
        fc.record(
          { text, coding: fc.array(fc.record({ system: text, code: text }, { requiredKeys: [] }), { maxLength: 2 }) },
          { requiredKeys: [] },
        ),
        junk,
      ),
    }),
    fc.record({
      key: fc.constantFrom('valueQuantity'),
      value: fc.record({ value: number, unit: text, system: text, code: text }, { requiredKeys: [] }),
    }),
    fc.record({
      key: fc.constantFrom('prediction'),
      value: fc.array(fc.record({ probabilityDecimal: number }), { maxLength: 2 }),
    }),
    fc.record({ key: fc.constantFrom('meta', 'text', 'extension', 'contained', 'id'), value: junk }),
    fc.record({ key: text, value: junk }),
  );

  const typeName = fc.oneof(
    fc.constantFrom(...resourceTypes),
    fc.constantFrom('Patient', 'Observation', 'Task', 'RiskAssessment'),
    fc.constantFrom('Nonsense', 'patient', 'Bundle', 'OperationOutcome', 'StructureDefinition', '', 'Patient/1'),
    text,
  );

  const junkResource = fc
    .record({ resourceType: fc.oneof(typeName, scalar), elements: fc.array(element, { maxLength: 6 }) })
    .map(({ resourceType, elements }) => {
      const out: Record<string, unknown> = { resourceType };
      for (const { key, value } of elements) out[key] = value;
      return out;
    });

  // Valid resources with arbitrary (well-formed) content, so that writes also succeed and exercise the index.
  const goodText = fc
    .string({
      unit: fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        fc.constantFrom('%', '_', ',', '\\', '|', '$', "'", 'é', 'Ω', '🙂'),
      ),
      minLength: 1,
      maxLength: 30,
    })
    .filter((s) => s.trim() === s && s.length > 0 && ![...s].some((c) => c.charCodeAt(0) < 32 || c === '\u007f'));
  const goodDate = fc
    .date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString());
  const goodNumber = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
    fc.integer(),
    fc.constantFrom(0, 1e-300, 123456789.123456),
  );
  const ref = known.map((id) => ({ reference: `Patient/${id}` }));
  const validResource = fc.oneof(
    fc.record(
      {
        resourceType: fc.constant('Patient'),
        name: fc.array(
          fc.record({ family: fc.oneof(goodText, huge), given: fc.array(goodText, { minLength: 1, maxLength: 2 }) }),
          { minLength: 1, maxLength: 2 },
        ),
        birthDate: goodDate.map((d) => d.slice(0, fc.sample(fc.constantFrom(4, 7, 10), 1)[0])),
        gender: fc.constantFrom('male', 'female', 'other', 'unknown'),
        identifier: fc.array(
          fc.record({ system: fc.constantFrom('urn:mrn', 'http://example.org/ids'), value: goodText }),
          { minLength: 1, maxLength: 2 },
        ),
        active: fc.boolean(),
      },
      { requiredKeys: ['resourceType'] },
    ),
    fc.record(
      {
        resourceType: fc.constant('Observation'),
        status: fc.constantFrom('final', 'preliminary', 'amended'),
        code: fc.record({
          coding: fc.array(
            fc.record({ system: fc.constant('http://loinc.org'), code: fc.stringMatching(/^[0-9]{1,5}-[0-9]$/) }),
            { maxLength: 2 },
          ),
          text: goodText,
        }),
        subject: ref,
        effectiveDateTime: goodDate,
        valueQuantity: fc.record({
          value: goodNumber,
          unit: goodText,
          system: fc.constant('http://unitsofmeasure.org'),
          code: fc.constantFrom('mg', 'kg', 'mm[Hg]'),
        }),
      },
      { requiredKeys: ['resourceType', 'status', 'code'] },
    ),
    fc.record(
      {
        resourceType: fc.constant('Task'),
        status: fc.constantFrom('requested', 'accepted'),
        intent: fc.constant('order'),
        for: ref,
        description: fc.oneof(goodText, huge),
        authoredOn: goodDate,
      },
      { requiredKeys: ['resourceType', 'status', 'intent'] },
    ),
    fc.record(
      {
        resourceType: fc.constant('RiskAssessment'),
        status: fc.constant('final'),
        subject: ref,
        prediction: fc.array(fc.record({ probabilityDecimal: fc.double({ min: 0, max: 1, noNaN: true }) }), {
          maxLength: 3,
        }),
      },
      { requiredKeys: ['resourceType', 'status', 'subject'] },
    ),
  );

  /** A valid resource, sometimes with one element replaced by junk or removed: mostly-right input finds more bugs. */
  const resourceLike = fc.oneof(
    { arbitrary: validResource, weight: 3 },
    { arbitrary: fc.tuple(validResource, element).map(([r, { key, value }]) => ({ ...r, [key]: value })), weight: 2 },
    {
      arbitrary: fc
        .tuple(validResource, fc.nat())
        .map(([r, i]) => Object.fromEntries(Object.entries(r).filter((_, j) => j === 0 || j !== 1 + (i % 6)))),
      weight: 1,
    },
    { arbitrary: junkResource, weight: 2 },
  );

  const idLike = fc.oneof(known, fc.constantFrom('client-1', 'x'.repeat(64), 'x'.repeat(65), 'a.b-c'), text);

  const names = fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('name', 'family', 'name', 'birthdate', 'gender', 'identifier', 'subject', 'code', 'date'),
    fc.constantFrom(
      'name',
      'family',
      'birthdate',
      'gender',
      'identifier',
      'subject',
      'patient',
      'code',
      'date',
      'value-quantity',
      'probability',
      'url',
      'status',
    ),
    fc.constantFrom(
      '_id',
      '_lastUpdated',
      '_count',
      '_offset',
      '_sort',
      '_total',
      '_summary',
      '_elements',
      '_include',
      '_revinclude',
      '_include:iterate',
      '_type',
      '_since',
      '_format',
    ),
    fc.constantFrom(
      'subject:Patient.name',
      'subject.birthdate',
      'patient.organization.name',
      '_has:Observation:subject:code',
      '_has:Observation:patient:_id',
      '_has:Nope:x:y',
    ),
    text,
  );
  const modifier = fc.oneof(
    fc.constant(''),
    fc.constant(''),
    fc.constant(''),
    fc.constantFrom(
      ':exact',
      ':contains',
      ':missing',
      ':not',
      ':text',
      ':below',
      ':above',
      ':Patient',
      ':Group',
      ':iterate',
      ':',
    ),
    text.map((s) => `:${s}`),
  );
  const value = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap', 'zz'),
        fc.oneof(dateLike, number.map(String), text),
      )
      .map(([p, v]) => p + v),
    fc.constantFrom(
      'true',
      'false',
      'a|b',
      '|b',
      'a|',
      '|',
      'Patient/x',
      'Observation:subject',
      'Observation:subject:Patient',
      '-name,birthdate',
      'count',
      '5.4|http://unitsofmeasure.org|mg',
      '0',
      '1001',
      '-1',
    ),
    known,
    text,
  );
  const rawEncoding = fc.constantFrom(
    '%',
    '%zz',
    '%E0%A4%A',
    '%C0%AF',
    '%00',
    '%ED%A0%80',
    '+',
    '&&',
    '==',
    '%26',
    '%3D',
  );
  const pair = fc
    .tuple(names, modifier, value, fc.option(rawEncoding))
    .map(([n, m, v, raw]) => `${enc(n + m).replace(/%3A/g, ':')}=${enc(v)}${raw ?? ''}`);
  const query = fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => pairs.join('&'));
  const target = fc.oneof(
    fc.constantFrom('Patient', 'Observation', 'Patient', 'Observation'),
    fc.constantFrom(
      'Patient',
      'Observation',
      'Task',
      'RiskAssessment',
      'Questionnaire',
      '',
      '_history',
      'Patient/_history',
    ),
    known.map((id) => `Patient/${id}/*`),
    known.map((id) => `Patient/${id}/$everything`),
    known.map((id) => `Patient/${id}/Observation`),
    fc.constantFrom(...resourceTypes),
    text.map(pathPart),
  );

  return {
    text,
    huge,
    junk,
    element,
    typeName,
    validResource,
    resourceLike,
    idLike,
    goodText,
    goodDate,
    query,
    target,
  };
}
