/**
 * fast-check arbitraries for the route fuzzer: values drawn from an operation's JSON Schema (OpenAPI 3.1, as the app
 * generates it), nudged towards the seeded data by field name, and hostile values to put anywhere.
 */
import fc from 'fast-check';
import { SEED_DATE } from './fuzz-seed.js';

type Json = Record<string, any>;

/** Dates and instants outside the supported range (1900-01-01 .. 9999-12-31), and at its edges: never a 500. */
const rangeDates = ['0000-01-01', '0001-01-01', '1899-12-31', '1900-01-01', '9999-12-31', '10000-01-01', '-000001-01-01'];
const rangeInstants = [
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '1900-01-01T00:30:00+01:00', '1900-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-05:00', '+010000-01-01T00:00:00Z',
];

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 });

/** Strings that have broken parsers, databases and loggers before. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '\u202Eevil\u202C', '\u200B', '\u200D\u200C', '\uFEFF', '\u0301', '\r\n', '\t', '%', '%00', '%E0%A4%A',
    "' OR 1=1 --", '"; DROP TABLE reservations; --', '\\', '\\u0000', '../../etc/passwd', '<script>alert(1)</script>', '${jndi:ldap://x}',
    '{{7*7}}', '__proto__', 'constructor', 'prototype', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e400', '0x10', 'true',
    '2026-02-30', '2026-13-01', '0000-00-00', ...rangeDates, ...rangeInstants, '2026-3-3', '2026-03-29T02:30', '24:00', '23:60', '-01:00', '99:99',
    'ﷺ', '𝕏', '👨‍👩‍👧‍👦', 'é'.normalize('NFD'), 'İ', 'ß', 'ǅ', 'עברית', 'العربية', '中文', 'mtr_live_abcdefgh_x', 'whsec_AAAA',
  ),
  loneSurrogates,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer({ min: 200, max: 5000 }).map((n) => 'x'.repeat(n)),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 1.5, -1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e308, -1e308, 5e-324, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A hostile JSON value of any type (no undefined: it must survive JSON.stringify). */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}, [null], { '': '' }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'), fc.jsonValue({ maxDepth: 2 })) },
);

const dates = fc.constantFrom(...rangeDates, SEED_DATE, '2026-03-02', '2026-03-04', '2026-03-05', '2026-03-07', '2026-03-14', '2026-03-29', '2026-04-30', '2026-02-30', '2025-01-01', '2027-12-31');
const times = fc.constantFrom('12:00', '12:15', '13:30', '19:00', '19:30', '20:00', '21:30', '23:45', '00:00', '24:00', '9:00');

/** Realistic values for fields the engine cares about, so that some requests get past validation into the data. */
function hinted(name: string, ids: Record<string, string[]>): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'date': case 'from': case 'to': return dates;
    case 'time': case 'start': case 'end': case 'lastSeating': return times;
    case 'partySize': return fc.integer({ min: 0, max: 12 });
    case 'email': return fc.constantFrom('ada@example.com', 'guest@example.com', 'not-an-email', '+33 6 12 34 56 78');
    case 'contact': return fc.constantFrom(...(ids.contact ?? []), 'ada@example.com', '+33 6 12 34 56 78');
    case 'phone': return fc.constantFrom('+33 6 12 34 56 78', '+1 212 555 0100', '0612345678', '+');
    case 'reference': return fc.constantFrom(...(ids.reference ?? []), ...(ids.reservation?.filter((r) => !r.startsWith('res_')) ?? []), 'AAA-AAAA');
    case 'eventId': return fc.constantFrom(...(ids.event ?? ['exp_x']));
    case 'endpointId': return fc.constantFrom(...(ids.webhook ?? ['whe_x']));
    case 'customerId': return fc.constantFrom(...(ids.customer ?? ['cus_x']));
    case 'area': return fc.constantFrom('main', 'terrace', 'nowhere');
    case 'url': return fc.constantFrom('http://127.0.0.1:9/hook', 'https://example.com/hook', 'ftp://x', 'http://169.254.169.254/', 'javascript:alert(1)');
    case 'status': return fc.constantFrom('confirmed', 'seated', 'completed', 'cancelled', 'no_show', 'waiting', 'offered', 'pending', 'dead');
    case 'limit': return fc.integer({ min: -2, max: 120 });
    default: return undefined;
  }
}

export interface ValueOptions {
  /** Seeded ids by kind, for hinted fields. */
  ids: Record<string, string[]>;
  /** Nesting depth reached so far (schemas deeper than 8 levels yield null). */
  depth?: number;
}

