/**
 * Requests for the route fuzzer, drawn from the operations of the two OpenAPI documents: path, query, headers and
 * body each either plausible (from the operation's schemas and the seeded data) or hostile (malformed, oversized,
 * deeply nested, wrongly typed, unicode, prototype keys, odd headers and query strings).
 */
import fc from 'fast-check';
import type { SeededTenant } from './fuzz-seed.js';
import { fromSchema, hostileString, hostileValue, mutateAt } from './fuzz-values.js';
import { idKindOf, type IdKind } from './fuzz-seed.js';

type Json = Record<string, any>;

export interface Operation {
  kind: 'public' | 'admin';
  method: string;
  path: string;
  op: Json;
  doc: Json;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  payload?: string;
  remoteAddress: string;
  /** The operation it was drawn for (`GET /v1/...`), or `(unknown route)`. */
  operation: string;
  /** What was done to it, for the failure report. */
  tags: string[];
}

export function operationsOf(doc: Json, kind: 'public' | 'admin'): Operation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ kind, method: method.toUpperCase(), path, op: op as Json, doc })),
  );
}

/** Values for hinted fields: A's ids, and its newest booking's reference and contact (guest self-service). */
function hintsOf(world: FuzzWorld): Record<string, string[]> {
  return { ...world.a.ids, reference: [world.a.guest.reference], contact: [world.a.guest.contact] };
}

export interface FuzzWorld {
  a: SeededTenant;
  b: SeededTenant;
  /** Keys that are well-formed but not usable (revoked, unknown). */
  deadKeys: string[];
}

/** encodeURIComponent, except that a lone surrogate is sent as its (invalid) three UTF-8-style bytes, as a raw client could. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((ch) => {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
      return encodeURIComponent(ch);
    }).join('');
  }
}

/**
 * A path parameter: one of A's objects of the right kind (the newest one half the time: the newest endpoint and the
 * newest delivery belong together), one of B's, or a hostile string. Destructive operations never aim at the newest
 * object on purpose, so that the objects reads need stay around between re-seedings.
 */
function pathParam(world: FuzzWorld, path: string, name: string, destructive: boolean): fc.Arbitrary<{ value: string; tag?: string }> {
  const kind = idKindOf(path, name) as IdKind | undefined;
  const own = kind ? world.a.ids[kind] : [];
  const other = kind ? world.b.ids[kind] : [];
  const raw = (tag: string) => (v: string) => ({ value: v, tag });
  return fc.oneof(
    { weight: destructive ? 0 : 6, arbitrary: own.length ? fc.constant({ value: enc(own[own.length - 1]!) }) : fc.constant({ value: 'x' }) },
    { weight: 6, arbitrary: own.length ? fc.constantFrom(...own).map((v) => ({ value: enc(v) })) : fc.constant({ value: 'x' }) },
    { weight: 2, arbitrary: other.length ? fc.constantFrom(...other).map(raw('other-tenant-id')).map((o) => ({ ...o, value: enc(o.value) })) : fc.constant({ value: 'y' }) },
    { weight: 2, arbitrary: hostileString.filter((s) => s !== '').map((s) => ({ value: enc(s), tag: 'hostile-param' })) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%2F', '%2e%2e', '..', '%00', '%ZZ', '%E0%A4%A', '%C0%AF', 'a%20b', 'x'.repeat(201), 'res_' + 'a'.repeat(300)).map(raw('raw-param')) },
  );
}

const hostileQueryValue: fc.Arbitrary<{ raw: string }> = fc.oneof(
  fc.constantFrom('', '-1', '0', '1e400', '99999999999999999999', 'NaN', 'Infinity', '-Infinity', '2026-02-30', '2026-13-01', '0000-00-00',
    '2026-03-29', '1.5', 'true', '[]', '{}', 'null', '%', '%E0%A4%A', '%00', '+', '%2B1').map((v) => ({ raw: v })),
  hostileString.map((v) => ({ raw: enc(v) })),
);

type Part = { tags: string[] };
type QueryPart = Part & { qs: string };
type HeadersPart = Part & { headers: Record<string, string | string[]> };
type BodyPart = Part & { payload?: string };

/** Query strings from the operation's parameters: plausible values, sometimes repeated (an array where a scalar is expected). */
function plausibleQuery(world: FuzzWorld, o: Operation): fc.Arbitrary<QueryPart> {
  const params = ((o.op.parameters ?? []) as Json[]).filter((p) => p.in === 'query');
  const parts = fc.tuple(
    ...params.map((p) =>
      fc.option(
        fromSchema(p.schema, o.doc, { ids: hintsOf(world) }, p.name).map((v) => `${enc(p.name)}=${enc(String(v))}`),
        { freq: p.required ? 20 : 2, nil: '' },
      ),
    ),
  );
  return fc.oneof(
    { weight: 8, arbitrary: parts.map((q) => ({ qs: q.filter(Boolean).join('&'), tags: [] as string[] })) },
    { weight: 1, arbitrary: parts.map((q) => ({ qs: [...q, ...q].filter(Boolean).join('&'), tags: ['array-query'] })) },
  );
}

/** Plausible parameters plus hostile pairs: huge and negative numbers, NaN, impossible dates, bad percent-encoding, prototype names. */
function hostileQuery(world: FuzzWorld, o: Operation): fc.Arbitrary<QueryPart> {
  const names = ((o.op.parameters ?? []) as Json[]).filter((p) => p.in === 'query').map((p) => p.name as string);
  const bad = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...(names.length ? names : ['x'])), fc.constantFrom('__proto__', 'constructor', 'a[b]', '__proto__[x]', '', 'limit')), hostileQueryValue),
    { minLength: 1, maxLength: 4 },
  );
  return fc.tuple(plausibleQuery(world, o), bad).map(([q, pairs]) => ({
    qs: [q.qs, ...pairs.map(([k, v]) => `${enc(k)}=${v.raw}`)].filter(Boolean).join('&'), tags: [...q.tags, 'hostile-query'],
  }));
}

