import fc from 'fast-check';

/** The part of an OpenAPI 3 schema object the hub's DTOs produce (via @nestjs/swagger). */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  example?: unknown;
}

export type Components = Record<string, JsonSchema>;

/** The schema a `$ref`, `allOf` or `oneOf` stands for (of a oneOf, the DTO: the alternative that is a `$ref`). */
export function resolve(schema: JsonSchema, components: Components): JsonSchema {
  if (schema.$ref) return resolve(components[schema.$ref.split('/').pop()!] ?? {}, components);
  if (schema.allOf?.length) return resolve(schema.allOf[0]!, components);
  if (schema.oneOf?.length) return resolve(schema.oneOf.find((s) => s.$ref) ?? schema.oneOf[0]!, components);
  return schema;
}

/** Text that has broken servers: NUL, lone surrogates, control and bidi characters, SQL, script, format strings. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\uffff\ufffe',
  '\u202e\u200b\u0007\u001b[31m',
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(10)',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '%s%s%s%n',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '9'.repeat(400),
  '2026-13-45T99:99:99Z',
  '0000-00-00',
  '王小明\u0000',
];

const NASTY_NUMBERS = [
  0,
  -1,
  -0,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 31,
  2 ** 63,
  1e-320,
];

/** Any JSON value at all, including ones that are no DTO's. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...NASTY_NUMBERS),
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.constantFrom(...NASTY_STRINGS), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY_STRINGS), { maxKeys: 4 }),
);

/** An object nested `depth` levels deep ({"a":{"a":…}}) or an array likewise. */
export const deeplyNested = (depth: number, asArray: boolean): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
};

/**
 * Values that break size assumptions: long strings, long arrays, deep nesting (all under the 1 MB body limit; deeper
 * than 1000 levels JSON.stringify itself runs out of stack in the test).
 */
const oversize: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(10_000, 200_000).map((n) => 'x'.repeat(n)),
  fc.constant('\u0000'.repeat(5000)),
  fc.constant('汉'.repeat(50_000)),
  fc.constant(Array.from({ length: 20_000 }, (_, i) => i)),
  fc.constant(Array.from({ length: 5_000 }, () => 'a'.repeat(20))),
  fc.constantFrom(50, 300, 1000).chain((depth) => fc.boolean().map((asArray) => deeplyNested(depth, asArray))),
);

const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A value the schema allows, or would if the server knew nothing more than the schema (formats, enums, bounds). */
export function validValue(schema: JsonSchema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string': {
      if (s.format === 'uuid') return fc.uuid();
      if (s.format === 'date-time') return isoDate;
      const strings = fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 60) });
      return typeof s.example === 'string' ? fc.oneof(fc.constant(s.example), strings) : strings;
    }
    case 'number':
    case 'integer':
      return fc.integer({ min: Math.ceil(s.minimum ?? -10), max: Math.floor(s.maximum ?? 10_000) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(validValue(s.items ?? {}, components, depth + 1), { maxLength: 3 });
    case 'object':
    case undefined: {
      if (!s.properties) return typeof s.example === 'string' ? fc.constant(s.example) : fc.constant({});
      if (depth > 3) return fc.constant({});
      const props = Object.fromEntries(
        Object.entries(s.properties).map(([k, v]) => [k, validValue(v, components, depth + 1)]),
      );
      return fc.record(props, { requiredKeys: s.required ?? [] });
    }
    default:
      return anyJson;
  }
}

/** A value of the wrong JSON type for this schema. */
function wrongType(schema: JsonSchema, components: Components): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const candidates: fc.Arbitrary<unknown>[] = [fc.constant(null)];
  if (s.type !== 'string') candidates.push(fc.constantFrom(...NASTY_STRINGS));
  if (s.type !== 'number' && s.type !== 'integer') candidates.push(fc.constantFrom(...NASTY_NUMBERS));
  if (s.type !== 'boolean') candidates.push(fc.boolean());
  if (s.type !== 'array') candidates.push(fc.constant([]), fc.array(anyJson, { maxLength: 3 }));
  if (s.type !== 'object' || !s.properties) candidates.push(fc.constant({}), fc.constant({ $gt: '' }));
  return fc.oneof(...candidates);
}