const resolveRef = (schema: Json, doc: Json): Json =>
  typeof schema?.$ref === 'string' ? schema.$ref.slice(2).split('/').reduce((o: Json, p: string) => o?.[p], doc) : schema;

/** An arbitrary of values that (mostly) match `schema`; `name` is the property it fills (for hints). */
export function fromSchema(schemaIn: Json | undefined, doc: Json, opts: ValueOptions, name = ''): fc.Arbitrary<unknown> {
  const schema = resolveRef(schemaIn ?? {}, doc);
  const depth = opts.depth ?? 0;
  const hint = hinted(name, opts.ids);
  const base = fromSchemaBase(schema, doc, { ...opts, depth: depth + 1 }, name);
  return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: base }) : base;
}

function fromSchemaBase(schema: Json, doc: Json, opts: ValueOptions, name: string): fc.Arbitrary<unknown> {
  if (opts.depth! > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.examples) && schema.examples.length && typeof schema.examples[0] !== 'object') {
    return fc.oneof(fc.constantFrom(...schema.examples), fromSchemaBase({ ...schema, examples: undefined }, doc, opts, name));
  }
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts)) return fc.oneof(...alts.map((s: Json) => fromSchema(s, doc, opts, name)));
  if (Array.isArray(schema.allOf)) return fromSchema(schema.allOf[0], doc, opts, name);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => fromSchemaBase({ ...schema, type }, doc, opts, name)));
  switch (types[0]) {
    case 'null': return fc.constant(null);
    case 'boolean': return fc.boolean();
    case 'integer': return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case 'number': return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'string': return stringOf(schema);
    case 'array': {
      const item = fromSchema(schema.items ?? {}, doc, opts, name);
      return fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    }
    case 'object': return objectOf(schema, doc, opts);
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * String arbitraries depend only on their schema: one per schema for the whole run. (Building one is costly — fast-check
 * tokenizes its edge-case strings with it — and the fuzzer rebuilds every operation's arbitraries when it re-seeds.)
 */
const strings = new Map<string, fc.Arbitrary<string>>();

function stringOf(schema: Json): fc.Arbitrary<string> {
  const key = JSON.stringify([schema.minLength, schema.maxLength, schema.pattern, schema.format]);
  let arbitrary = strings.get(key);
  if (!arbitrary) {
    arbitrary = makeStringOf(schema);
    strings.set(key, arbitrary);
  }
  return arbitrary;
}

function makeStringOf(schema: Json): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 40, 60);
  const min = Math.min(schema.minLength ?? 0, max);
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
    } catch {
      /* a pattern JS cannot compile: fall through */
    }
  }
  switch (schema.format) {
    case 'email': return fc.emailAddress();
    case 'uri': case 'url': return fc.webUrl();
    case 'date-time':
      return fc.oneof(
        { weight: 3, arbitrary: fc.date({ min: new Date('2025-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) },
        { weight: 1, arbitrary: fc.constantFrom(...rangeInstants) },
      );
    case 'date': return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(SEED_DATE, '2026-03-04') }, { weight: 1, arbitrary: fc.constantFrom(...rangeDates) });
  }
  return fc.string({ minLength: min, maxLength: max });
}

const anyObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });

function objectOf(schema: Json, doc: Json, opts: ValueOptions): fc.Arbitrary<Record<string, unknown>> {
  const props: Record<string, Json> = schema.properties ?? {};
  const required = new Set<string>(schema.required ?? []);
  const entries = Object.entries(props);
  if (!entries.length) return anyObject;
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, s] of entries) record[k] = fromSchema(s, doc, opts, k);
  return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
}

/** Replaces the value at a random path of `value` by `replacement` (or adds a key when it lands on an object). */
export function mutateAt(value: unknown, pathSeed: number, replacement: unknown, extraKey?: string): unknown {
  if (value === null || typeof value !== 'object') return replacement;
  const clone = structuredClone(value) as Record<string, unknown> | unknown[];
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown) => {
    if (v && typeof v === 'object') {
      containers.push(v as Record<string, unknown>);
      for (const c of Object.values(v)) walk(c);
    }
  };
  walk(clone);
  const target = containers[pathSeed % containers.length]!;
  const keys = Object.keys(target);
  if (extraKey !== undefined || !keys.length) {
    Object.defineProperty(target, extraKey ?? 'extra', { value: replacement, enumerable: true, writable: true, configurable: true });
  } else {
    (target as Record<string, unknown>)[keys[pathSeed % keys.length]!] = replacement;
  }
  return clone;
}