function deepNesting(depth: number, kind: 'array' | 'object' | 'mixed', closed: boolean): string {
  const open = kind === 'array' ? '[' : kind === 'object' ? '{"a":' : '[{"a":';
  const close = kind === 'array' ? ']' : kind === 'object' ? '}' : '}]';
  return open.repeat(depth) + '1' + (closed ? close.repeat(depth) : '');
}

const PROTO_BODIES = [
  '{"__proto__":{"isAdmin":true,"status":"seated"}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"__proto__":[],"a":1}',
  '{"date":"2026-03-03","time":"19:30","partySize":2,"customer":{"name":"P","__proto__":{"email":"x@example.com"}}}',
];

const MALFORMED = [
  '{', '}', '[', '{"a":}', '{"a" 1}', "{'a':1}", '{"a":1,}', '[1,]', 'NaN', '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', 'undefined',
  '\uFEFF{}', '{}garbage', '{} {}', '"\\ud800"', '"\\u00"', '{"a":"\u0000"}', '\u0000', 'nul', '-', '01', '1e99999', '"' + 'a'.repeat(100),
  '{"a":"\\x41"}', '//comment\n{}', '{"a":1}\u0000', '\x7f', '[\u2028]',
];

function validBody(world: FuzzWorld, o: Operation): fc.Arbitrary<unknown> {
  const media = o.op.requestBody?.content?.['application/json'];
  const examples = Object.values((media?.examples ?? {}) as Json).map((e: Json) => e.value);
  if (!media?.schema) return fc.constant({});
  return fc.oneof(
    { weight: 3, arbitrary: fromSchema(media.schema, o.doc, { ids: hintsOf(world) }) },
    { weight: examples.length ? 1 : 0, arbitrary: examples.length ? fc.constantFrom(...examples) : fc.constant({}) },
  );
}

