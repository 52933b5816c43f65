/** GET / (a page linking the dashboard, the demo, the docs and health) and the icon at /favicon.svg and /favicon.ico. */
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { FAVICON_SVG } from './favicon.js';
import { HOME_CSP, homeHtml } from './page.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export const homeRoutes: FastifyPluginAsync = async (app) => {
  const hidden = { config: { auth: 'none' as const }, schema: { hide: true } };
  const html = homeHtml({ demo: app.services.config.demo, version: pkg.version });

  app.get('/', hidden, async (_req, reply) =>
    reply
      .headers({ 'content-security-policy': HOME_CSP, 'referrer-policy': 'same-origin', 'cache-control': 'no-cache' })
      .type('text/html; charset=utf-8')
      .send(html),
  );
  // Browsers ask for /favicon.ico on their own; an SVG answers both (every current browser draws it).
  for (const url of ['/favicon.svg', '/favicon.ico']) {
    app.get(url, hidden, async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(FAVICON_SVG),
    );
  }
};
