/**
 * The API descriptions and their reference page, all without a key:
 * GET /v1/openapi.json (public API) · GET /admin/api/openapi.json (admin API) · GET /docs (interactive reference).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { openapiDocument, serializeDocument, type DocumentKind } from '../../http/openapi.js';
import { markGuard } from '../../http/route-auth.js';
import { DOCS_ASSETS, DOCS_CSP, DOCS_HTML, DOCS_INIT_JS } from './page.js';

const documentSchema = z
  .looseObject({
    openapi: z.string().describe('3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .describe('An OpenAPI 3.1 document');

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export const docsRoutes: FastifyPluginAsync = async (app) => {
  markGuard(app, 'public'); // all public, including the files @fastify/static adds routes for (it takes no route config)
  const serve = (kind: DocumentKind, url: string, summary: string) => {
    let cached: string | undefined;
    app.get(
      url,
      {
        config: { auth: 'none' },
        schema: {
          summary,
          description: 'Generated from the same schemas that validate requests and shape responses. Cached; no key needed.',
          tags: ['Meta'],
          operationId: kind === 'public' ? 'getOpenapiDocument' : 'adminGetOpenapiDocument',
          response: { 200: documentSchema },
        },
      },
      async (_req, reply) => {
        cached ??= serializeDocument(openapiDocument(app, kind));
        return reply.type('application/json; charset=utf-8').send(cached);
      },
    );
  };
  serve('public', '/v1/openapi.json', 'This OpenAPI 3.1 document');
  serve('admin', '/admin/api/openapi.json', 'This OpenAPI 3.1 document');

  const page = (url: string, type: string, body: string) =>
    app.get(url, { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) =>
      reply.type(type).header('content-security-policy', DOCS_CSP).header('cache-control', 'no-cache').send(body),
    );
  page('/docs', 'text/html; charset=utf-8', DOCS_HTML);
  page('/docs/init.js', 'text/javascript; charset=utf-8', DOCS_INIT_JS);

  const allowed = new Set(DOCS_ASSETS.map((f) => `/${f}`));
  await app.register(fastifyStatic, {
    root: swaggerUiDir,
    prefix: '/docs/assets/',
    decorateReply: false,
    index: false,
    maxAge: '1d',
    allowedPath: (pathName) => allowed.has(pathName),
  });
};