/** Bodies that parse: schema-valid, mutated at a random spot (hostile values, prototype keys), wrongly typed. */
function parsedBody(world: FuzzWorld, o: Operation): fc.Arbitrary<BodyPart> {
  const valid = validBody(world, o);
  const json = (tags: string[]) => (v: unknown) => ({ payload: JSON.stringify(v), tags });
  return fc.oneof(
    { weight: 8, arbitrary: valid.map(json([])) },
    {
      weight: 6,
      arbitrary: fc.tuple(valid, fc.nat(), hostileValue, fc.option(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', ''), { freq: 3 }))
        .map(([v, at, bad, key]) => ({ payload: JSON.stringify(mutateAt(v, at, bad, key ?? undefined)), tags: ['mutated-body'] })),
    },
    { weight: 2, arbitrary: hostileValue.map(json(['wrong-type-body'])) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTO_BODIES).map((p) => ({ payload: p, tags: ['proto-body'] })) },
    { weight: 1, arbitrary: fc.constant<BodyPart>({ payload: undefined, tags: ['no-body'] }) },
  );
}

/** Bodies that must not parse or must not be read: malformed, truncated, deeply nested, oversized, empty. */
function brokenBody(world: FuzzWorld, o: Operation): fc.Arbitrary<BodyPart> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...MALFORMED).map((p) => ({ payload: p, tags: ['malformed-json'] })) },
    { weight: 2, arbitrary: fc.tuple(validBody(world, o), fc.nat()).map(([v, cut]) => { const s = JSON.stringify(v); return { payload: s.slice(0, cut % Math.max(1, s.length)), tags: ['truncated-json'] }; }) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(65, 1000, 10_000), fc.constantFrom('array', 'object', 'mixed') as fc.Arbitrary<'array' | 'object' | 'mixed'>, fc.boolean())
        .map(([d, k, closed]) => ({ payload: deepNesting(d, k, closed), tags: [`deep-${k}-${d}`] })),
    },
    { weight: 1, arbitrary: fc.constantFrom(64 * 1024 + 1, 100_000).map((n) => ({ payload: JSON.stringify({ name: 'x'.repeat(n) }), tags: ['oversized'] })) },
    { weight: 1, arbitrary: fc.constant<BodyPart>({ payload: '', tags: ['empty-body'] }) },
  );
}

const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16',
  'application/vnd.api+json', 'application/json;;;', 'APPLICATION/JSON', 'application/json ; charset=UTF-8', 'garbage', '', '*/*',
  'application/xml', 'application/json, text/plain', 'application/jsonx',
];

/** Credentials are placeholders, filled in when the request is sent (the fuzzer may have to renew them). */
export const A_KEY = '{{A_KEY}}';
export const B_KEY = '{{B_KEY}}';
export const A_SESSION = '{{A_SESSION}}';
export const B_SESSION = '{{B_SESSION}}';

const h = (headers: Record<string, string | string[]>, ...tags: string[]): HeadersPart => ({ headers, tags });

/** Credentials that pass: A's key (both headers) or A's owner session, and B's session (a non-member: 404). */
function validAuth(o: Operation): fc.Arbitrary<HeadersPart> {
  if (o.kind === 'admin') {
    return fc.oneof(
      { weight: 12, arbitrary: fc.constant(h({ cookie: `maitre_session=${A_SESSION}` })) },
      { weight: 1, arbitrary: fc.constant(h({ cookie: `maitre_session=${B_SESSION}` }, 'other-tenant-session')) },
      { weight: 1, arbitrary: fc.constant(h({ cookie: `maitre_session=${A_SESSION}; maitre_session=x; maitre_session=${B_SESSION}` }, 'dup-cookie')) },
    );
  }
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(h({ authorization: `Bearer ${A_KEY}` })) },
    { weight: 3, arbitrary: fc.constant(h({ 'x-api-key': A_KEY }, 'x-api-key')) },
    { weight: 1, arbitrary: fc.constant(h({ authorization: `Bearer ${A_KEY}`, 'x-api-key': A_KEY }, 'both-same')) },
    { weight: 1, arbitrary: fc.constant(h({ authorization: `Bearer ${B_KEY}` }, 'other-tenant-key')) },
  );
}

/** Credentials that must be refused before anything else happens. */
function badAuth(world: FuzzWorld, o: Operation): fc.Arbitrary<HeadersPart> {
  if (o.kind === 'admin') {
    return fc.oneof(
      fc.constant(h({}, 'no-session')),
      hostileString.map((s) => h({ cookie: `maitre_session=${enc(s)}` }, 'bad-session')),
      fc.constant(h({ cookie: 'maitre_session=%E0%A4%A; a=%; =; ;;' }, 'malformed-cookie')),
      fc.constant(h({ authorization: `Bearer ${A_KEY}` }, 'key-on-admin')),
    );
  }
  return fc.oneof(
    fc.constant(h({}, 'no-key')),
    fc.constant(h({ authorization: `Bearer ${A_KEY}`, 'x-api-key': B_KEY }, 'both-different')),
    fc.constant(h({ 'x-api-key': [A_KEY, A_KEY] }, 'dup-x-api-key')),
    fc.constant(h({ cookie: `maitre_session=${A_SESSION}` }, 'session-on-public')),
    fc.constantFrom(...world.deadKeys).map((k) => h({ authorization: `Bearer ${k}` }, 'dead-key')),
    fc.oneof(hostileString, fc.constantFrom('Bearer', 'Bearer ', 'Bearer  a b', 'Basic YWRtaW46YWRtaW4=', `bearer ${A_KEY}x`, `Bearer ${A_KEY}x`, `Bearer ${A_KEY}`.slice(0, -1)))
      .map((v) => h({ authorization: v.replace(/[\r\n\0]/g, '') }, 'bad-authorization')),
  );
}