/** A value of the right type that is hostile: nasty text, extreme numbers, oversize, nested hostility. */
function hostileOfType(schema: JsonSchema, components: Components): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  switch (s.type) {
    case 'string':
      return fc.oneof(
        fc.constantFrom(...NASTY_STRINGS),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
      );
    case 'number':
    case 'integer':
      return fc.oneof(fc.constantFrom(...NASTY_NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'array':
      return fc.array(fc.oneof(hostileOfType(s.items ?? {}, components), anyJson), { minLength: 1, maxLength: 4 });
    default:
      return s.properties ? hostileBody(s, components) : anyJson;
  }
}

/**
 * Bodies that violate the schema, one or more ways at a time: wrong types, missing required fields, unknown
 * properties, oversize values, nasty text and numbers, or no object at all; and (one in eight) a valid-looking body.
 */
export function hostileBody(schema: JsonSchema, components: Components): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const props = Object.entries(s.properties ?? {});
  const base = validValue(s, components) as fc.Arbitrary<Record<string, unknown>>;
  const mutation: fc.Arbitrary<(body: Record<string, unknown>) => void>[] = [
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), anyJson).map(([k, v]) => (body) => {
      if (!(k in (s.properties ?? {}))) body[k] = v;
    }),
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => (body) => {
      Object.defineProperty(body, k, {
        value: { polluted: true },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }),
  ];
  if (props.length > 0) {
    const pick = fc.constantFrom(...props);
    mutation.push(
      pick.chain(([k, v]) => wrongType(v, components).map((bad) => (body) => void (body[k] = bad))),
      pick.chain(([k, v]) => hostileOfType(v, components).map((bad) => (body) => void (body[k] = bad))),
      pick.chain(([k]) => oversize.map((big) => (body) => void (body[k] = big))),
    );
  }
  if (s.required?.length) {
    mutation.push(fc.constantFrom(...s.required).map((k) => (body) => void delete body[k]));
  }
  const mutated = fc.tuple(base, fc.array(fc.oneof(...mutation), { minLength: 1, maxLength: 3 })).map(([b, ms]) => {
    const body = { ...b };
    for (const m of ms) m(body);
    return body as unknown;
  });
  return fc.oneof(
    { weight: 12, arbitrary: mutated },
    { weight: 2, arbitrary: base },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: oversize },
  );
}

/** The values every field of a type gets in turn in the systematic cases: the few that break most servers. */
const SYSTEMATIC_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  "'; DROP TABLE users; --",
  '<script>x</script>',
  'x'.repeat(200_000),
];
const SYSTEMATIC_NUMBERS = [1e308, -1, Number.MAX_SAFE_INTEGER + 2];

/** `body` with every value of this type (at any depth) replaced by `value`. */
function replaceAll(body: unknown, schema: JsonSchema, components: Components, type: string, value: unknown): unknown {
  const s = resolve(schema, components);
  if (s.type === type || (type === 'number' && s.type === 'integer')) return value;
  if (Array.isArray(body)) return body.map((item) => replaceAll(item, s.items ?? {}, components, type, value));
  if (body !== null && typeof body === 'object' && s.properties) {
    return Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, replaceAll(v, s.properties![k] ?? {}, components, type, value)]),
    );
  }
  return body;
}

/**
 * Systematic cases beside the random ones: a valid-looking body (with every optional field) whose every string holds
 * one of the breaking strings, or whose every number one of the breaking numbers.
 */
export function systematicBodies(schema: JsonSchema, components: Components, seed: number): unknown[] {
  const s = resolve(schema, components);
  const full = { ...s, required: Object.keys(s.properties ?? {}) };
  const [base] = fc.sample(validValue(full, components), { numRuns: 1, seed });
  return [
    ...SYSTEMATIC_STRINGS.map((v) => replaceAll(base, full, components, 'string', v)),
    ...SYSTEMATIC_NUMBERS.map((v) => replaceAll(base, full, components, 'number', v)),
  ];
}
