/**
 * The API descriptions and their reference pages, all without a key:
 * GET /v1/openapi.json (public API) · GET /admin/api/openapi.json (admin API) · GET /docs and /docs/admin (Redoc's
 * server-side render, prerender.ts, in page.ts's page) with /docs/init.js, the parts /docs/parts/<kind>/<hash>/<n>.html,
 * the document with its curl examples /docs/reference/<kind>.json and Redoc's bundle /docs/assets/redoc.<hash>.js
 * (for the browser render).
 */
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { Precompressed } from '../../http/compression.js';
import { openapiDocument, serializeDocument, type DocumentKind } from '../../http/openapi.js';
import { markGuard } from '../../http/route-auth.js';
import { loadDocsBundle } from './bundle.js';
import { RenderCache } from './render-cache.js';
import { DOCS_CSP, DOCS_INIT_JS, docsHtml, escapeHtml, partPlaceholder, type DocsKind } from './page.js';
import { ORIGIN_TOKEN, prerender, withCurlSamples, type PrerenderedReference } from './prerender.js';

const documentSchema = z
  .looseObject({
    openapi: z.string().describe('3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .describe('An OpenAPI 3.1 document');

const NOT_BUILT = 'The API reference renderer is missing: run `npm install` (or `npm run build`) in the Maitre directory.';

export interface DocsOptions {
  /** Redoc's bundle (default: dist/docs/redoc.standalone.js, else the redoc package's); tests point it elsewhere. */
  bundlePath?: string;
  /** false: no pre-render, Redoc renders in the browser (as when the renderer is missing). */
  prerender?: boolean;
  /** The server-side renderer module (default: dist/docs-ssr/redoc-ssr.mjs when built, else render.mjs). */
  renderer?: string | null;
  prerenderWaitMs?: number;
  /** Where renders are kept across restarts (render-cache.ts); none: every start renders again. */
  cacheDir?: string;
}

export const docsRoutes: FastifyPluginAsync<DocsOptions> = async (app, opts) => {
  markGuard(app, 'public'); // the API descriptions and their reference pages are public
  const serve = (kind: DocumentKind, url: string, summary: string) => {
    let cached: Precompressed | undefined;
    app.get(
      url,
      {
        config: { auth: 'none' },
        compress: false, // compressed once (Precompressed)
        schema: {
          summary,
          description: 'Generated from the same schemas that validate requests and shape responses. Cached; no key needed.',
          tags: ['Meta'],
          operationId: kind === 'public' ? 'getOpenapiDocument' : 'adminGetOpenapiDocument',
          response: { 200: documentSchema },
        },
      },
      async (req, reply) => {
        cached ??= new Precompressed(Buffer.from(serializeDocument(openapiDocument(app, kind))));
        return cached.send(req, reply.type('application/json; charset=utf-8'));
      },
    );
  };
  serve('public', '/v1/openapi.json', 'This OpenAPI 3.1 document');
  serve('admin', '/admin/api/openapi.json', 'This OpenAPI 3.1 document');

  const bundle = loadDocsBundle(opts.bundlePath);
  const bundleUrl = bundle?.url ?? '/docs/assets/redoc.missing.js';

  // The pre-rendered references (prerender.ts), rendered on first demand, one worker thread per document.
  const cache = opts.cacheDir ? new RenderCache(join(opts.cacheDir, 'docs')) : undefined;
  const references = new Map<DocumentKind, Promise<PrerenderedReference | null>>();
  const reference = (kind: DocumentKind): Promise<PrerenderedReference | null> => {
    let found = references.get(kind);
    if (!found) {
      found =
        opts.prerender === false
          ? Promise.resolve(null)
          : prerender(serializeDocument(openapiDocument(app, kind)), opts.renderer, cache).catch((err: unknown) => {
              app.log.warn({ err, kind }, 'the API reference could not be pre-rendered: Redoc renders it in the browser');
              return null;
            });
      references.set(kind, found);
    }
    return found;
  };
  // A first reader waits for the render (seconds, once); past PRERENDER_WAIT_MS the page renders in the browser.
  const ready = (kind: DocumentKind) =>
    Promise.race([reference(kind), new Promise<null>((r) => setTimeout(() => r(null), opts.prerenderWaitMs ?? PRERENDER_WAIT_MS).unref())]);

  // Bodies that depend only on the reference and the origin they are served to: compressed once per origin.
  const bodies = new Map<string, Precompressed>();
  const cachedBody = (key: string, make: () => string) => {
    let body = bodies.get(key);
    if (!body) {
      if (bodies.size >= 64) bodies.clear(); // a few origins per server; never unbounded
      body = new Precompressed(Buffer.from(make()));
      bodies.set(key, body);
    }
    return body;
  };

  const partUrl = (kind: DocumentKind, hash: string, n: number) => `/docs/parts/${kind}/${hash}/${n}.html`;
  const markup = (kind: DocumentKind, pre: PrerenderedReference) =>
    pre.head +
    pre.parts
      .map((part, i) => partPlaceholder(partUrl(kind, pre.hash, i), part.ids, part.ids[0]!.replace(/^tag\//, '')))
      .join('') +
    pre.tail;

  const page = (kind: DocsKind, url: string) =>
    app.get(url, { config: { auth: 'none' }, compress: false, schema: { hide: true } }, async (req, reply) => {
      const pre = await ready(kind);
      const origin = requestOrigin(req);
      const body = cachedBody(`page ${kind} ${pre?.hash ?? 'browser'} ${origin}`, () =>
        docsHtml(kind, {
          bundleUrl,
          referenceUrl: `/docs/reference/${kind}.json`,
          prerendered: pre && { css: pre.css, markup: markup(kind, pre).replaceAll(ORIGIN_TOKEN, escapeHtml(origin)) },
        }),
      );
      reply.type('text/html; charset=utf-8').header('content-security-policy', DOCS_CSP).header('cache-control', 'no-cache');
      return body.send(req, reply);
    });
  page('public', '/docs');
  page('admin', '/docs/admin');
  app.get('/docs/init.js', { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(DOCS_INIT_JS),
  );

  app.get(
    '/docs/parts/:kind/:hash/:file',
    {
      config: { auth: 'none' },
      compress: false,
      schema: { hide: true, params: z.object({ kind: z.string(), hash: z.string(), file: z.string() }) },
    },
    async (req, reply) => {
      const { kind, hash, file } = req.params as { kind: string; hash: string; file: string };
      const pre = kind === 'public' || kind === 'admin' ? await references.get(kind) : null; // rendered for a page only
      const n = /^(0|[1-9][0-9]{0,3})\.html$/.exec(file)?.[1];
      const part = pre && pre.hash === hash && n !== undefined ? pre.parts[Number(n)] : undefined;
      if (!pre || !part) throw new ApiError('not_found', 'No such part of the API reference: reload the page.');
      const origin = requestOrigin(req);
      const body = cachedBody(`part ${kind} ${hash} ${n} ${origin}`, () => part.html.replaceAll(ORIGIN_TOKEN, escapeHtml(origin)));
      reply.type('text/html; charset=utf-8').header('content-security-policy', DOCS_CSP);
      reply.header('cache-control', 'public, max-age=31536000, immutable'); // the URL carries the render's hash
      return body.send(req, reply);
    },
  );
  app.get(
    '/docs/reference/:file',
    { config: { auth: 'none' }, compress: false, schema: { hide: true, params: z.object({ file: z.string() }) } },
    async (req, reply) => {
      const kind = /^(public|admin)\.json$/.exec((req.params as { file: string }).file)?.[1] as DocumentKind | undefined;
      if (!kind) throw new ApiError('not_found', 'No such reference document: /docs/reference/public.json or admin.json.');
      const origin = requestOrigin(req);
      const body = cachedBody(`reference ${kind} ${origin}`, () =>
        JSON.stringify(withCurlSamples(openapiDocument(app, kind))).replaceAll(ORIGIN_TOKEN, JSON.stringify(origin).slice(1, -1)),
      );
      reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache');
      return body.send(req, reply);
    },
  );

  const packed = bundle ? new Precompressed(bundle.body) : null;
  app.get(bundleUrl, { config: { auth: 'none' }, compress: false, schema: { hide: true } }, async (req, reply) => {
    if (!packed) throw new ApiError('service_unavailable', NOT_BUILT, {}, { 'retry-after': '60', 'cache-control': 'no-store' });
    return packed.send(req, reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable'));
  });
};

/** How long a reader of /docs waits for the first pre-render before the page renders in the browser instead. */
export const PRERENDER_WAIT_MS = 30_000;

/**
 * The origin the reader reached this server at, for the curl examples: the request's protocol and Host (as Fastify
 * reads them, X-Forwarded-* when trustProxy is on), only when it is a plain host[:port]; else the loopback address.
 */
export function requestOrigin(req: FastifyRequest): string {
  const host = req.host;
  return /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/.test(host) ? `${req.protocol}://${host}` : 'http://127.0.0.1';
}