const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 60 });

function extraHeaders(o: Operation, crossSite = false): fc.Arbitrary<HeadersPart> {
  const idem = fc.oneof(
    fc.constantFrom('fz-1', 'fz-2', 'fz-3', '', ' ', 'x'.repeat(255), 'x'.repeat(256), 'ключ', 'a\tb', '\u007f'),
    fc.uuid(),
  );
  // Cross-site origins are refused by the admin API before its session is read (csrf_failed): kept for the surface.
  const origin = crossSite
    ? fc.constantFrom('https://evil.example', 'null', 'file://', 'http://localhost:80.evil.example', 'garbage')
    : fc.constantFrom('http://localhost:80', 'http://localhost', ...(o.kind === 'public' ? ['https://evil.example', 'null', ''] : []));
  return fc.record(
    {
      idempotency: fc.option(idem, { freq: 3 }),
      origin: crossSite ? origin : fc.option(origin, { freq: 6 }),
      requestId: fc.option(fc.oneof(latin1, fc.constantFrom('abc', 'x'.repeat(500), 'ok-id_1.2:3@4/5')), { freq: 6 }),
      huge: fc.option(fc.constantFrom(8 * 1024, 64 * 1024), { freq: 15 }),
      junk: fc.option(fc.dictionary(fc.constantFrom('x-forwarded-for', 'accept', 'accept-encoding', 'x-fuzz', 'if-none-match', 'range', 'expect', 'transfer-encoding-x', 'forwarded'), latin1, { maxKeys: 3 }), { freq: 5 }),
    },
    { requiredKeys: [] },
  ).map((r) => {
    const headers: Record<string, string | string[]> = {};
    const tags: string[] = [];
    if (r.idempotency != null && o.method === 'POST') { headers['idempotency-key'] = r.idempotency; tags.push('idempotency-key'); }
    if (r.origin != null) { headers.origin = r.origin; tags.push('origin'); }
    if (r.requestId != null) { headers['x-request-id'] = r.requestId; tags.push('x-request-id'); }
    if (r.huge != null) { headers['x-huge'] = 'h'.repeat(r.huge); tags.push(`huge-header-${r.huge}`); }
    if (r.junk != null) { Object.assign(headers, r.junk); tags.push('junk-headers'); }
    return { headers, tags };
  });
}

const ip = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
  fc.constantFrom('127.0.0.1', '::1', '10.0.0.1'),
);

export type Depth = 'deep' | 'surface';

/**
 * One request for operation `o`.
 * - `deep`: valid credentials, a JSON body that parses, plausible or hostile ids, query and fields: these reach the
 *   handlers and the database (seeded ids, realistic dates), where hostile strings meet SQL.
 * - `surface`: refused before the database by construction — bad credentials, bodies that do not parse or are not
 *   JSON, hostile query values on the public API, cross-site or non-JSON state changes on the admin API, odd
 *   methods. Cheap, so the fuzzer can send many; every layer in front of the handlers sees them.
 */
