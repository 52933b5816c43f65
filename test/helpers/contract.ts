/**
 * Contract checking for every test: each response of a documented operation is validated against the OpenAPI
 * document the app generates (status documented for that operation, JSON body matching its schema, required headers
 * present). A violation cannot be ignored: the response is replaced by a 500 whose message says what is wrong, it is
 * printed at once, and the test process exits non-zero at the end with the list.
 * createTestApp installs it by default; `createTestApp({ contract: false })` turns it off for one app.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ERROR_CODES } from '../../src/http/errors.js';
import { documentOf, openapiDocument, type DocumentKind } from '../../src/http/openapi.js';
import { envelopeJsonSchema } from '../../src/http/openapi-errors.js';

type Json = Record<string, any>;
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

export interface Violation {
  method: string;
  path: string;
  status: number;
  problem: string;
}

/** Every violation seen by this process (test/contract-*.test.ts read it; the exit hook reports it). */
export const violations: Violation[] = [];

let exitHookInstalled = false;
function installExitReport(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    if (!violations.length) return;
    console.error(`\n${violations.length} OpenAPI contract violation(s) in this test file:`);
    for (const v of violations) console.error(`  ${v.method} ${v.path} → ${v.status}: ${v.problem}`);
    process.exitCode = 1;
  });
}

/** `/v1/restaurants/:restaurant` → `/v1/restaurants/{restaurant}` (the document's path form). */
export const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

const pointer = (...parts: string[]) => `#/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/** Validators over one pair of documents, compiled lazily and kept for the whole process. */
export class ContractDocuments {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly genericEnvelope: ValidateFunction;

  constructor(readonly docs: Record<DocumentKind, Json>) {
    addFormats(this.ajv);
    for (const [kind, doc] of Object.entries(docs)) this.ajv.addSchema(doc, `maitre-${kind}`);
    this.genericEnvelope = this.ajv.compile(envelopeJsonSchema(ERROR_CODES));
  }

  operation(method: string, url: string): { kind: DocumentKind; op: Json; path: string } | undefined {
    const kind = documentOf(url);
    if (!kind) return undefined;
    const path = openapiPath(url);
    const op = this.docs[kind].paths?.[path]?.[method.toLowerCase()];
    return op ? { kind, op, path } : undefined;
  }

  /** The response object for a status (exact, then `4XX`-style, then `default`), with its JSON pointer. */
  response(kind: DocumentKind, path: string, method: string, op: Json, status: number): { response: Json; at: string } | undefined {
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => op.responses?.[k]);
    if (!key) return undefined;
    let response = op.responses[key];
    let at = pointer('paths', path, method.toLowerCase(), 'responses', key);
    if (typeof response.$ref === 'string') {
      at = response.$ref;
      response = at.slice(2).split('/').reduce((o: Json, p: string) => o?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], this.docs[kind]);
    }
    return { response, at };
  }

  validator(kind: DocumentKind, at: string): ValidateFunction {
    const ref = `maitre-${kind}${at}/content/application~1json/schema`;
    let v = this.compiled.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, v);
    }
    return v;
  }

  header(kind: DocumentKind, h: Json): Json {
    if (typeof h?.$ref !== 'string') return h;
    return h.$ref.slice(2).split('/').reduce((o: Json, p: string) => o?.[p], this.docs[kind]);
  }

  errorsText(v: ValidateFunction): string {
    return this.ajv.errorsText(v.errors, { dataVar: 'body' });
  }
}

const byRouteSet = new Map<string, ContractDocuments>();
const routeKey = (r: RouteOptions) => `${([] as string[]).concat(r.method).join(',')} ${r.url}`;

function documentsFor(app: FastifyInstance, appRoutes: RouteOptions[]): ContractDocuments {
  const signature = appRoutes.map(routeKey).join('\n');
  let docs = byRouteSet.get(signature);
  if (!docs) {
    docs = new ContractDocuments({ public: openapiDocument(app, 'public'), admin: openapiDocument(app, 'admin') });
    byRouteSet.set(signature, docs);
  }
  return docs;
}

function bodyOf(payload: unknown, encoding?: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) {
    // A body compressed by its route (src/http/compression.ts Precompressed) is checked as the client reads it.
    if (encoding === 'br') return brotliDecompressSync(payload).toString('utf8');
    if (encoding === 'gzip') return gunzipSync(payload).toString('utf8');
    return payload.toString('utf8');
  }
  return undefined; // a stream: not inspected
}

/** What is wrong with this response, or null. */
export function checkResponse(docs: ContractDocuments, req: FastifyRequest, reply: FastifyReply, payload: unknown): string | null {
  const url = req.routeOptions.url;
  const body = bodyOf(payload, reply.getHeader('content-encoding'));
  const status = reply.statusCode;
  const isJson = /json/i.test(String(reply.getHeader('content-type') ?? ''));
  if (!url || req.is404) {
    if (status < 400) return null;
    if (!isJson || body === undefined) return 'an error without the JSON envelope';
    return docs.genericEnvelope(JSON.parse(body)) ? null : `not the error envelope: ${docs.errorsText(docs.genericEnvelope)}`;
  }
  const found = docs.operation(req.method, url);
  if (!found) return null; // hidden (health, metrics, docs) or added by a test
  const { kind, op, path } = found;
  const r = docs.response(kind, path, req.method, op, status);
  const code = isJson && body ? safeCode(body) : undefined;
  if (!r) {
    return `status ${status}${code ? ` (${code})` : ''} is not documented for this operation` +
      (code ? `: declare it in the route's response with errorResponses('${code}')` : '');
  }
  for (const [name, h] of Object.entries((r.response.headers ?? {}) as Json)) {
    if (docs.header(kind, h)?.required && reply.getHeader(name) === undefined) return `the required header ${name} is missing`;
  }
  const mediaType = String(reply.getHeader('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!isJson && mediaType && r.response.content?.[mediaType]) {
    // A documented non-JSON representation (e.g. text/csv beside application/json): a text body is all it promises.
    return body === undefined || typeof body === 'string' ? null : `a ${mediaType} body that is not text`;
  }
  const media = r.response.content?.['application/json'];
  if (!media) {
    if (status === 204 || status === 304 || !body) return null;
    return 'a body where the document says there is none';
  }
  if (!isJson) return `content-type ${String(reply.getHeader('content-type'))}, the document says application/json`;
  if (body === undefined) return null;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return 'a body that is not JSON';
  }
  const validate = docs.validator(kind, r.at);
  if (validate(data)) return null;
  if (code && validate.errors?.some((e) => e.instancePath === '/error/code' && e.keyword === 'enum')) {
    return `the code ${code} is not documented for status ${status} of this operation: declare it in the route's response with errorResponses('${code}')`;
  }
  return `the body does not match the documented schema${code ? ` (code ${code})` : ''}: ${docs.errorsText(validate)}`;
}

