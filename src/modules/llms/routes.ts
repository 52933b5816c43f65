/**
 * GET /llms.txt, /llms-full.txt and /docs/{guide}.md, without a key. The texts are generated once, on first demand,
 * from docs/*.md, the MCP tools and the public OpenAPI document (generate.ts). Not API operations: hidden from the
 * OpenAPI documents, like /docs.
 */
import type { FastifyPluginAsync } from 'fastify';
import { openapiDocument } from '../../http/openapi.js';
import { DOCS_DIR, llmsFullTxt, llmsTxt, readGuides } from './generate.js';

const MARKDOWN = 'text/markdown; charset=utf-8';
const PLAIN = 'text/plain; charset=utf-8';

export const llmsRoutes: FastifyPluginAsync = async (app) => {
  const guides = readGuides();
  if (guides.length === 0) app.log.warn({ dir: DOCS_DIR }, 'no docs/*.md found: /llms.txt lists the API and the MCP tools only');
  // Made on first demand (requests come only once the app is ready, so the document is complete), then kept.
  let texts: { index: string; full: string } | undefined;
  const made = () => {
    if (!texts) {
      const doc = openapiDocument(app, 'public');
      texts = { index: llmsTxt(guides, doc), full: llmsFullTxt(guides, doc) };
    }
    return texts;
  };

  const options = { config: { auth: 'none' as const }, schema: { hide: true } };
  app.get('/llms.txt', options, async (_req, reply) => reply.type(PLAIN).header('cache-control', 'no-cache').send(made().index));
  app.get('/llms-full.txt', options, async (_req, reply) => reply.type(PLAIN).header('cache-control', 'no-cache').send(made().full));
  for (const g of guides) {
    app.get(g.url, options, async (_req, reply) => reply.type(MARKDOWN).header('cache-control', 'no-cache').send(g.text));
  }
};