export function requestFor(world: FuzzWorld, o: Operation, depth: Depth): fc.Arbitrary<FuzzRequest> {
  const params = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const destructive = o.method === 'DELETE' || /\/(erase|revoke|rotate|roll-secret)$/.test(o.path);
  const path = fc.tuple(...params.map((p) => pathParam(world, o.path, p, destructive))).map((values) => {
    let url = o.path;
    const tags: string[] = [];
    params.forEach((p, i) => {
      url = url.replace(`{${p}}`, values[i]!.value);
      if (values[i]!.tag) tags.push(values[i]!.tag!);
    });
    return { url, tags };
  });
  const json = fc.constantFrom('application/json', 'application/json; charset=utf-8');
  const oddType = fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.constant(undefined));
  const anyType = fc.oneof({ weight: 6, arbitrary: json }, { weight: 1, arbitrary: oddType });
  const sameMethod = fc.constant(o.method);
  const oddMethod = fc.constantFrom('HEAD', 'OPTIONS', 'PUT', 'TRACE', 'DELETE', 'GET', 'PATCH');
  const changesState = o.method !== 'GET';
  const build = (
    query: fc.Arbitrary<QueryPart>, auth: fc.Arbitrary<HeadersPart>, extra: fc.Arbitrary<HeadersPart>, body: fc.Arbitrary<BodyPart>,
    type: fc.Arbitrary<string | undefined>, method: fc.Arbitrary<string>,
  ) =>
    fc.tuple(path, query, auth, extra, body, type, method, ip).map(([p, q, a, x, b, t, m, remoteAddress]): FuzzRequest => {
      const headers: Record<string, string | string[]> = { ...a.headers, ...x.headers };
      if (t !== undefined && (b.payload !== undefined || changesState)) headers['content-type'] = t;
      const tags = [...p.tags, ...q.tags, ...a.tags, ...x.tags, ...b.tags, ...(t && !t.startsWith('application/json') ? [`content-type:${t}`] : [])];
      if (m !== o.method) tags.push(`method:${m}`);
      return {
        method: m, url: q.qs ? `${p.url}?${q.qs}` : p.url, headers, payload: m === 'GET' || m === 'HEAD' ? undefined : b.payload,
        remoteAddress, operation: `${o.method} ${o.path}`, tags: [depth, ...tags],
      };
    });
  const noBody = fc.constant<BodyPart>({ payload: undefined, tags: [] });
  const body = changesState ? parsedBody(world, o) : fc.oneof({ weight: 20, arbitrary: noBody }, { weight: 1, arbitrary: parsedBody(world, o) });

  if (depth === 'deep') {
    const query = fc.oneof({ weight: 4, arbitrary: plausibleQuery(world, o) }, { weight: 1, arbitrary: hostileQuery(world, o) });
    return build(query, validAuth(o), extraHeaders(o), body, json, sameMethod);
  }
  // Routes without credentials (guest self-service, login, logout, the documents) are refused early only for
  // their body or method; the others also for their credentials.
  const open = !o.op.security?.length;
  const variants: fc.Arbitrary<FuzzRequest>[] = [
    build(plausibleQuery(world, o), open ? fc.constant(h({})) : badAuth(world, o), extraHeaders(o), brokenBody(world, o), anyType, fc.oneof(sameMethod, oddMethod)),
  ];
  if (!open) variants.push(build(plausibleQuery(world, o), badAuth(world, o), extraHeaders(o), body, anyType, sameMethod));
  if (changesState) variants.push(build(plausibleQuery(world, o), open ? fc.constant(h({})) : validAuth(o), extraHeaders(o), brokenBody(world, o), oddType, sameMethod));
  if (o.kind === 'public' && !open) {
    variants.push(build(hostileQuery(world, o), validAuth(o), extraHeaders(o), body, json, sameMethod));
    if (changesState) variants.push(build(plausibleQuery(world, o), validAuth(o), extraHeaders(o), brokenBody(world, o), json, sameMethod));
  } else if (o.kind === 'admin' && changesState) {
    variants.push(build(plausibleQuery(world, o), validAuth(o), extraHeaders(o, true), body, json, sameMethod));
  }
  return fc.oneof(...variants);
}

/** Requests to routes that do not exist, under both prefixes. */
export const unknownRouteRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom('/v1/', '/admin/api/', '/v1/restaurants/', '/', '/v2/', '/admin/', '/v1/restaurants/x/'),
    fc.oneof(hostileString.map(enc), fc.constantFrom('..%2F..%2Fetc', '%', '%ZZ', 'a/b/c/d/e/f', 'x'.repeat(3000), '', '?', '#', ';a=b')),
    fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  )
  .map(([prefix, rest, method]) => ({
    method, url: prefix + rest, headers: { 'content-type': 'application/json' }, payload: method === 'GET' || method === 'HEAD' ? undefined : '{}',
    remoteAddress: '127.0.0.1', operation: '(unknown route)', tags: ['unknown-route'],
  }));
