/**
 * The API descriptions and their reference pages, all without a key:
 * GET /v1/openapi.json (public API) · GET /admin/api/openapi.json (admin API) · GET /docs and /docs/admin (Redoc,
 * page.ts) with /docs/init.js and the bundle at /docs/assets/redoc.<hash>.js.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { Precompressed } from '../../http/compression.js';
import { openapiDocument, serializeDocument, type DocumentKind } from '../../http/openapi.js';
import { markGuard } from '../../http/route-auth.js';
import { loadDocsBundle } from './bundle.js';
import { DOCS_CSP, DOCS_INIT_JS, docsHtml } from './page.js';

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
  const page = (url: string, type: string, body: string) =>
    app.get(url, { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) =>
      reply.type(type).header('content-security-policy', DOCS_CSP).header('cache-control', 'no-cache').send(body),
    );
  page('/docs', 'text/html; charset=utf-8', docsHtml('public', bundleUrl));
  page('/docs/admin', 'text/html; charset=utf-8', docsHtml('admin', bundleUrl));
  page('/docs/init.js', 'text/javascript; charset=utf-8', DOCS_INIT_JS);
  const packed = bundle ? new Precompressed(bundle.body) : null;
  app.get(bundleUrl, { config: { auth: 'none' }, compress: false, schema: { hide: true } }, async (req, reply) => {
    if (!packed) throw new ApiError('service_unavailable', NOT_BUILT, {}, { 'retry-after': '60', 'cache-control': 'no-store' });
    return packed.send(req, reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable'));
  });
};