function safeCode(body: string): string | undefined {
  try {
    const code = JSON.parse(body)?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Installs the check on `app` (before ready). Routes registered from `fromRouteIndex` on (a test's own `extend`
 * routes) are not checked.
 */
export function installContractCheck(app: FastifyInstance, options: { fromRouteIndex?: number } = {}): void {
  installExitReport();
  const appRoutes = app.openapiRoutes.slice(0, options.fromRouteIndex ?? app.openapiRoutes.length);
  const own = new Set(appRoutes.map(routeKey));
  let docs: ContractDocuments | undefined;
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method === 'HEAD' || req.method === 'OPTIONS') return payload;
    const route = req.routeOptions.url;
    if (route && !req.is404 && !own.has(`${req.method} ${route}`)) return payload;
    docs ??= documentsFor(app, appRoutes);
    const problem = checkResponse(docs, req, reply, payload);
    if (!problem) return payload;
    const path = route ? openapiPath(route) : req.url.split('?')[0];
    violations.push({ method: req.method, path, status: reply.statusCode, problem });
    const message = `OpenAPI contract violation: ${req.method} ${path} answered ${reply.statusCode}: ${problem}. Body: ${bodyOf(payload)?.slice(0, 500) ?? '(none)'}`;
    console.error(`\n${message}\n`);
    reply.code(500).type('application/json; charset=utf-8');
    return JSON.stringify({ error: { code: 'internal_error', message, details: { contractViolation: true } } });
  });
}
